package kv_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
	"tenantadmin/kv/kvtest"
)

// TestCluster opens a redis-cluster:// URL on a local 3-master cluster with
// one replica each: every slot is reachable, pub/sub and streams work
// across nodes, and replicated writes wait for the replica.
func TestCluster(t *testing.T) {
	c := kvtest.StartCluster(t, 3, 1)
	ctx := context.Background()
	s, err := kv.Open(ctx, c.URL("wait_replicas=1&wait_timeout=2s"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Mode != kv.ModeCluster || s.Ack.Replicas != 1 {
		t.Fatalf("mode %s ack %+v", s.Mode, s.Ack)
	}
	if _, ok := s.UniversalClient.(*redis.ClusterClient); !ok {
		t.Fatalf("client %T, want a cluster client", s.UniversalClient)
	}
	t.Run("KeysOnEveryMaster", func(t *testing.T) {
		masters := map[string]bool{}
		for i := range 30 {
			key := fmt.Sprintf("k%d", i)
			if err := s.Set(ctx, key, i, time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			masters[c.MasterOf(key).Addr] = true
		}
		if len(masters) != 3 {
			t.Fatalf("keys on %d masters, want 3", len(masters))
		}
	})
	t.Run("ErrCrossSlotTransaction", func(t *testing.T) {
		// Why sessions never write two slots in one transaction.
		_, err := s.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "a", 1, time.Minute)
			p.Set(ctx, "b", 1, time.Minute)
			return nil
		})
		if !errors.Is(err, redis.ErrCrossSlot) {
			t.Fatalf("err = %v, want a cross-slot refusal", err)
		}
		if _, err := s.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "{t}a", 1, time.Minute)
			p.Set(ctx, "{t}b", 1, time.Minute)
			return nil
		}); err != nil {
			t.Fatalf("one hash tag, one slot: %v", err)
		}
	})
	t.Run("PubSub", func(t *testing.T) {
		sub := s.Subscribe(ctx, "ta:channel")
		defer sub.Close()
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Publish(ctx, "ta:channel", "hello").Err(); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-sub.Channel():
			if m.Payload != "hello" {
				t.Fatalf("payload %q", m.Payload)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no message")
		}
	})
	t.Run("Stream", func(t *testing.T) {
		id, err := s.XAdd(ctx, &redis.XAddArgs{Stream: "ta:events", Values: map[string]any{"m": "x"}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.XRead(ctx, &redis.XReadArgs{Streams: []string{"ta:events", "0"}, Count: 10, Block: time.Second}).Result()
		if err != nil || len(res) != 1 || res[0].Messages[0].ID != id {
			t.Fatalf("%+v %v", res, err)
		}
	})
	t.Run("ReplicatedWrite", func(t *testing.T) {
		key := "{user:1}:sessions"
		if err := kv.Write(ctx, s, s.Ack, key, func(r redis.Cmdable) error {
			_, err := r.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SAdd(ctx, key, "x")
				p.Expire(ctx, key, time.Minute)
				return nil
			})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		replica := c.ReplicaOf(c.MasterOf(key))[0].Client()
		defer replica.Close()
		replica.Do(ctx, "readonly")
		if ok, err := replica.SIsMember(ctx, key, "x").Result(); !ok || err != nil {
			t.Fatalf("acknowledged write not on the replica: %v %v", ok, err)
		}
	})
	t.Run("ErrNotReplicated", func(t *testing.T) {
		// A replica that stalls: the write is not acknowledged.
		key := "{user:2}:sessions"
		replica := c.ReplicaOf(c.MasterOf(key))[0]
		done := make(chan struct{})
		go func() { replica.Pause(1500 * time.Millisecond); close(done) }()
		time.Sleep(100 * time.Millisecond)
		err := kv.Write(ctx, s, kv.Ack{Replicas: 1, Timeout: 300 * time.Millisecond}, key, func(r redis.Cmdable) error {
			return r.SAdd(ctx, key, "y").Err()
		})
		<-done
		if !errors.Is(err, kv.ErrNotReplicated) {
			t.Fatalf("err = %v, want ErrNotReplicated", err)
		}
	})
	t.Run("ErrNotACluster", func(t *testing.T) {
		dbtest.MustRedis(t)
		single, err := kv.ParseURL(dbtest.RedisURL())
		if err != nil {
			t.Fatal(err)
		}
		if single.Mode != kv.ModeSingle {
			t.Skip("REDIS_URL is not a single node")
		}
		_, err = kv.Open(ctx, "redis-cluster://"+single.Single.Addr, nil)
		if err == nil || !strings.Contains(err.Error(), "cluster") {
			t.Fatalf("a single node accepted as a cluster: %v", err)
		}
	})
}

// TestSentinel opens a redis-sentinel:// URL: the client finds the master
// through the Sentinels and follows it when they fail it over.
func TestSentinel(t *testing.T) {
	d := kvtest.StartSentinel(t, 1)
	ctx := context.Background()
	s, err := kv.Open(ctx, d.URL("wait_replicas=1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Mode != kv.ModeSentinel {
		t.Fatalf("mode %s", s.Mode)
	}
	write := func(key string) error {
		return kv.Write(ctx, s, s.Ack, key, func(r redis.Cmdable) error { return r.Set(ctx, key, "v", time.Hour).Err() })
	}
	if err := write("before"); err != nil {
		t.Fatal(err)
	}
	d.Master.Kill()
	start := time.Now()
	deadline := start.Add(30 * time.Second)
	for {
		// The replica, once promoted, has no replica of its own: a
		// plain write shows the new master.
		if err := s.Set(ctx, "after", "v", time.Hour).Err(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no new master after 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("sentinel failover: writes resumed %.1f s after the master was killed", time.Since(start).Seconds())
	if v, err := s.Get(ctx, "before").Result(); err != nil || v != "v" {
		t.Fatalf("acknowledged write lost in the failover: %q %v", v, err)
	}
	if d.Replicas[0].Role() != "master" {
		t.Fatal("the replica was not promoted")
	}
}

// TestWarnFewReplicas: with wait_replicas above the replicas a master has,
// Open says so in the log (writes on that master will be refused).
func TestWarnFewReplicas(t *testing.T) {
	c := kvtest.StartCluster(t, 3, 0)
	var logs strings.Builder
	s, err := kv.Open(context.Background(), c.URL("wait_replicas=1"), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := strings.Count(logs.String(), "fewer replicas than wait_replicas"); n != 3 {
		t.Fatalf("%d warnings, want one per master:\n%s", n, logs.String())
	}
}
