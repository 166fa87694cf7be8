// Package events fans committed change events (R28) out to subscribers on
// every replica.
//
// The path of an event: a mutation writes it to the events table in its own
// transaction (db.RecordChange, the outbox); a trigger NOTIFYs at commit;
// the Relay of one replica (the one holding an advisory lock) publishes
// final events in id order to a Redis stream and records how far it got in
// PostgreSQL; the Hub of every replica reads the stream and hands each event
// to its matching subscribers. A subscriber resuming from a cursor reads the
// events it missed from PostgreSQL first, then switches to live events at a
// position the Hub guarantees to be seamless.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// relayLockID is the session advisory lock of the active relay: one relay
// publishes at a time, the others stand by and take over when its
// connection ends.
const relayLockID = 0x7e4a_0005

// notifyChannel is the channel the events trigger notifies (migration 0006).
const notifyChannel = "tenantadmin_events"

// RelayOptions tune the relay; zero values take the defaults.
type RelayOptions struct {
	// BatchSize is the most events one stream entry carries (500).
	BatchSize int
	// StreamMaxLen bounds the Redis stream, approximately (100,000 entries).
	// A replica further behind than that reads the gap from PostgreSQL.
	StreamMaxLen int64
	// Poll is how often the relay looks for events without a notification
	// (1 s); standby relays try to take over at the same pace.
	Poll time.Duration
	// Settle is how often it re-checks while a horizon waits for
	// transactions still writing events (10 ms).
	Settle time.Duration
	// BeforePublish, when set, runs before each batch goes to Redis; tests
	// use it to crash the relay between commit and publish.
	BeforePublish func(ctx context.Context, prev, to int64)
}

// Relay publishes final events from the outbox to the Redis stream.
type Relay struct {
	db     *db.DB
	store  *db.EventStore
	rdb    redis.UniversalClient
	stream string
	logger *slog.Logger
	opt    RelayOptions

	leader    atomic.Bool
	published atomic.Int64
}

// NewRelay returns a relay publishing to the stream key.
func NewRelay(d *db.DB, rdb redis.UniversalClient, stream string, logger *slog.Logger, opt RelayOptions) *Relay {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	if opt.StreamMaxLen <= 0 {
		opt.StreamMaxLen = 100_000
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Settle <= 0 {
		opt.Settle = 10 * time.Millisecond
	}
	return &Relay{db: d, store: db.NewEventStore(d), rdb: rdb, stream: stream, logger: logger, opt: opt}
}

// Leader reports whether this relay currently holds the relay lock.
func (r *Relay) Leader() bool { return r.leader.Load() }

// Published returns how far this relay has published (0 before its first
// batch).
func (r *Relay) Published() int64 { return r.published.Load() }

// Run publishes until ctx ends, reconnecting after errors.
func (r *Relay) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := r.session(ctx)
		r.leader.Store(false)
		if ctx.Err() != nil {
			return
		}
		r.logger.Warn("event relay: restarting", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// session holds one dedicated connection: LISTEN for commits and the relay
// lock. When the connection ends, PostgreSQL releases the lock and another
// replica's relay takes over.
func (r *Relay) session(ctx context.Context) error {
	conn, err := r.db.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	for {
		var locked bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", relayLockID).Scan(&locked); err != nil {
			return err
		}
		if locked {
			break
		}
		if err := wait(ctx, conn, r.opt.Poll); err != nil {
			return err
		}
	}
	r.leader.Store(true)
	r.logger.Debug("event relay: active")

	var pending []db.Horizon
	for {
		var err error
		if pending, err = r.publishPending(ctx, pending); err != nil {
			return err
		}
		timeout := r.opt.Poll
		if len(pending) > 0 {
			timeout = r.opt.Settle
		}
		if err := wait(ctx, conn, timeout); err != nil {
			return err
		}
	}
}

// wait returns after a notification or the timeout.
func wait(ctx context.Context, conn *pgx.Conn, timeout time.Duration) error {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := conn.WaitForNotification(wctx)
	if err != nil && ctx.Err() == nil && wctx.Err() != nil {
		return nil // timed out
	}
	return err
}

// maxPending bounds the horizons waiting for writers; when more pile up
// behind a long transaction, intermediate ones are dropped (the oldest
// keeps progress possible, the newest keeps the furthest position).
const maxPending = 16

// publishPending takes a new horizon candidate, settles the pending ones
// whose writers have all ended, and publishes up to the furthest settled
// position. It returns the candidates still waiting.
func (r *Relay) publishPending(ctx context.Context, pending []db.Horizon) ([]db.Horizon, error) {
	h, err := r.store.Horizon(ctx)
	if err != nil {
		return pending, err
	}
	// Writers running now are the ones in h; a candidate is settled when
	// none of its writers is among them.
	var settled int64 = -1
	rest := pending[:0]
	for _, c := range pending {
		if c.Settled(h.Writers) {
			settled = max(settled, c.LastID)
		} else {
			rest = append(rest, c)
		}
	}
	pending = rest
	if len(h.Writers) == 0 {
		settled = max(settled, h.LastID)
		pending = pending[:0]
	} else if len(pending) == 0 || pending[len(pending)-1].LastID < h.LastID {
		pending = append(pending, h)
		if len(pending) > maxPending {
			pending = append(pending[:1], pending[len(pending)-maxPending+1:]...)
		}
	}
	if settled < 0 {
		return pending, nil
	}
	for {
		to, err := r.store.PublishBatch(ctx, settled, r.opt.BatchSize, r.publish)
		if err != nil {
			return pending, err
		}
		r.published.Store(to)
		if to >= settled {
			return pending, nil
		}
	}
}

// Message is one stream entry: every event with Prev < id <= To, in order
// (tenants' events interleaved; ordered per tenant as a consequence).
type Message struct {
	Prev   int64
	To     int64
	Events []*domain.ChangeEvent
}

func (r *Relay) publish(ctx context.Context, prev, to int64, evs []*domain.ChangeEvent) error {
	if r.opt.BeforePublish != nil {
		r.opt.BeforePublish(ctx, prev, to)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	body, err := json.Marshal(evs)
	if err != nil {
		return err
	}
	return r.rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: r.stream,
		MaxLen: r.opt.StreamMaxLen,
		Approx: true,
		Values: []any{"prev", strconv.FormatInt(prev, 10), "to", strconv.FormatInt(to, 10), "events", body},
	}).Err()
}

func decodeMessage(values map[string]any) (Message, error) {
	var m Message
	prev, _ := values["prev"].(string)
	to, _ := values["to"].(string)
	body, _ := values["events"].(string)
	var err1, err2 error
	m.Prev, err1 = strconv.ParseInt(prev, 10, 64)
	m.To, err2 = strconv.ParseInt(to, 10, 64)
	if err := errors.Join(err1, err2, json.Unmarshal([]byte(body), &m.Events)); err != nil {
		return m, err
	}
	return m, nil
}
