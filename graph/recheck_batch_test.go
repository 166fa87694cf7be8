package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSessionBatcherSharesLookups: concurrent periodic re-checks share one
// look-up, each session is asked once in it, and every caller gets its own
// session's answer.
func TestSessionBatcherSharesLookups(t *testing.T) {
	var mu sync.Mutex
	var asked [][]string
	b := &sessionBatcher{window: time.Hour, lookup: func(_ context.Context, ids []string) (map[string]bool, error) {
		mu.Lock()
		asked = append(asked, slices.Sorted(slices.Values(ids)))
		mu.Unlock()
		alive := map[string]bool{}
		for _, id := range ids {
			alive[id] = id != "s3"
		}
		return alive, nil
	}}
	const callers = 200
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("s%d", i%10)
			ok, err := b.alive(context.Background(), id)
			if err != nil || ok != (id != "s3") {
				errs <- fmt.Errorf("%s: alive %t, %v", id, ok, err)
			}
		}()
	}
	// Every caller waits in the one open batch; send it (the window would).
	var batch *sessionBatch
	for batch == nil {
		b.mu.Lock()
		if b.cur != nil && b.cur.requests == callers {
			batch = b.cur
		}
		b.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	b.send(batch)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"}
	if len(asked) != 1 || !slices.Equal(asked[0], want) {
		t.Fatalf("look-ups %v, want one of %v", asked, want)
	}
}

// TestSessionBatcherFullBatchGoesAtOnce: a batch of sessionBatchMax
// sessions is looked up without waiting for its window.
func TestSessionBatcherFullBatchGoesAtOnce(t *testing.T) {
	b := &sessionBatcher{window: time.Hour, lookup: func(_ context.Context, ids []string) (map[string]bool, error) {
		return map[string]bool{}, nil
	}}
	var wg sync.WaitGroup
	for i := range sessionBatchMax {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := b.alive(context.Background(), fmt.Sprint(i)); ok || err != nil {
				t.Errorf("%d: alive %t, %v", i, ok, err)
			}
		}()
	}
	wg.Wait() // would wait the hour without the bound
}
