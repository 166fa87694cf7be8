// Package kv connects to the key-value store behind sessions, rate limits,
// persisted queries and event fan-out: Redis when REDIS_URL is set, or an
// in-process store speaking the Redis protocol for single-node use.
package kv

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Store is a connected client plus how to release it. The client is a
// *redis.Client for one node or Sentinel, a *redis.ClusterClient for a
// cluster.
type Store struct {
	redis.UniversalClient
	// InProcess is true for the embedded single-node store.
	InProcess bool
	// Mode is the deployment REDIS_URL named.
	Mode Mode
	// Ack is how writes that must survive a failover are acknowledged
	// (wait_replicas, wait_timeout in REDIS_URL).
	Ack  Ack
	stop func()
}

// Open connects to url (see ParseURL for its forms), or starts the
// in-process store when url is empty.
func Open(ctx context.Context, url string, logger *slog.Logger) (*Store, error) {
	if url == "" {
		return openInProcess(logger)
	}
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	var client redis.UniversalClient
	switch cfg.Mode {
	case ModeCluster:
		cc := redis.NewClusterClient(cfg.Cluster)
		cc.AddHook(reloadOnFailure{cc})
		client = cc
	case ModeSentinel:
		client = redis.NewFailoverClient(cfg.Sentinel)
	default:
		client = redis.NewClient(cfg.Single)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("connect to Redis (%s): %w", cfg.Mode, err)
	}
	if cfg.Mode == ModeCluster {
		// Every slot must be served, or some sessions would be unreachable.
		info, err := client.ClusterInfo(pingCtx).Result()
		if err != nil {
			client.Close()
			return nil, fmt.Errorf("connect to Redis Cluster: %w", err)
		}
		if !strings.Contains(info, "cluster_state:ok") {
			client.Close()
			return nil, fmt.Errorf("connect to Redis Cluster: the cluster is not ok (CLUSTER INFO: %s)", firstLine(info, "cluster_state:"))
		}
	}
	if logger != nil {
		logger.Info("connected to Redis", "mode", string(cfg.Mode), "waitReplicas", cfg.Ack.Replicas)
		if cfg.Ack.Replicas > 0 {
			warnFewReplicas(pingCtx, client, cfg.Ack.Replicas, logger)
		}
	}
	return &Store{UniversalClient: client, Mode: cfg.Mode, Ack: cfg.Ack, stop: func() {}}, nil
}

// warnFewReplicas logs the masters that have fewer replicas in sync than
// wait_replicas asks for: writes of their keys will be refused until
// enough replicas are connected.
func warnFewReplicas(ctx context.Context, client redis.UniversalClient, want int, logger *slog.Logger) {
	check := func(ctx context.Context, c *redis.Client) error {
		info, err := c.Info(ctx, "replication").Result()
		if err != nil {
			return nil
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(firstLine(info, "connected_slaves:"), "connected_slaves:"))
		if n < want {
			logger.Warn("Redis master has fewer replicas than wait_replicas: sessions and rate limits on it are refused until enough replicas connect",
				"master", c.Options().Addr, "replicas", n, "waitReplicas", want)
		}
		return nil
	}
	switch c := client.(type) {
	case *redis.ClusterClient:
		_ = c.ForEachMaster(ctx, check)
	case *redis.Client:
		_ = check(ctx, c)
	}
}

func firstLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// openInProcess runs a Redis-protocol server inside this process, so that
// the same client code serves both modes. Its clock is advanced in real
// time, so keys expire as they would in Redis.
func openInProcess(logger *slog.Logger) (*Store, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start in-process store: %w", err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		last := time.Now()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				m.FastForward(now.Sub(last))
				m.SetTime(now)
				last = now
			}
		}
	}()
	if logger != nil {
		logger.Warn("REDIS_URL is not set: using the in-process store; sessions, rate limits and events are single-node only and lost on restart")
	}
	client := redis.NewClient(&redis.Options{Addr: m.Addr()})
	return &Store{UniversalClient: client, InProcess: true, Mode: ModeInProcess, stop: func() {
		close(done)
		wg.Wait()
		m.Close()
	}}, nil
}

// Close releases the client and stops the in-process store.
func (s *Store) Close() error {
	err := s.UniversalClient.Close()
	s.stop()
	return err
}
