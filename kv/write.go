package kv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// Ack says when a write that must survive a failover (a new session, a
// revocation, a rate-limit count) is acknowledged. Redis replicates
// asynchronously: a master that dies right after replying may take the
// write with it, and the promoted replica never had it. With Replicas > 0
// such writes are followed, on the same connection, by WAIT Replicas
// Timeout, and fail with ErrNotReplicated unless that many replicas
// confirm them; a replica that confirmed is the one a failover promotes
// (it has the greatest replication offset), so the write survives.
// Replicas = 0 (the default) acknowledges on the master's reply, as a
// single node does.
type Ack struct {
	Replicas int
	Timeout  time.Duration
}

// ErrNotReplicated is returned when fewer replicas than Ack.Replicas
// confirmed a write in time: the write may or may not survive a failover,
// so it is not acknowledged to the user.
var ErrNotReplicated = errors.New("kv: write not confirmed by enough replicas")

// writeAttempts bounds how often Write retries a write through a failover
// or a slot move (about 3 s of back-off in all).
const writeAttempts = 7

// Write runs fn, whose commands all touch keys in the slot of key, on the
// master that owns key, and acknowledges it as ack says. fn must be
// idempotent: after a connection error it runs again on the (possibly
// new) master. With ack.Replicas = 0 fn runs on rdb itself, with go-redis's
// own redirections and retries.
func Write(ctx context.Context, rdb redis.UniversalClient, ack Ack, key string, fn func(redis.Cmdable) error) error {
	if ack.Replicas <= 0 {
		return fn(rdb)
	}
	var err error
	backoff := 50 * time.Millisecond
	asking := ""
	for attempt := 0; attempt < writeAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(ctx.Err(), err)
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, time.Second)
		}
		err = writeOnce(ctx, rdb, ack, key, asking, fn)
		if err == nil || !retryable(err) {
			return err
		}
		asking = ""
		if addr, ok := redirect(err, "ASK "); ok {
			asking = addr
		}
		if c, ok := rdb.(*redis.ClusterClient); ok {
			c.ReloadState(ctx)
		}
	}
	return err
}

func writeOnce(ctx context.Context, rdb redis.UniversalClient, ack Ack, key, asking string, fn func(redis.Cmdable) error) error {
	var node *redis.Client
	switch c := rdb.(type) {
	case *redis.Client:
		node = c
	case *redis.ClusterClient:
		var err error
		if asking != "" {
			node, err = clusterMaster(ctx, c, asking)
		} else {
			node, err = c.MasterForKey(ctx, key)
		}
		if err != nil {
			return err
		}
	case *Store:
		return writeOnce(ctx, c.UniversalClient, ack, key, asking, fn)
	default:
		return fmt.Errorf("kv: replicated writes need a *redis.Client or *redis.ClusterClient, not %T", rdb)
	}
	conn := node.Conn()
	defer conn.Close()
	if asking != "" {
		if err := conn.Do(ctx, "asking").Err(); err != nil {
			return err
		}
	}
	if err := fn(conn); err != nil {
		return err
	}
	n, err := conn.Wait(ctx, ack.Replicas, ack.Timeout).Result()
	if err != nil {
		return err
	}
	if int(n) < ack.Replicas {
		return fmt.Errorf("%w (%d of %d within %s)", ErrNotReplicated, n, ack.Replicas, ack.Timeout)
	}
	return nil
}

// clusterMaster finds the client of the master at addr.
func clusterMaster(ctx context.Context, c *redis.ClusterClient, addr string) (*redis.Client, error) {
	var found *redis.Client
	_ = c.ForEachMaster(ctx, func(_ context.Context, m *redis.Client) error {
		if m.Options().Addr == addr {
			found = m
		}
		return nil
	})
	if found == nil {
		return nil, fmt.Errorf("CLUSTERDOWN kv: no master at %s yet", addr)
	}
	return found, nil
}

// redirect returns the address of a "MOVED slot addr" or "ASK slot addr"
// error.
func redirect(err error, prefix string) (string, bool) {
	var rerr redis.Error
	if !errors.As(err, &rerr) {
		return "", false
	}
	msg := rerr.Error()
	if !strings.HasPrefix(msg, prefix) {
		return "", false
	}
	f := strings.Fields(msg)
	if len(f) != 3 {
		return "", false
	}
	return f[2], true
}

// retryable reports whether a write may succeed if run again: the node is
// gone or not (yet) the master of the slot.
func retryable(err error) bool {
	if errors.Is(err, ErrNotReplicated) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) || errors.Is(err, redis.ErrClosed) {
		return true
	}
	var nerr net.Error
	if errors.As(err, &nerr) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"MOVED ", "ASK ", "TRYAGAIN", "CLUSTERDOWN", "LOADING", "READONLY", "MASTERDOWN", "NOREPLICAS"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// reloadOnFailure is a go-redis hook for cluster clients: after a
// command fails because its node is gone or no longer serves the slot, it
// asks the client to reload the slot map (go-redis otherwise keeps a map
// that still names a dead master for up to its reload interval, and every
// command for that master's slots fails until then). Reloads are
// asynchronous and coalesced by go-redis.
type reloadOnFailure struct{ c *redis.ClusterClient }

func (h reloadOnFailure) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h reloadOnFailure) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && retryable(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}

func (h reloadOnFailure) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && retryable(err) {
			h.c.ReloadState(ctx)
		}
		return err
	}
}
