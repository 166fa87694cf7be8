package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrHashBusy is returned when every hashing slot is taken and the queue
// is full, or a caller waited MaxWait without getting a slot: the caller
// should answer "try again shortly" (RATE_LIMITED with Retry-After), not
// wait longer, so that a burst of sign-ins cannot take every core from the
// rest of the traffic.
var ErrHashBusy = errors.New("auth: password hashing is saturated")

// HashPool runs argon2id hashing on a bounded number of goroutines. A
// sign-in costs one deliberately slow hash (tens of milliseconds of a full
// core); without a bound, a burst of sign-ins, honest or not, occupies
// every core and page traffic starves. The pool admits Size hashes at
// once, lets at most Queue callers wait, each at most MaxWait, and refuses
// the rest with ErrHashBusy. The zero value and a nil pool hash without a
// bound (tools and tests that need no protection).
type HashPool struct {
	slots   chan struct{}
	queue   int64
	maxWait time.Duration
	waiting atomic.Int64
}

// DefaultHashConcurrency leaves half of the cores to everything else: a
// hash is pure CPU, so two slots on two cores would let a burst take the
// whole machine (measured in BENCHMARKS.md, "Sign-in bursts").
func DefaultHashConcurrency() int {
	return max(1, runtime.GOMAXPROCS(0)/2)
}

// NewHashPool returns a pool of size concurrent hashes (at least 1), with
// at most queue waiting callers (0: none wait) each waiting at most maxWait.
func NewHashPool(size, queue int, maxWait time.Duration) *HashPool {
	return &HashPool{slots: make(chan struct{}, max(1, size)), queue: int64(max(0, queue)), maxWait: maxWait}
}

// Size is the number of hashes the pool runs at once (0 when unbounded).
func (p *HashPool) Size() int {
	if p == nil || p.slots == nil {
		return 0
	}
	return cap(p.slots)
}

// RetryAfter is the wait to suggest to a refused caller.
func (p *HashPool) RetryAfter() time.Duration {
	if p == nil || p.maxWait < time.Second {
		return time.Second
	}
	return p.maxWait
}

// run calls work in a slot, or returns ErrHashBusy or the context's error.
func (p *HashPool) run(ctx context.Context, work func()) error {
	if p == nil || p.slots == nil {
		work()
		return nil
	}
	select {
	case p.slots <- struct{}{}:
	default:
		if p.waiting.Add(1) > p.queue {
			p.waiting.Add(-1)
			return ErrHashBusy
		}
		timer := time.NewTimer(p.maxWait)
		select {
		case p.slots <- struct{}{}:
			p.waiting.Add(-1)
			timer.Stop()
		case <-timer.C:
			p.waiting.Add(-1)
			return ErrHashBusy
		case <-ctx.Done():
			p.waiting.Add(-1)
			timer.Stop()
			return ctx.Err()
		}
	}
	defer func() { <-p.slots }()
	work()
	return nil
}

// Hash is HashPassword in a slot of the pool.
func (p *HashPool) Hash(ctx context.Context, password string, params Argon2Params) (hash string, err error) {
	if perr := p.run(ctx, func() { hash, err = HashPassword(password, params) }); perr != nil {
		return "", perr
	}
	return hash, err
}

// VerifyOrDummy is VerifyPasswordOrDummy in a slot of the pool: an unknown
// account waits for a slot and costs one hash exactly like a known one, so
// saturation does not tell them apart either.
func (p *HashPool) VerifyOrDummy(ctx context.Context, hash, password string) (ok bool, err error) {
	if perr := p.run(ctx, func() { ok = VerifyPasswordOrDummy(hash, password) }); perr != nil {
		return false, perr
	}
	return ok, nil
}
