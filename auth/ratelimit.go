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
// events (GCRA, the algorithm and keys of go-redis/redis_rate, in a Lua
// script of its own that counts several buckets at once; the in-process
// store runs it too).
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
// the key derived from it ("rate:" in front, as redis_rate did) and any
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
	return l.TakeAll(ctx, []Limit{{key, r}})
}

// Limit is one bucket an event counts against, at its own rate.
type Limit struct {
	Key  LimitKey
	Rate Rate
}

// AllowAll is TakeAll that returns only the wait (0: allowed).
func (l *RateLimiter) AllowAll(ctx context.Context, limits []Limit) (time.Duration, error) {
	b, err := l.TakeAll(ctx, limits)
	return b.RetryAfter, err
}

// TakeAll counts one event against each bucket in turn, each at its own
// rate and burst, exactly as calling Take for each in order and stopping
// at the first refusal would: the buckets before a refusal are counted,
// the refusing one and those after it are not. A refusal returns the
// longest wait among the buckets that have no room left (those after the
// first refusal are looked at, never counted), so that a client that
// waits that long is not refused again by another of them. Without a
// refusal it returns the budget of the limited bucket with the fewest
// events left: the one a client must pace itself by.
//
// It is one round trip to Redis (one script over every key, issue 17.5)
// on one node, Sentinel and the in-process store; on a Redis Cluster, whose
// buckets lie in different slots, one per bucket, as before. Any empty key
// is an error before anything is counted; unlimited rates count nothing.
func (l *RateLimiter) TakeAll(ctx context.Context, limits []Limit) (Budget, error) {
	for _, lim := range limits {
		if lim.Key.kind == "" || lim.Key.subject == "" {
			return Budget{}, ErrEmptyLimitKey
		}
	}
	if l == nil {
		return Budget{}, nil
	}
	var keys []string
	var args []any
	var bursts []int
	for _, lim := range limits {
		if lim.Rate.Unlimited() {
			continue
		}
		burst := max(lim.Rate.Burst, 1)
		keys = append(keys, "rate:"+l.bucket(lim.Key))
		args = append(args, burst, lim.Rate.Count, lim.Rate.Period.Seconds())
		bursts = append(bursts, burst)
	}
	if len(keys) == 0 {
		return Budget{}, nil
	}
	var results []gcraResult
	if isCluster(l.rdb) && len(keys) > 1 {
		// One script per slot: the buckets' hash tags differ. After a
		// refusal, the others are only looked at.
		refused := false
		for i, key := range keys {
			r, err := l.gcra(ctx, keys[i:i+1], args[3*i:3*i+3], refused, key)
			if err != nil {
				return Budget{}, err
			}
			refused = refused || r[0].refused
			results = append(results, r...)
		}
	} else {
		var err error
		if results, err = l.gcra(ctx, keys, args, false, keys[0]); err != nil {
			return Budget{}, err
		}
	}
	var out Budget
	for i, r := range results {
		b := Budget{Limit: bursts[i], Remaining: r.remaining, ResetAfter: max(r.resetAfter, 0)}
		if r.refused {
			b.RetryAfter = max(r.retryAfter, time.Second)
			if b.RetryAfter > out.RetryAfter {
				out = b
			}
		} else if out.RetryAfter == 0 && r.counted && (out.Limit == 0 || b.Remaining < out.Remaining) {
			out = b
		}
	}
	return out, nil
}

// gcraResult is one bucket's answer of gcraScript.
type gcraResult struct {
	counted, refused       bool
	remaining              int
	retryAfter, resetAfter time.Duration
}

// gcra runs gcraScript on keys (all in the slot of slotKey), acknowledged
// as l.ack says.
func (l *RateLimiter) gcra(ctx context.Context, keys []string, args []any, refused bool, slotKey string) ([]gcraResult, error) {
	argv := append([]any{refused}, args...)
	var v []any
	if err := kv.Write(ctx, l.rdb, l.ack, slotKey, func(c redis.Cmdable) (err error) {
		v, err = gcraScript.Run(ctx, c, keys, argv...).Slice()
		return err
	}); err != nil {
		return nil, err
	}
	if len(v) != 4*len(keys) {
		return nil, fmt.Errorf("rate limit: %d values for %d keys", len(v), len(keys))
	}
	out := make([]gcraResult, len(keys))
	for i := range out {
		status, _ := v[4*i].(int64)
		remaining, _ := v[4*i+1].(int64)
		retry, err := seconds(v[4*i+2])
		if err != nil {
			return nil, err
		}
		reset, err := seconds(v[4*i+3])
		if err != nil {
			return nil, err
		}
		out[i] = gcraResult{counted: status == 1, refused: status == 0, remaining: int(remaining), retryAfter: retry, resetAfter: reset}
	}
	return out, nil
}

// seconds reads a duration the script returns as a string of seconds.
func seconds(v any) (time.Duration, error) {
	s, _ := v.(string)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("rate limit: bad duration %q", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// isCluster reports a Redis Cluster client, whose scripts must keep to one
// slot.
func isCluster(rdb redis.UniversalClient) bool {
	if s, ok := rdb.(*kv.Store); ok {
		rdb = s.UniversalClient
	}
	_, ok := rdb.(*redis.ClusterClient)
	return ok
}

// gcraScript is the generic cell rate algorithm of go-redis/redis_rate
// (AllowN with n = 1, the same arithmetic on the same keys, "rate:" + the
// bucket), over several keys at one instant. ARGV[1] is "1" when a
// refusal came before (on a cluster, one key per call); then ARGV[2..] is
// burst, rate, period in seconds for each key. For each key it returns
// four values: 1 counted, 0 refused, -1 looked at but not counted (a key
// after a refusal, that has room); the events left; the seconds to wait
// (-1 when not refused); the seconds until the bucket is full again.
// Keys are counted in order until the first refusal; the keys after it
// are only looked at, so that the longest wait can be told.
var gcraScript = redis.NewScript(`
redis.replicate_commands()

local jan_1_2017 = 1483228800
local now = redis.call("TIME")
now = (now[1] - jan_1_2017) + (now[2] / 1000000)

local refused = ARGV[1] == "1"
local out = {}
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[3 * i - 1])
  local rate = tonumber(ARGV[3 * i])
  local period = tonumber(ARGV[3 * i + 1])

  local emission_interval = period / rate
  local increment = emission_interval
  local burst_offset = emission_interval * burst

  local tat = redis.call("GET", key)
  if not tat then
    tat = now
  else
    tat = tonumber(tat)
  end
  tat = math.max(tat, now)

  local new_tat = tat + increment
  local allow_at = new_tat - burst_offset
  local diff = now - allow_at
  local remaining = diff / emission_interval

  if remaining < 0 then
    refused = true
    table.insert(out, 0)
    table.insert(out, 0)
    table.insert(out, tostring(diff * -1))
    table.insert(out, tostring(tat - now))
  elseif refused then
    table.insert(out, -1)
    table.insert(out, remaining + 1)
    table.insert(out, "-1")
    table.insert(out, tostring(tat - now))
  else
    local reset_after = new_tat - now
    if reset_after > 0 then
      redis.call("SET", key, new_tat, "EX", math.ceil(reset_after))
    end
    table.insert(out, 1)
    table.insert(out, remaining)
    table.insert(out, "-1")
    table.insert(out, tostring(reset_after))
  end
end
return out
`)
