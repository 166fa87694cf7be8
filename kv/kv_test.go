package kv_test

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
)

func TestInProcessStoreExpiresInRealTime(t *testing.T) {
	ctx := context.Background()
	s, err := kv.Open(ctx, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.InProcess {
		t.Fatal("empty URL must start the in-process store")
	}
	if err := s.Set(ctx, "k", "v", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get(ctx, "k").Result(); v != "v" {
		t.Fatalf("get = %q", v)
	}
	time.Sleep(600 * time.Millisecond)
	if _, err := s.Get(ctx, "k").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("key did not expire: %v", err)
	}
	// Pub/sub works as in Redis (event fan-out uses it).
	sub := s.Subscribe(ctx, "ch")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	s.Publish(ctx, "ch", "hello")
	select {
	case msg := <-sub.Channel():
		if msg.Payload != "hello" {
			t.Fatalf("payload = %q", msg.Payload)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no message")
	}
}

func TestRedis(t *testing.T) {
	dbtest.MustRedis(t) // fails under CI when Redis is down
	s, err := kv.Open(context.Background(), dbtest.RedisURL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.InProcess {
		t.Fatal("a REDIS_URL must connect to Redis")
	}
	if _, err := kv.Open(context.Background(), "redis://127.0.0.1:1/0", nil); err == nil {
		t.Fatal("unreachable Redis accepted")
	}
}

// TestConcurrentFreshConnections: replicated writes each take a dedicated
// connection (node.Conn() in kv.Write), and go-redis copies the node's
// options into every one of them. With maintenance notifications left on
// "auto", each fresh connection tries the handshake, a stock Redis refuses
// it, and go-redis switches the shared options to "disabled" while other
// connections read them: a data race that the race detector reported in the
// cluster failover test, where a promoted node's first connections open all
// at once. ParseURL turns the notifications off. Run with -race.
func TestConcurrentFreshConnections(t *testing.T) {
	dbtest.MustRedis(t)
	cfg, err := kv.ParseURL(dbtest.RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mode != kv.ModeSingle {
		t.Skip("needs a single-node REDIS_URL")
	}
	cfg.Single.PoolSize = 32
	node := redis.NewClient(cfg.Single) // no Ping first: every connection below is new
	defer node.Close()
	key := "test:freshconn:" + strconv.Itoa(rand.IntN(1e9))
	defer node.Del(context.Background(), key)
	var wg sync.WaitGroup
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := node.Conn()
			defer conn.Close()
			if err := conn.Incr(context.Background(), key).Err(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, err := node.Get(context.Background(), key).Int(); err != nil || n != 24 {
		t.Fatalf("counter %d, %v; want 24", n, err)
	}
}
