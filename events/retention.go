package events

import (
	"context"
	"log/slog"
	"time"

	"tenantadmin/db"
)

// Retention deletes audit events older than Audit (R26) and published
// change events older than Events, in batches, on one replica at a time
// (an advisory lock; the others skip the run). A zero duration keeps rows
// forever.
type Retention struct {
	Store    *db.EventStore
	Audit    time.Duration
	Events   time.Duration
	Interval time.Duration
	Batch    int
	Logger   *slog.Logger
	// Now is the clock (tests move it).
	Now func() time.Time
}

// Run prunes at start and then every Interval until ctx ends.
func (r *Retention) Run(ctx context.Context) {
	if r.Audit <= 0 && r.Events <= 0 {
		return
	}
	interval := r.Interval
	if interval <= 0 {
		interval = time.Hour
	}
	for {
		if _, _, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.Logger.Warn("retention", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// RunOnce prunes once and returns how many audit and change events it
// deleted.
func (r *Retention) RunOnce(ctx context.Context) (audit, events int64, err error) {
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	var auditBefore, eventsBefore time.Time
	if r.Audit > 0 {
		auditBefore = now.Add(-r.Audit)
	}
	if r.Events > 0 {
		eventsBefore = now.Add(-r.Events)
	}
	batch := r.Batch
	if batch <= 0 {
		batch = 1000
	}
	audit, events, ran, err := r.Store.Prune(ctx, auditBefore, eventsBefore, batch)
	if ran && (audit > 0 || events > 0) {
		r.Logger.Info("retention: pruned", "auditEvents", audit, "changeEvents", events)
	}
	return audit, events, err
}
