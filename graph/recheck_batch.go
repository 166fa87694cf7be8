package graph

import (
	"context"
	"sync"
	"time"

	"tenantadmin/domain"
)

// Periodic session re-checks in batches (issue 17.3). Every subscription
// re-checks its session every SubscriptionRecheck; with 10,000
// subscriptions that was 2,000 Redis round trips a second, 12 % of the
// server's CPU. The periodic re-checks arriving within a short window now
// share one look-up: one pipeline for the distinct session IDs of the
// batch, whose answers go to every subscription that asked.
//
// The bound on a revoked session is unchanged: a batch's look-up is sent
// after every request in it was made, so each subscription gets an answer
// at least as fresh as its own look-up would have been, at most the
// window later. No answer is kept past its batch: a subscription re-checking
// later, even of the same session, asks Redis again.

// sessionBatchMax bounds the sessions of one look-up.
const sessionBatchMax = 1000

// sessionBatcher groups the periodic look-ups of sessions.
type sessionBatcher struct {
	// lookup answers, for each session ID asked, whether it is alive.
	lookup func(ctx context.Context, ids []string) (map[string]bool, error)
	// window is how long the first request of a batch waits for others.
	window time.Duration

	mu  sync.Mutex
	cur *sessionBatch

	// lookups counts the look-ups sent (tests).
	lookups int64
}

type sessionBatch struct {
	ids map[string]struct{}
	// requests counts the re-checks waiting for the batch (tests).
	requests int
	once     sync.Once
	done     chan struct{}
	// Set before done is closed.
	alive map[string]bool
	err   error
}

// alive reports whether the session id is alive, as seen by a look-up sent
// after this call began.
func (b *sessionBatcher) alive(ctx context.Context, id string) (bool, error) {
	b.mu.Lock()
	batch := b.cur
	if batch == nil {
		batch = &sessionBatch{ids: map[string]struct{}{}, done: make(chan struct{})}
		b.cur = batch
		time.AfterFunc(b.window, func() { b.send(batch) })
	}
	batch.ids[id] = struct{}{}
	batch.requests++
	full := len(batch.ids) >= sessionBatchMax
	if full {
		b.cur = nil // later requests start another batch
	}
	b.mu.Unlock()
	if full {
		go b.send(batch)
	}
	select {
	case <-batch.done:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	if batch.err != nil {
		return false, batch.err
	}
	return batch.alive[id], nil
}

// send closes the batch to new requests and looks its sessions up, once.
func (b *sessionBatcher) send(batch *sessionBatch) {
	batch.once.Do(func() {
		b.mu.Lock()
		if b.cur == batch {
			b.cur = nil
		}
		ids := make([]string, 0, len(batch.ids))
		for id := range batch.ids {
			ids = append(ids, id)
		}
		b.lookups++
		b.mu.Unlock()
		// Shared by the subscriptions of the batch: bound to none of them.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		batch.alive, batch.err = b.lookup(ctx, ids)
		close(batch.done)
	})
}

// sessionCheckWindow is how long a periodic session re-check waits for
// others to share its look-up: a tenth of the re-check period, at most
// 50 ms.
func sessionCheckWindow(every time.Duration) time.Duration {
	return max(min(every/10, 50*time.Millisecond), time.Millisecond)
}

// credentialLive re-checks a subscriber's session or token: periodic
// re-checks of sessions in batches when the App can look sessions up in
// batches, everything else one by one (CredentialLive).
func (app *App) credentialLive(ctx context.Context, v *domain.Viewer, urgent bool) error {
	if !urgent && v.SessionID != "" && v.ServiceTokenID == 0 && app.SessionsAlive != nil {
		app.sessionChecksOnce.Do(func() {
			app.sessionChecks = &sessionBatcher{lookup: app.SessionsAlive, window: sessionCheckWindow(app.SubscriptionRecheck)}
		})
		alive, err := app.sessionChecks.alive(ctx, v.SessionID)
		if err != nil {
			return err
		}
		if !alive {
			return domain.Errorf(domain.EUNAUTHENTICATED, "Your session has ended.")
		}
		return nil
	}
	if app.CredentialLive != nil {
		return app.CredentialLive(ctx, v)
	}
	return nil
}
