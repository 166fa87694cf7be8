package mail

import (
	"context"
	"log/slog"
	netmail "net/mail"
	"sync"
	"time"

	"tenantadmin/db"
)

// Sender delivers one composed message.
type Sender interface {
	Send(ctx context.Context, from, to string, msg []byte) error
}

// Worker delivers the email outbox: it claims due messages with FOR UPDATE
// SKIP LOCKED (so replicas share the work without sending twice), sends
// them, and retries failures with exponential backoff, recording the last
// error on the row.
type Worker struct {
	DB       *db.DB
	Sender   Sender
	From     string
	Logger   *slog.Logger
	Interval time.Duration
	// Backoff is the wait before attempt n+1 after n failed attempts;
	// default 30 s doubling up to 1 h.
	Backoff func(attempts int) time.Duration

	wake chan struct{}
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// DefaultBackoff waits 30 s, 1 min, 2 min… up to an hour.
func DefaultBackoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Start runs the delivery loop until Stop.
func (w *Worker) Start() {
	if w.Interval <= 0 {
		w.Interval = 2 * time.Second
	}
	if w.Backoff == nil {
		w.Backoff = DefaultBackoff
	}
	w.wake = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	w.stop = cancel
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(w.Interval)
		defer tick.Stop()
		for {
			for {
				sent, failed, err := w.RunOnce(ctx)
				if err != nil && ctx.Err() == nil {
					w.Logger.Error("mail delivery", "error", err)
				}
				if err != nil || sent+failed == 0 || failed > 0 {
					break
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-w.wake:
			}
		}
	}()
}

// Wake asks for a delivery round now (after a mutation queued mail).
func (w *Worker) Wake() {
	if w == nil || w.wake == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Stop ends the loop and waits for the round in progress.
func (w *Worker) Stop() {
	if w.stop != nil {
		w.stop()
		w.wg.Wait()
	}
}

// RunOnce delivers one batch of due messages.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	backoff := w.Backoff
	if backoff == nil {
		backoff = DefaultBackoff
	}
	return w.DB.DeliverEmails(ctx, 20, func(ctx context.Context, m *db.OutboxEmail) error {
		msg, err := Render(m.Template, m.Language, m.Data)
		if err != nil {
			return err
		}
		raw, err := Compose(w.From, m.To, msg, time.Now())
		if err != nil {
			return err
		}
		sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := w.Sender.Send(sendCtx, envelopeAddress(w.From), m.To, raw); err != nil {
			w.Logger.Warn("mail not delivered; will retry", "id", m.ID, "attempt", m.Attempts+1, "error", err)
			return err
		}
		return nil
	}, backoff)
}

// envelopeAddress is the bare address of a From header ("Name <a@b>").
func envelopeAddress(from string) string {
	if a, err := netmail.ParseAddress(from); err == nil {
		return a.Address
	}
	return from
}
