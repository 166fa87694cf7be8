package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
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
	lim    *redis_rate.Limiter
	prefix string
}

// NewRateLimiter returns a limiter whose keys start with prefix.
func NewRateLimiter(rdb redis.UniversalClient, prefix string) *RateLimiter {
	return &RateLimiter{lim: redis_rate.NewLimiter(rdb), prefix: prefix}
}

// Allow counts one event of kind for key and returns 0 when it is allowed,
// else how long to wait. Keys are hashed: no account name or address is
// stored in Redis in clear.
func (l *RateLimiter) Allow(ctx context.Context, kind, key string, r Rate) (time.Duration, error) {
	if l == nil || r.Unlimited() {
		return 0, nil
	}
	sum := sha256.Sum256([]byte(key))
	res, err := l.lim.Allow(ctx, l.prefix+kind+":"+hex.EncodeToString(sum[:12]),
		redis_rate.Limit{Rate: r.Count, Period: r.Period, Burst: max(r.Burst, 1)})
	if err != nil {
		return 0, err
	}
	if res.Allowed > 0 {
		return 0, nil
	}
	return max(res.RetryAfter, time.Second), nil
}
