package auth

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hold occupies a slot of p until the returned release is called.
func hold(t *testing.T, p *HashPool) (release func()) {
	t.Helper()
	entered, done := make(chan struct{}), make(chan struct{})
	go func() {
		if err := p.run(context.Background(), func() { close(entered); <-done }); err != nil {
			t.Errorf("holding a slot: %v", err)
		}
	}()
	<-entered
	return func() { close(done) }
}

// waitFor polls until cond holds: the pool's queue is observed, not timed.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
	}
}

// TestHashPoolRefusesBeyondItsQueue: with the slot taken and the queue
// full, a caller is refused at once with ErrHashBusy; the one waiting in
// the queue runs when the slot frees.
func TestHashPoolRefusesBeyondItsQueue(t *testing.T) {
	p := NewHashPool(1, 1, time.Hour)
	release := hold(t, p)
	queued := make(chan error, 1)
	go func() { queued <- p.run(context.Background(), func() {}) }()
	waitFor(t, func() bool { return p.waiting.Load() == 1 })

	refused := make(chan error, 1)
	go func() { refused <- p.run(context.Background(), func() { t.Error("ran beyond the queue") }) }()
	select {
	case err := <-refused:
		if !errors.Is(err, ErrHashBusy) {
			t.Fatalf("beyond the queue: %v, want ErrHashBusy", err)
		}
	case <-time.After(10 * time.Second): // liveness bound, not a timing claim
		t.Fatal("a caller beyond the queue waits instead of being refused")
	}
	release()
	if err := <-queued; err != nil {
		t.Fatalf("the queued caller: %v", err)
	}
	if n := p.waiting.Load(); n != 0 {
		t.Fatalf("%d still counted as waiting", n)
	}
}

// TestHashPoolWaitIsBounded: a queued caller gives up after MaxWait with
// ErrHashBusy, and one whose request ends gives up with its context's error.
func TestHashPoolWaitIsBounded(t *testing.T) {
	p := NewHashPool(1, 4, 20*time.Millisecond)
	release := hold(t, p)
	defer release()
	if err := p.run(context.Background(), func() { t.Error("ran without a slot") }); !errors.Is(err, ErrHashBusy) {
		t.Fatalf("after MaxWait: %v, want ErrHashBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p = NewHashPool(1, 4, time.Hour)
	release2 := hold(t, p)
	defer release2()
	if err := p.run(ctx, func() { t.Error("ran without a slot") }); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended request: %v, want context.Canceled", err)
	}
}

// TestHashPoolRunsAtMostSize: however many callers, no more than Size
// hashes run at once, and every admitted caller runs.
func TestHashPoolRunsAtMostSize(t *testing.T) {
	const size, callers = 2, 12
	p := NewHashPool(size, callers, time.Hour)
	var running, most, ran atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.run(context.Background(), func() {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(2 * time.Millisecond) // overlap the callers
				running.Add(-1)
				ran.Add(1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most.Load() > size || ran.Load() != callers {
		t.Fatalf("at most %d at once and %d ran; want ≤ %d and %d", most.Load(), ran.Load(), size, callers)
	}
}

// TestHashPoolVerifiesLikeTheUnboundedCall: the pooled calls give the
// answers of HashPassword and VerifyPasswordOrDummy.
func TestHashPoolVerifiesLikeTheUnboundedCall(t *testing.T) {
	p := NewHashPool(1, 0, time.Second)
	ctx := context.Background()
	hash, err := p.Hash(ctx, "correct horse battery", DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		hash, password string
		want           bool
	}{{hash, "correct horse battery", true}, {hash, "wrong", false}, {"", "correct horse battery", false}} {
		if ok, err := p.VerifyOrDummy(ctx, c.hash, c.password); err != nil || ok != c.want {
			t.Fatalf("VerifyOrDummy(%q…, %q) = %v, %v; want %v", c.hash[:min(len(c.hash), 12)], c.password, ok, err, c.want)
		}
	}
}
