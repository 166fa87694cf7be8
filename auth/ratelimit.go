package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"tenantadmin/kv"
)

// Rate is a limit of the generic cell rate algorithm (GCRA): Count events
// per Period, with bursts of up to Burst. The zero Rate is unlimited.
type Rate struct {
	Count  int
	Period time.Duration
	Burst  int
}

// Unlimited reports whether the rate limits nothing.
func (r Rate) Unlimited() bool { return r.Count <= 0 || r.Period <= 0 }

func (r Rate) String() string {
	if r.Unlimited() {
		return "0"
	}
	s := fmt.Sprintf("%d/%s", r.Count, r.Period)
	if r.Burst != r.Count {
		s += fmt.Sprintf(":%d", r.Burst)
	}
	return s
}

// ParseRate reads "COUNT/PERIOD[:BURST]" (e.g. "10/1m", "600/1m:100");
// "0" or "" disables the limit. The burst defaults to COUNT.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Rate{}, nil
	}
	spec, burstStr, hasBurst := strings.Cut(s, ":")
	countStr, periodStr, ok := strings.Cut(spec, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q: want COUNT/PERIOD[:BURST], e.g. 10/1m", s)
	}
	count, err := strconv.Atoi(countStr)
	if err != nil || count < 0 {
		return Rate{}, fmt.Errorf("rate %q: bad count", s)
	}
	period, err := time.ParseDuration(periodStr)
	if err != nil || period <= 0 {
		return Rate{}, fmt.Errorf("rate %q: bad period", s)
	}
	r := Rate{Count: count, Period: period, Burst: count}
	if hasBurst {
		if r.Burst, err = strconv.Atoi(burstStr); err != nil || r.Burst < 1 {
			return Rate{}, fmt.Errorf("rate %q: bad burst", s)
		}
	}
	return r, nil
}

// RateLimiter applies rates in Redis, so that every replica counts the same
// events (GCRA through go-redis/redis_rate; it runs a Lua script, which the
// in-process store supports too).
type RateLimiter struct {
	rdb    redis.UniversalClient
	ack    kv.Ack
	prefix string
}

// NewRateLimiter returns a limiter whose keys start with prefix.
func NewRateLimiter(rdb redis.UniversalClient, prefix string) *RateLimiter {
	return &RateLimiter{rdb: rdb, prefix: prefix}
}

// WithAck makes every count wait for ack's replicas (REDIS_URL's
// wait_replicas), so that a failover does not hand a fresh burst to a
// client that had used its own. A count retried after a connection error
// may be counted twice: stricter, never looser.
func (l *RateLimiter) WithAck(ack kv.Ack) *RateLimiter {
	l.ack = ack
	return l
}

// bucket is the Redis key of a limit. It is one hash tag, {...}, so that
// the key redis_rate derives from it (it adds "rate:" in front) and any
// key a limit may need next to it stay in one Redis Cluster slot.
func (l *RateLimiter) bucket(key LimitKey) string {
	sum := sha256.Sum256([]byte(key.subject))
	return "{" + l.prefix + key.kind + ":" + hex.EncodeToString(sum[:12]) + "}"
}

// LimitKey names one rate-limit bucket: a kind of event (login-account,
// api-token, ...) and the subject it counts for (an account, a token id, a
// session id, a tenant, a client address). Only NewLimitKey makes one, and
// it refuses an empty kind or subject, so a missing identifier can never
// fold unrelated clients into one shared bucket (issue 13: every service
// account token once counted under the empty session id). The zero
// LimitKey is refused by Allow.
type LimitKey struct {
	kind, subject string
}

// ErrEmptyLimitKey is returned for a key without a kind or subject.
var ErrEmptyLimitKey = errors.New("rate limit: empty key")

// NewLimitKey returns the bucket of kind for subject, or ErrEmptyLimitKey.
// The subject must identify the client without being a secret (a token's
// id, a session's id, never the token itself); it is hashed before it
// reaches Redis anyway.
func NewLimitKey(kind, subject string) (LimitKey, error) {
	if kind == "" || subject == "" {
		return LimitKey{}, fmt.Errorf("%w (kind %q)", ErrEmptyLimitKey, kind)
	}
	return LimitKey{kind: kind, subject: subject}, nil
}

// Kind is the key's kind of event.
func (k LimitKey) Kind() string { return k.kind }

// Subject is what the key counts for (before hashing).
func (k LimitKey) Subject() string { return k.subject }

func (k LimitKey) String() string { return k.kind + ":" + k.subject }

// Allow counts one event for key and returns 0 when it is allowed, else
// how long to wait. Subjects are hashed: no account name or address is
// stored in Redis in clear. The zero key is an error, whatever the rate.
func (l *RateLimiter) Allow(ctx context.Context, key LimitKey, r Rate) (time.Duration, error) {
	b, err := l.Take(ctx, key, r)
	return b.RetryAfter, err
}

// Budget is what is left of a bucket after one event: RetryAfter is 0 when
// the event was allowed. Limit is 0 for an unlimited rate.
type Budget struct {
	RetryAfter time.Duration
	Limit      int
	Remaining  int
	// ResetAfter is when the bucket is full again.
	ResetAfter time.Duration
}

// Take is Allow that also tells what is left, for clients that pace
// themselves (the extensions.rateLimit of API answers).
func (l *RateLimiter) Take(ctx context.Context, key LimitKey, r Rate) (Budget, error) {
	if key.kind == "" || key.subject == "" {
		return Budget{}, ErrEmptyLimitKey
	}
	if l == nil || r.Unlimited() {
		return Budget{}, nil
	}
	bucket := l.bucket(key)
	limit := redis_rate.Limit{Rate: r.Count, Period: r.Period, Burst: max(r.Burst, 1)}
	var res *redis_rate.Result
	if err := kv.Write(ctx, l.rdb, l.ack, bucket, func(c redis.Cmdable) (err error) {
		res, err = redis_rate.NewLimiter(c).Allow(ctx, bucket, limit)
		return err
	}); err != nil {
		return Budget{}, err
	}
	b := Budget{Limit: limit.Burst, Remaining: res.Remaining, ResetAfter: max(res.ResetAfter, 0)}
	if res.Allowed == 0 {
		b.RetryAfter = max(res.RetryAfter, time.Second)
	}
	return b, nil
}
