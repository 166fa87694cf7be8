package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/auth"
	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
)

func TestPasswordHash(t *testing.T) {
	hash, err := auth.HashPassword("correct horse battery staple", auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash = %s", hash)
	}
	if ok, err := auth.VerifyPassword(hash, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if ok, _ := auth.VerifyPassword(hash, "correct horse battery stapler"); ok {
		t.Fatal("wrong password verified")
	}
	other, _ := auth.HashPassword("correct horse battery staple", auth.DefaultArgon2)
	if other == hash {
		t.Fatal("salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=8,t=1,p=1$!!$a2V5"} {
		if _, err := auth.VerifyPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestSessions(t *testing.T) {
	rdb, prefix := dbtest.MustRedis(t)
	testSessions(t, rdb, prefix, kv.Ack{})
}

// testSessions runs on one node and on a cluster (cluster_test.go).
func testSessions(t *testing.T, rdb redis.UniversalClient, prefix string, ack kv.Ack) {
	store := auth.NewSessionStore(rdb, prefix, time.Minute, time.Hour).WithAck(ack)
	ctx := context.Background()
	token, sess, err := store.Create(ctx, 42, "cookie", "127.0.0.1", "Firefox")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sess.ID, token) || len(token) < 40 {
		t.Fatal("the session ID must be a hash of a long token")
	}
	t.Run("OK", func(t *testing.T) {
		got, err := store.Lookup(ctx, token)
		if err != nil || got.UserID != 42 {
			t.Fatalf("lookup: %+v %v", got, err)
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if _, err := store.Lookup(ctx, token+"x"); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("RevokeAll", func(t *testing.T) {
		second, _, _ := store.Create(ctx, 42, "bearer", "127.0.0.1", "curl")
		other, _, _ := store.Create(ctx, 43, "bearer", "127.0.0.1", "curl")
		if list, _ := store.List(ctx, 42); len(list) != 2 {
			t.Fatalf("list = %d", len(list))
		}
		if err := store.RevokeAll(ctx, 42); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{token, second} {
			if _, err := store.Lookup(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
				t.Fatal("revoked session still valid")
			}
		}
		if _, err := store.Lookup(ctx, other); err != nil {
			t.Fatal("another user's session was revoked")
		}
	})
	t.Run("IdleExpiry", func(t *testing.T) {
		short := auth.NewSessionStore(rdb, prefix, time.Second, time.Hour).WithAck(ack)
		tok, _, _ := short.Create(ctx, 7, "cookie", "", "")
		time.Sleep(1500 * time.Millisecond)
		if _, err := short.Lookup(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("idle session still valid: %v", err)
		}
	})
	t.Run("AbsoluteExpiry", func(t *testing.T) {
		short := auth.NewSessionStore(rdb, prefix, time.Hour, time.Second).WithAck(ack)
		tok, _, _ := short.Create(ctx, 8, "cookie", "", "")
		time.Sleep(1100 * time.Millisecond)
		if _, err := short.Lookup(ctx, tok); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("session past its absolute lifetime still valid: %v", err)
		}
	})
	t.Run("AliveMany", func(t *testing.T) {
		// Sessions in different cluster slots, one of them revoked: one
		// answer per ID, as Alive gives them one by one.
		var ids []string
		for i := range 8 {
			_, s, err := store.Create(ctx, int64(100+i), "bearer", "", "")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
		}
		if err := store.Revoke(ctx, 103, ids[3]); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, strings.Repeat("0", 64)) // never existed
		alive, err := store.AliveMany(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			one, err := store.Alive(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := i != 3 && i != 8; alive[id] != want || one != want {
				t.Errorf("session %d: AliveMany %t, Alive %t, want %t", i, alive[id], one, want)
			}
		}
	})
}

// revokeBeforeRefresh revokes a session just before the idle refresh's
// write reaches Redis: a revocation racing a request of the same session.
type revokeBeforeRefresh struct {
	store  *auth.SessionStore
	userID int64
	id     string
	done   *bool
}

func (h revokeBeforeRefresh) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h revokeBeforeRefresh) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h revokeBeforeRefresh) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "set" && !*h.done {
			*h.done = true
			if err := h.store.Revoke(ctx, h.userID, h.id); err != nil {
				return err
			}
		}
		return next(ctx, cmd)
	}
}

// TestSessionRefreshDoesNotReviveRevoked: the idle refresh rewrites the
// session; a revocation landing between its read and its write used to be
// undone by it.
func TestSessionRefreshDoesNotReviveRevoked(t *testing.T) {
	rdb, prefix := dbtest.MustRedis(t)
	store := auth.NewSessionStore(rdb, prefix, 2*time.Second, time.Hour) // refreshed after 0.5 s
	ctx := context.Background()
	token, sess, err := store.Create(ctx, 42, "cookie", "127.0.0.1", "Firefox")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(600 * time.Millisecond)
	done := false
	rdb.AddHook(revokeBeforeRefresh{store: store, userID: 42, id: sess.ID, done: &done})
	if _, err := store.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("lookup racing a revocation: %v", err)
	}
	if !done {
		t.Fatal("the refresh did not write: the race was not exercised")
	}
	if _, err := store.Lookup(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("the revoked session came back: %v", err)
	}
}
