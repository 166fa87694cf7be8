package events

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// Errors that end a subscription.
var (
	// ErrSlowConsumer ends a subscriber whose buffer is full: it never
	// blocks the others.
	ErrSlowConsumer = &domain.Error{Code: domain.EUNAVAILABLE, Reason: "SLOW_CONSUMER",
		Message: "The subscription fell too far behind and was closed; resubscribe with the last cursor you received."}
	// ErrShuttingDown ends subscriptions when the replica stops.
	ErrShuttingDown = &domain.Error{Code: domain.EUNAVAILABLE, Reason: "SHUTTING_DOWN",
		Message: "The server is restarting; resubscribe with the last cursor you received."}
	// ErrCursorExpired refuses a resume position older than the retained
	// events.
	ErrCursorExpired = &domain.Error{Code: domain.EINVALID, Field: "after", Reason: "CURSOR_EXPIRED",
		Message: "Events after this cursor are no longer retained; reload the data and subscribe without a cursor."}
)

// HubOptions tune a hub; zero values take the defaults.
type HubOptions struct {
	// Buffer is the number of batches (stream entries with events for it)
	// one subscriber may have waiting before it is dropped as too slow (16).
	Buffer int
	// Block is how long one read of the stream waits (1 s); PostgreSQL is
	// polled for missed positions after a quiet period of that length.
	Block time.Duration
	// BackfillPage is how many events one backfill query reads (500).
	BackfillPage int
}

// Hub delivers the stream's events to the subscribers of this replica.
type Hub struct {
	store  *db.EventStore
	rdb    redis.UniversalClient
	stream string
	logger *slog.Logger
	opt    HubOptions

	ready     chan struct{}
	readyOnce sync.Once

	mu       sync.Mutex
	lastSeen int64 // every event <= lastSeen was handed to live subscribers
	subs     map[*subscriber]struct{}
	closed   bool

	delivered atomic.Int64
	dropped   atomic.Int64
}

// NewHub returns a hub reading the stream key.
func NewHub(d *db.DB, rdb redis.UniversalClient, stream string, logger *slog.Logger, opt HubOptions) *Hub {
	if opt.Buffer <= 0 {
		opt.Buffer = 16
	}
	if opt.Block <= 0 {
		opt.Block = time.Second
	}
	if opt.BackfillPage <= 0 {
		opt.BackfillPage = 500
	}
	return &Hub{store: db.NewEventStore(d), rdb: rdb, stream: stream, logger: logger, opt: opt,
		ready: make(chan struct{}), subs: map[*subscriber]struct{}{}}
}

// Stats are counters for metrics and benchmarks.
type Stats struct {
	Subscribers int
	LastSeen    int64
	Delivered   int64
	Dropped     int64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Stats{Subscribers: len(h.subs), LastSeen: h.lastSeen, Delivered: h.delivered.Load(), Dropped: h.dropped.Load()}
}

// Run reads the stream until ctx ends, then ends every subscription.
func (h *Hub) Run(ctx context.Context) {
	defer h.shutdown()
	var pos string
	for ctx.Err() == nil {
		var err error
		if pos, err = h.start(ctx); err == nil {
			break
		}
		h.logger.Warn("event hub: cannot start, retrying", "error", err)
		sleep(ctx, time.Second)
	}
	quietSince := time.Now()
	for ctx.Err() == nil {
		res, err := h.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{h.stream, pos}, Count: 100, Block: h.opt.Block}).Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			// Redis is unavailable: keep delivering from PostgreSQL.
			h.logger.Warn("event hub: stream read failed", "error", err)
			sleep(ctx, h.opt.Block)
		default:
			for _, s := range res {
				for _, x := range s.Messages {
					pos = x.ID
					m, err := decodeMessage(x.Values)
					if err != nil {
						h.logger.Error("event hub: undecodable stream entry", "id", x.ID, "error", err)
						continue
					}
					if err := h.apply(ctx, m); err != nil {
						h.logger.Warn("event hub: apply", "error", err)
					}
				}
			}
			quietSince = time.Now()
			continue
		}
		if time.Since(quietSince) >= h.opt.Block {
			if err := h.catchUpFromDatabase(ctx); err != nil && ctx.Err() == nil {
				h.logger.Warn("event hub: poll", "error", err)
			}
			quietSince = time.Now()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// start positions the hub: the stream's current end, then the published
// position (in that order, so that nothing published in between is lost:
// entries after the stream position either repeat what the published
// position covers, or continue it).
func (h *Hub) start(ctx context.Context) (string, error) {
	pos := "0-0"
	last, err := h.rdb.XRevRangeN(ctx, h.stream, "+", "-", 1).Result()
	if err != nil {
		return "", err
	}
	if len(last) > 0 {
		pos = last[0].ID
	}
	published, _, err := h.store.RelayState(ctx)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	h.lastSeen = published
	h.mu.Unlock()
	h.readyOnce.Do(func() { close(h.ready) })
	return pos, nil
}

// catchUpFromDatabase delivers what the relay published but the stream did
// not bring (entries trimmed away or missed while starting, Redis down).
func (h *Hub) catchUpFromDatabase(ctx context.Context) error {
	published, _, err := h.store.RelayState(ctx)
	if err != nil {
		return err
	}
	return h.apply(ctx, Message{Prev: published, To: published})
}

// apply delivers one stream entry. Entries are in position order; one
// that starts past lastSeen leaves a gap, read from PostgreSQL (every event
// up to a published position is final there). Events already delivered are
// skipped: the relay publishes at least once.
func (h *Hub) apply(ctx context.Context, m Message) error {
	last := h.LastSeen()
	if m.To <= last {
		return nil
	}
	for last < m.Prev {
		gap, err := h.store.EventsAfter(ctx, domain.Scope{All: true}, last, m.Prev, h.opt.BackfillPage)
		if err != nil {
			return err
		}
		upTo := m.Prev
		if len(gap) == h.opt.BackfillPage {
			upTo = gap[len(gap)-1].ID
		}
		h.deliver(gap, upTo)
		last = upTo
	}
	h.deliver(m.Events, m.To)
	return nil
}

// LastSeen is the position up to which live subscribers have been served.
func (h *Hub) LastSeen() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastSeen
}

// deliver hands events to live subscribers and advances lastSeen to upTo,
// atomically with respect to subscribers going live. Each subscriber gets
// the matching events of one stream entry as one batch; a subscriber whose
// buffer of batches is full is dropped: sends never block.
func (h *Hub) deliver(evs []*domain.ChangeEvent, upTo int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fresh := evs
	if len(evs) > 0 && evs[0].ID <= h.lastSeen {
		fresh = nil
		for _, ev := range evs {
			if ev.ID > h.lastSeen {
				fresh = append(fresh, ev)
			}
		}
	}
	h.lastSeen = max(h.lastSeen, upTo)
	if len(fresh) == 0 {
		return
	}
	for s := range h.subs {
		if !s.live {
			continue
		}
		mine, poke := s.filter(fresh)
		if poke {
			s.poke()
		}
		if len(mine) == 0 {
			continue
		}
		select {
		case s.ch <- mine:
			h.delivered.Add(int64(len(mine)))
		default:
			h.dropLocked(s, ErrSlowConsumer)
			h.dropped.Add(1)
		}
	}
}

// dropLocked ends a subscriber: removed from the hub and its channel
// closed, exactly once (only the hub closes, and only while it is listed).
func (h *Hub) dropLocked(s *subscriber, cause error) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	s.cause = cause
	close(s.ch)
	s.cancel()
}

func (h *Hub) remove(s *subscriber) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

func (h *Hub) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		h.dropLocked(s, ErrShuttingDown)
	}
}

// subscriber is one subscription's state in the hub.
type subscriber struct {
	userID int64
	// Guarded by Hub.mu.
	scope domain.Scope
	set   map[int64]struct{}
	live  bool
	ch    chan []*domain.ChangeEvent
	cause error
	// wake tells the subscription's goroutine that one of the flags below
	// is set: it waits on wake and its channel of batches only (a select
	// over four channels per event was a tenth of the server's CPU at
	// 10,000 subscriptions, issue 17.3). Never closed.
	wake chan struct{}
	// urgent asks for a re-check of the viewer's access now (an event
	// about the subscriber); due, for the periodic one.
	urgent, due atomic.Bool
	// cancel ends the context of deliveries.
	cancel context.CancelFunc
}

func (s *subscriber) setScope(scope domain.Scope) {
	s.scope = scope
	s.set = make(map[int64]struct{}, len(scope.TenantIDs))
	for _, id := range scope.TenantIDs {
		s.set[id] = struct{}{}
	}
}

// filter returns the events of the batch the subscriber may see (the batch
// itself when it sees them all), and whether another event concerns the
// subscriber's own access.
func (s *subscriber) filter(batch []*domain.ChangeEvent) (mine []*domain.ChangeEvent, poke bool) {
	if s.scope.All {
		return batch, false
	}
	// Usually every event of the batch is the subscriber's: the batch
	// itself, shared, then (no slice per subscriber and event).
	all := true
	for _, ev := range batch {
		if !s.matches(ev) {
			all = false
			break
		}
	}
	if all {
		return batch, false
	}
	for _, ev := range batch {
		if s.matches(ev) {
			mine = append(mine, ev)
		} else if ev.Concerns(s.userID) {
			poke = true
		}
	}
	return mine, poke
}

func (s *subscriber) matches(ev *domain.ChangeEvent) bool {
	if s.scope.All {
		return true
	}
	if ev.TenantID == nil {
		return false
	}
	_, ok := s.set[*ev.TenantID]
	return ok
}

// poke asks for an urgent re-check.
func (s *subscriber) poke() {
	s.urgent.Store(true)
	s.signal()
}

// signal wakes the subscription's goroutine, unless it is already woken.
func (s *subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Request describes one subscription.
type Request struct {
	// UserID is the subscriber: events about them trigger a re-check.
	UserID int64
	// Scope is the set of tenants whose events are delivered.
	Scope domain.Scope
	// After resumes after this event id; nil starts with live events.
	After *int64
	// Deliver hands one event to the client, in id order, each once. It
	// may block; its context ends when the subscription is dropped.
	Deliver func(ctx context.Context, ev *domain.ChangeEvent) error
	// Recheck re-validates the subscriber and returns the scope to deliver
	// from now on, or the error that ends the subscription. urgent is true
	// when an event about the subscriber triggered it (no cached answer).
	Recheck func(ctx context.Context, urgent bool) (domain.Scope, error)
	// RecheckEvery is the period of re-checks (0: only on events about the
	// subscriber).
	RecheckEvery time.Duration
}

// Serve runs one subscription until ctx ends (it returns nil) or something
// ends it (it returns why: access lost, too slow, cursor expired, shutdown).
func (h *Hub) Serve(ctx context.Context, req Request) error {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil
	}
	// Deliveries get a context that ends as soon as the hub drops the
	// subscriber, even while the client blocks them.
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &subscriber{userID: req.UserID, ch: make(chan []*domain.ChangeEvent, h.opt.Buffer),
		wake: make(chan struct{}, 1), cancel: cancel}
	s.setScope(req.Scope)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return ErrShuttingDown
	}
	h.subs[s] = struct{}{}
	cursor := h.lastSeen
	if req.After == nil {
		s.live = true
	}
	h.mu.Unlock()
	defer h.remove(s)

	if req.After != nil {
		_, pruned, err := h.store.RelayState(ctx)
		if err != nil {
			return err
		}
		if *req.After < pruned {
			return ErrCursorExpired
		}
		if cursor, err = h.backfill(dctx, s, *req.After, req.Deliver); err != nil {
			return h.endCause(ctx, s, err)
		}
	}

	// The end of ctx wakes the loop below, which then returns.
	defer context.AfterFunc(ctx, s.signal)()
	rearm := func() {}
	// Periodic re-checks start at a random point of the first period, so
	// that subscriptions opened together do not re-check together.
	if req.RecheckEvery > 0 {
		t := time.AfterFunc(req.RecheckEvery/2+rand.N(req.RecheckEvery), func() {
			s.due.Store(true)
			s.signal()
		})
		defer t.Stop()
		rearm = func() { t.Reset(req.RecheckEvery) }
	}
	recheck := func(urgent bool) error {
		if req.Recheck == nil {
			return nil
		}
		scope, err := req.Recheck(ctx, urgent)
		if err != nil {
			return err
		}
		h.mu.Lock()
		s.setScope(scope)
		h.mu.Unlock()
		return nil
	}
	for {
		select {
		case batch, ok := <-s.ch:
			if !ok {
				return h.endCause(ctx, s, ErrSlowConsumer)
			}
			concerned := false
			for _, ev := range batch {
				if ev.ID <= cursor {
					continue
				}
				if err := req.Deliver(dctx, ev); err != nil {
					return h.endCause(ctx, s, err)
				}
				cursor = ev.ID
				concerned = concerned || ev.Concerns(req.UserID)
			}
			if concerned {
				if err := recheck(true); err != nil {
					return err
				}
			}
		case <-s.wake:
			if ctx.Err() != nil {
				return nil
			}
			// An urgent re-check also serves as the periodic one.
			urgent, due := s.urgent.Swap(false), s.due.Swap(false)
			if urgent || due {
				if err := recheck(urgent); err != nil {
					return err
				}
			}
			if due {
				rearm()
			}
		}
	}
}

// endCause is why a subscription ends after err: nothing when the client
// went away, the hub's reason when it dropped the subscriber.
func (h *Hub) endCause(ctx context.Context, s *subscriber, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.cause != nil {
		return s.cause
	}
	return err
}

// backfill delivers the events after `after` from PostgreSQL up to the
// hub's position, then makes the subscriber live at exactly that position:
// no gap, no duplicate at the seam. It returns the position reached.
func (h *Hub) backfill(ctx context.Context, s *subscriber, after int64, deliver func(context.Context, *domain.ChangeEvent) error) (int64, error) {
	cursor := after
	for {
		h.mu.Lock()
		target, scope := h.lastSeen, s.scope
		if cursor >= target {
			s.live = true
			h.mu.Unlock()
			return max(cursor, target), nil
		}
		h.mu.Unlock()
		for cursor < target {
			evs, err := h.store.EventsAfter(ctx, scope, cursor, target, h.opt.BackfillPage)
			if err != nil {
				return cursor, err
			}
			for _, ev := range evs {
				if err := deliver(ctx, ev); err != nil {
					return cursor, err
				}
			}
			if len(evs) < h.opt.BackfillPage {
				cursor = target
			} else {
				cursor = evs[len(evs)-1].ID
			}
		}
	}
}
