package events

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// The subscription's goroutine waits on its batches and one wake channel
// (hub.go): the end of its context, an event about the subscriber and the
// periodic re-check each wake it.

// TestServeEndsWithItsContext: with no event and no periodic re-check, the
// end of the context still ends Serve.
func TestServeEndsWithItsContext(t *testing.T) {
	e := newEnv(t)
	h, _ := e.hub(HubOptions{})
	s, cancel := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)
	cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// recheckingSubscriber serves a subscriber of one tenant whose re-checks
// are reported on a channel and fail, ending the subscription.
func recheckingSubscriber(t *testing.T, h *Hub, userID, tenant int64, every time.Duration) (rechecks chan bool, done chan error) {
	rechecks, done = make(chan bool, 10), make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		done <- h.Serve(ctx, Request{UserID: userID, Scope: domain.Scope{TenantIDs: []int64{tenant}},
			Deliver: func(context.Context, *domain.ChangeEvent) error { return nil },
			Recheck: func(_ context.Context, urgent bool) (domain.Scope, error) {
				rechecks <- urgent
				return domain.Scope{}, domain.Errorf(domain.EFORBIDDEN, "gone")
			},
			RecheckEvery: every,
		})
	}()
	return rechecks, done
}

// TestUrgentRecheckOnEventElsewhere: an event about the subscriber in a
// tenant it does not watch wakes it for an urgent re-check (no periodic
// re-check here to do it instead).
func TestUrgentRecheckOnEventElsewhere(t *testing.T) {
	e := newEnv(t)
	e.relay(RelayOptions{})
	h, _ := e.hub(HubOptions{})
	const userID = 4242
	rechecks, done := recheckingSubscriber(t, h, userID, e.tenant, 0)
	waitSubscribers(t, h, 1)
	e.commitAbout(e.other, userID)
	select {
	case urgent := <-rechecks:
		if !urgent {
			t.Fatal("the re-check was not urgent")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no re-check after an event about the subscriber")
	}
	if err := <-done; domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Fatalf("ended with %v", err)
	}
}

// TestPeriodicRecheck: with no event at all, the periodic re-check runs.
func TestPeriodicRecheck(t *testing.T) {
	e := newEnv(t)
	h, _ := e.hub(HubOptions{})
	rechecks, done := recheckingSubscriber(t, h, 4243, e.tenant, 20*time.Millisecond)
	select {
	case urgent := <-rechecks:
		if urgent {
			t.Fatal("the periodic re-check was urgent")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no periodic re-check")
	}
	if err := <-done; domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Fatalf("ended with %v", err)
	}
}

// commitAbout records one event about the user in its own transaction.
func (e *env) commitAbout(tenant, userID int64) {
	e.t.Helper()
	err := e.db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		record(e.t, ctx, tx, tenant, "USER_UPDATED", map[string]any{"userId": userID})
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}
