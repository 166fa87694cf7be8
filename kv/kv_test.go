package kv_test

import (
	"context"
	"errors"
	"log/slog"
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
