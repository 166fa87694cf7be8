package auth_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/auth"
	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
)

func TestRateLimiter(t *testing.T) {
	rdb, prefix := dbtest.MustRedis(t)
	inproc, err := kv.Open(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inproc.Close()
	testRateLimiter(t, map[string]*auth.RateLimiter{
		"Redis":     auth.NewRateLimiter(rdb, prefix),
		"InProcess": auth.NewRateLimiter(inproc, "ta:"),
	})
}

// testRateLimiter runs on one node, in process and on a cluster.
func testRateLimiter(t *testing.T, limiters map[string]*auth.RateLimiter) {
	for name, lim := range limiters {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			key := func(subject string) auth.LimitKey {
				k, err := auth.NewLimitKey("login", subject)
				if err != nil {
					t.Fatal(err)
				}
				return k
			}
			rate := auth.Rate{Count: 3, Period: time.Minute, Burst: 3}
			for i := range 3 {
				if wait, err := lim.Allow(ctx, key("alice"), rate); err != nil || wait != 0 {
					t.Fatalf("attempt %d: wait %v err %v", i, wait, err)
				}
			}
			wait, err := lim.Allow(ctx, key("alice"), rate)
			if err != nil || wait <= 0 || wait > 21*time.Second {
				t.Fatalf("4th attempt: wait %v err %v (want about 20 s)", wait, err)
			}
			if wait, _ := lim.Allow(ctx, key("bob"), rate); wait != 0 {
				t.Fatal("another key is limited")
			}
			if wait, _ := lim.Allow(ctx, key("alice"), auth.Rate{}); wait != 0 {
				t.Fatal("the zero rate must not limit")
			}
			t.Run("TakeAll", func(t *testing.T) { testTakeAll(t, lim) })
		})
	}
}

// testTakeAll: several buckets counted at once (issue 17.5) count exactly
// as one Take each, in order, until the first refusal would: the buckets
// before it are counted, the refusing one and those after it are not; any
// bucket without room refuses, and the wait is the longest of them.
func testTakeAll(t *testing.T, lim *auth.RateLimiter) {
	ctx := context.Background()
	key := func(subject string) auth.LimitKey {
		k, err := auth.NewLimitKey("multi", subject)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	a := auth.Limit{Key: key("a"), Rate: auth.Rate{Count: 2, Period: time.Minute, Burst: 2}} // one per 30 s
	b := auth.Limit{Key: key("b"), Rate: auth.Rate{Count: 1, Period: time.Minute, Burst: 1}} // one per 60 s
	c := auth.Limit{Key: key("c"), Rate: auth.Rate{Count: 4, Period: time.Minute, Burst: 2}} // one per 15 s
	free := auth.Limit{Key: key("free"), Rate: auth.Rate{}}                                  // unlimited
	take := func(what string, limits ...auth.Limit) auth.Budget {
		t.Helper()
		got, err := lim.TakeAll(ctx, limits)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return got
	}
	// 1: every bucket has room; the budget is the tightest one's (b: none left).
	if got := take("first", a, free, b, c); got.RetryAfter != 0 || got.Limit != 1 || got.Remaining != 0 {
		t.Fatalf("first: %+v, want allowed with b's budget (limit 1, none left)", got)
	}
	// 2: b refuses; a, before it, is counted (its second event), c, after
	// it, is not.
	if got := take("second", a, b, c); got.RetryAfter < 50*time.Second || got.RetryAfter > 61*time.Second {
		t.Fatalf("second: %+v, want b's wait, about 60 s", got)
	}
	if got := take("a alone", a); got.RetryAfter == 0 {
		t.Fatal("a, before the refusing bucket, was not counted: it has room for a third event")
	}
	if got := take("c alone", c); got.RetryAfter != 0 {
		t.Fatalf("c, after the refusing bucket, was counted: %+v", got)
	}
	// 3: c is full now (about 15 s to wait), b too (about 60 s): the longest
	// wait, whichever refuses first, and nothing is counted.
	if got := take("c alone, full", c); got.RetryAfter == 0 || got.RetryAfter > 31*time.Second {
		t.Fatalf("c alone: %+v, want refused, at most 30 s", got)
	}
	for _, order := range [][]auth.Limit{{c, b}, {b, c}, {free, c, b}} {
		if got := take("c and b", order...); got.RetryAfter < 50*time.Second {
			t.Fatalf("%d buckets, two full: %+v, want the longest wait (b's, about 60 s)", len(order), got)
		}
	}
	// An unlimited bucket alone, or none, counts nothing and limits nothing.
	if got := take("free", free); got != (auth.Budget{}) {
		t.Fatalf("unlimited: %+v", got)
	}
	if got := take("none"); got != (auth.Budget{}) {
		t.Fatalf("no bucket: %+v", got)
	}
	// An empty key is refused before anything is counted.
	d := auth.Limit{Key: key("d"), Rate: auth.Rate{Count: 1, Period: time.Minute, Burst: 1}}
	if _, err := lim.TakeAll(ctx, []auth.Limit{d, {Rate: d.Rate}}); !errors.Is(err, auth.ErrEmptyLimitKey) {
		t.Fatalf("an empty key among others: %v", err)
	}
	if got := take("d", d); got.RetryAfter != 0 {
		t.Fatal("a bucket before an empty key was counted")
	}
}

// TestTakeAllIsOneRoundTrip: the buckets of one request (a session and its
// tenants; the accounts an address names) are counted in one round trip to
// Redis, on one node and in process (issue 17.5).
func TestTakeAllIsOneRoundTrip(t *testing.T) {
	rdb, prefix := dbtest.MustRedis(t)
	inproc, err := kv.Open(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inproc.Close()
	for name, rdb := range map[string]redis.UniversalClient{"Redis": rdb, "InProcess": inproc} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			lim := auth.NewRateLimiter(rdb, prefix+"rt:")
			var limits []auth.Limit
			for _, s := range []string{"session", "tenant1", "tenant2", "tenant3"} {
				k, _ := auth.NewLimitKey("api", s)
				limits = append(limits, auth.Limit{Key: k, Rate: auth.Rate{Count: 100, Period: time.Minute, Burst: 100}})
			}
			if _, err := lim.TakeAll(ctx, limits); err != nil { // loads the script
				t.Fatal(err)
			}
			trips := &roundTrips{}
			rdb.AddHook(trips)
			if b, err := lim.TakeAll(ctx, limits); err != nil || b.RetryAfter != 0 || b.Limit != 100 || b.Remaining < 97 {
				t.Fatalf("%+v %v", b, err)
			}
			if got := trips.n.Load(); got != 1 {
				t.Fatalf("4 buckets took %d round trips, want 1", got)
			}
		})
	}
}

// roundTrips counts the commands and pipelines a client sends.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// TestLimitKeyNeverEmpty: no bucket can be keyed on a missing identifier
// (issue 13: all service account tokens shared the empty session id).
func TestLimitKeyNeverEmpty(t *testing.T) {
	for _, kv := range [][2]string{{"api-session", ""}, {"", "x"}, {"", ""}} {
		if k, err := auth.NewLimitKey(kv[0], kv[1]); !errors.Is(err, auth.ErrEmptyLimitKey) {
			t.Errorf("NewLimitKey(%q, %q) = %v, %v; want ErrEmptyLimitKey", kv[0], kv[1], k, err)
		}
	}
	rdb, prefix := dbtest.MustRedis(t)
	lim := auth.NewRateLimiter(rdb, prefix)
	for _, r := range []auth.Rate{{Count: 1, Period: time.Minute, Burst: 1}, {}} {
		if _, err := lim.Allow(context.Background(), auth.LimitKey{}, r); !errors.Is(err, auth.ErrEmptyLimitKey) {
			t.Errorf("Allow(zero key, %v) = %v; want ErrEmptyLimitKey", r, err)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]auth.Rate{
		"10/1m":     {Count: 10, Period: time.Minute, Burst: 10},
		"600/1m:50": {Count: 600, Period: time.Minute, Burst: 50},
		"0":         {},
		"":          {},
	} {
		got, err := auth.ParseRate(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"10", "x/1m", "10/xx", "10/1m:0", "-1/1m"} {
		if _, err := auth.ParseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTOTP(t *testing.T) {
	secret, uri, err := auth.NewTOTPSecret("Tenant admin", "alice")
	if err != nil || len(secret) < 16 || uri == "" {
		t.Fatalf("secret %q uri %q err %v", secret, uri, err)
	}
	now := time.Now()
	code, _ := auth.TOTPCode(secret, now)
	t.Run("OK", func(t *testing.T) {
		step, ok := auth.ValidateTOTP(secret, code, now)
		if !ok || step != now.Unix()/30 {
			t.Fatalf("step %d ok %v", step, ok)
		}
	})
	t.Run("ClockSkew", func(t *testing.T) {
		if _, ok := auth.ValidateTOTP(secret, code, now.Add(30*time.Second)); !ok {
			t.Fatal("one step of skew refused")
		}
	})
	t.Run("ErrOld", func(t *testing.T) {
		if _, ok := auth.ValidateTOTP(secret, code, now.Add(3*time.Minute)); ok {
			t.Fatal("an old code accepted")
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, c := range []string{"", "12345", "1234567", "abcdef"} {
			if _, ok := auth.ValidateTOTP(secret, c, now); ok {
				t.Fatalf("%q accepted", c)
			}
		}
	})
}

func TestSessionRevocation(t *testing.T) {
	rdb, prefix := dbtest.MustRedis(t)
	testSessionRevocation(t, auth.NewSessionStore(rdb, prefix, time.Minute, time.Hour))
}

func testSessionRevocation(t *testing.T, store *auth.SessionStore) {
	ctx := context.Background()
	a, sa, _ := store.Create(ctx, 1, auth.KindCookie, "", "")
	b, sb, _ := store.Create(ctx, 1, auth.KindBearer, "", "")
	c, sc, _ := store.Create(ctx, 2, auth.KindBearer, "", "")
	if sa.CSRF == "" || sb.CSRF != "" {
		t.Fatal("cookie sessions, and only they, carry a CSRF token")
	}
	t.Run("ErrOtherUsersSession", func(t *testing.T) {
		if ok, err := store.RevokeOwned(ctx, 1, sc.ID); ok || err != nil {
			t.Fatalf("revoked another user's session: %v %v", ok, err)
		}
		if _, err := store.Lookup(ctx, c); err != nil {
			t.Fatal("the other user's session is gone")
		}
	})
	t.Run("RevokeOthers", func(t *testing.T) {
		n, err := store.RevokeOthers(ctx, 1, sa.ID)
		if err != nil || n != 1 {
			t.Fatalf("n %d err %v", n, err)
		}
		if _, err := store.Lookup(ctx, b); !errors.Is(err, auth.ErrNoSession) {
			t.Fatal("other session still valid")
		}
		if _, err := store.Lookup(ctx, a); err != nil {
			t.Fatal("kept session revoked")
		}
	})
	t.Run("RevokeOwned", func(t *testing.T) {
		if ok, err := store.RevokeOwned(ctx, 1, sa.ID); !ok || err != nil {
			t.Fatalf("%v %v", ok, err)
		}
		if _, err := store.Lookup(ctx, a); !errors.Is(err, auth.ErrNoSession) {
			t.Fatal("revoked session still valid")
		}
	})
}

func TestVerifyPasswordOrDummy(t *testing.T) {
	hash, _ := auth.HashPassword("correct horse battery staple", auth.DefaultArgon2)
	if !auth.VerifyPasswordOrDummy(hash, "correct horse battery staple") {
		t.Fatal("right password refused")
	}
	if auth.VerifyPasswordOrDummy(hash, "wrong") || auth.VerifyPasswordOrDummy("", "no account has this password") {
		t.Fatal("wrong password accepted")
	}
}
