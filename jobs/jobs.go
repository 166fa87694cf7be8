// Package jobs runs the background duties of every replica: expire
// overdue nominations (R20) and send the monthly digest (R25) once the
// month is over. Several replicas may run them at once: the storage makes
// each digest happen once.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"tenantadmin/app"
	"tenantadmin/domain"
)

// Scheduler runs the jobs every Interval, and a first time soon after
// Start (deployments restart more often than the interval).
type Scheduler struct {
	// App runs the duties' use cases (as the system).
	App    *app.App
	Logger *slog.Logger
	// Interval between runs; zero or less runs nothing.
	Interval time.Duration

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// Start begins the periodic runs; Stop ends them.
func (s *Scheduler) Start() {
	if s.Interval <= 0 || s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		wait := min(s.Interval, time.Minute)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			s.Run(ctx, time.Now())
			wait = s.Interval
		}
	}()
}

// Stop ends the periodic runs and waits for a run in progress.
func (s *Scheduler) Stop() {
	if s.cancel != nil {
		s.cancel()
		s.done.Wait()
		s.cancel = nil
	}
}

// Run expires overdue nominations and sends last month's digest to the
// tenants that have not had it.
func (s *Scheduler) Run(ctx context.Context, now time.Time) {
	if n, err := s.App.ExpireNominations(ctx); err != nil {
		if ctx.Err() == nil {
			s.Logger.Error("expire nominations", "error", err)
		}
	} else if n > 0 {
		s.Logger.Info("nominations expired", "count", n)
	}
	p := domain.PeriodOf(now).Previous()
	res, ran, err := s.App.SendDueDigest(ctx, p)
	if !ran {
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("monthly digest", "error", err)
		}
		return
	}
	if err != nil && ctx.Err() == nil {
		s.Logger.Error("monthly digest", "period", p.String(), "error", err)
	}
	s.Logger.Info("monthly digest", "period", p.String(), "sent", res.Sent, "alreadySent", res.AlreadySent, "noAddress", res.NoAddress)
}
