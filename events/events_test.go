package events

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
	"tenantadmin/kv"
)

var quiet = slog.New(slog.DiscardHandler)

// env is a database and a Redis stream for one test.
type env struct {
	t      *testing.T
	db     *db.DB
	rdb    redis.UniversalClient
	stream string
	tenant int64
	other  int64
}

func newEnv(t *testing.T) *env {
	d := dbtest.MustOpen(t)
	rdb, prefix := dbtest.MustRedis(t)
	f := dbtest.NewFixture(t, d)
	return &env{t: t, db: d, rdb: rdb, stream: prefix + "events", tenant: f.Tenant("Tenant A", 0), other: f.Tenant("Tenant B", 0)}
}

// record writes one change event in tx, as a mutation does, and returns
// its id.
func record(t testing.TB, ctx context.Context, tx bun.IDB, tenant int64, typ string, payload map[string]any) int64 {
	t.Helper()
	err := db.RecordChange(ctx, tx, domain.AuditContext{ActorLabel: "test"},
		domain.AuditEvent{TenantID: &tenant, Action: "user.update"},
		&db.Event{TenantID: &tenant, Type: typ, SubjectType: "User", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := tx.NewRaw("SELECT currval(pg_get_serial_sequence('events', 'id'))").Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// commit records one event in its own transaction.
func (e *env) commit(tenant int64, typ string) int64 {
	e.t.Helper()
	var id int64
	err := e.db.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		id = record(e.t, ctx, tx, tenant, typ, map[string]any{"n": typ})
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// streamCount counts the stream entries carrying the event.
func (e *env) streamCount(id int64) int {
	e.t.Helper()
	msgs, err := e.rdb.XRange(context.Background(), e.stream, "-", "+").Result()
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, x := range msgs {
		m, err := decodeMessage(x.Values)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, ev := range m.Events {
			if ev.ID == id {
				n++
			}
		}
	}
	return n
}

func (e *env) relay(opt RelayOptions) (*Relay, context.CancelFunc) {
	if opt.Poll == 0 {
		opt.Poll = 100 * time.Millisecond
	}
	r := NewRelay(e.db, e.rdb, e.stream, quiet, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	e.t.Cleanup(stop)
	return r, sync.OnceFunc(stop)
}

func (e *env) hub(opt HubOptions) (*Hub, context.CancelFunc) {
	if opt.Block == 0 {
		opt.Block = 200 * time.Millisecond
	}
	h := NewHub(e.db, e.rdb, e.stream, quiet, opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	e.t.Cleanup(stop)
	return h, sync.OnceFunc(stop)
}

// sub is a test subscriber collecting event ids.
type sub struct {
	ids  chan int64
	done chan error
}

func subscribe(t *testing.T, h *Hub, scope domain.Scope, after *int64) (*sub, context.CancelFunc) {
	s := &sub{ids: make(chan int64, 10000), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		s.done <- h.Serve(ctx, Request{UserID: -1, Scope: scope, After: after,
			Deliver: func(ctx context.Context, ev *domain.ChangeEvent) error {
				s.ids <- ev.ID
				return nil
			},
			Recheck: func(context.Context, bool) (domain.Scope, error) { return scope, nil },
		})
	}()
	return s, cancel
}

// next returns the next n delivered ids, failing after a generous timeout.
func (s *sub) next(t *testing.T, n int) []int64 {
	t.Helper()
	var out []int64
	timeout := time.After(15 * time.Second)
	for len(out) < n {
		select {
		case id := <-s.ids:
			out = append(out, id)
		case err := <-s.done:
			t.Fatalf("subscription ended after %v: %v", out, err)
		case <-timeout:
			t.Fatalf("received %v, want %d events", out, n)
		}
	}
	return out
}

// waitLive waits until the hub serves n live subscribers.
func waitSubscribers(t *testing.T, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.Stats().Subscribers < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", h.Stats().Subscribers, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var all = domain.Scope{All: true}

// TestRelayWaitsForLateCommit is the gap problem: an id allocated first but
// committed last is never skipped, and events stay in id order.
func TestRelayWaitsForLateCommit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := NewRelay(e.db, e.rdb, e.stream, quiet, RelayOptions{})
	store := db.NewEventStore(e.db)

	early := e.commit(e.tenant, "USER_CREATED")
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Never committed: rolling back is all that is left to do.
	defer func() { _ = tx.Rollback() }()
	late := record(t, ctx, tx, e.tenant, "USER_UPDATED", nil) // allocated, not committed
	after := e.commit(e.tenant, "USER_SUSPENDED")
	if early >= late || late >= after {
		t.Fatalf("ids %d %d %d", early, late, after)
	}

	pending, err := r.publishPending(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if published, _, _ := store.RelayState(ctx); published >= late {
		t.Fatalf("published through %d while %d is in flight", published, late)
	}
	if len(pending) == 0 {
		t.Fatal("no pending horizon while a writer is in flight")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.publishPending(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if published, _, _ := store.RelayState(ctx); published < after {
		t.Fatalf("published through %d, want >= %d", published, after)
	}
	msgs, err := e.rdb.XRange(ctx, e.stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, x := range msgs {
		m, err := decodeMessage(x.Values)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range m.Events {
			ids = append(ids, ev.ID)
		}
	}
	if !slices.Equal(ids, []int64{early, late, after}) {
		t.Fatalf("stream carries %v, want %v", ids, []int64{early, late, after})
	}

	t.Run("RolledBackIDIsPassed", func(t *testing.T) {
		tx, _ := e.db.BeginTx(ctx, nil)
		record(t, ctx, tx, e.tenant, "USER_UPDATED", nil)
		next := e.commit(e.tenant, "USER_UPDATED")
		pending, err := r.publishPending(ctx, nil)
		if err != nil || len(pending) == 0 {
			t.Fatalf("pending %v, err %v", pending, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if _, err := r.publishPending(ctx, pending); err != nil {
			t.Fatal(err)
		}
		if published, _, _ := store.RelayState(ctx); published < next {
			t.Fatalf("a rolled-back id blocks the relay: published %d, want %d", published, next)
		}
	})
}

// TestLiveDeliveryInOrder runs relay and hub: a subscriber gets every event
// once, in order, including one that commits after a later id.
func TestLiveDeliveryInOrder(t *testing.T) {
	e := newEnv(t)
	e.relay(RelayOptions{})
	h, _ := e.hub(HubOptions{})
	s, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)

	ctx := context.Background()
	tx, err := e.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := e.commit(e.tenant, "USER_CREATED")
	late := record(t, ctx, tx, e.other, "USER_UPDATED", nil)
	var want = []int64{first, late}
	for range 5 {
		want = append(want, e.commit(e.tenant, "USER_UPDATED"))
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want = append(want, e.commit(e.other, "USER_DELETED"))
	if got := s.next(t, len(want)); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestRelayCrashBetweenCommitAndPublish: the relay dies after reading a
// batch and before publishing it; a new relay publishes it.
func TestRelayCrashBetweenCommitAndPublish(t *testing.T) {
	e := newEnv(t)
	h, _ := e.hub(HubOptions{})
	s, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)

	crashed := make(chan struct{})
	var once sync.Once
	var stop context.CancelFunc
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop = cancel
	r := NewRelay(e.db, e.rdb, e.stream, quiet, RelayOptions{Poll: 50 * time.Millisecond,
		BeforePublish: func(context.Context, int64, int64) {
			once.Do(func() { stop(); close(crashed) })
		}})
	relayDone := make(chan struct{})
	go func() { r.Run(ctx); close(relayDone) }()

	want := []int64{e.commit(e.tenant, "USER_CREATED"), e.commit(e.tenant, "USER_UPDATED")}
	<-crashed
	<-relayDone
	published, _, _ := db.NewEventStore(e.db).RelayState(context.Background())
	if published != 0 {
		t.Fatalf("the crashed relay recorded position %d", published)
	}
	e.relay(RelayOptions{})
	if got := s.next(t, 2); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestRelayCrashAfterPublish: the stream got the batch but the relay died
// before recording it; the batch is published again and subscribers see
// each event once.
func TestRelayCrashAfterPublish(t *testing.T) {
	e := newEnv(t)
	h, _ := e.hub(HubOptions{})
	s, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)

	want := []int64{e.commit(e.tenant, "USER_CREATED"), e.commit(e.tenant, "USER_UPDATED")}
	// A relay that fails after publishing: its transaction rolls back.
	r := NewRelay(e.db, e.rdb, e.stream, quiet, RelayOptions{})
	_, err := db.NewEventStore(e.db).PublishBatch(context.Background(), want[1], 500,
		func(ctx context.Context, prev, to int64, evs []*domain.ChangeEvent) error {
			if err := r.publish(ctx, prev, to, evs); err != nil {
				return err
			}
			return errors.New("crash")
		})
	if err == nil {
		t.Fatal("the batch committed")
	}
	if got := s.next(t, 2); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// A new relay publishes the batch again, then a new event.
	e.relay(RelayOptions{})
	more := e.commit(e.tenant, "USER_DELETED")
	if got := s.next(t, 1); got[0] != more {
		t.Fatalf("after the re-publication got %v, want only %d", got, more)
	}
	if n := e.streamCount(want[0]); n != 2 {
		t.Fatalf("event %d is %d times in the stream, want 2 (published again)", want[0], n)
	}
}

// TestResumeFromCursor: a subscriber resuming from a cursor gets every
// event after it from PostgreSQL, then live ones, with no gap and no
// duplicate at the seam.
func TestResumeFromCursor(t *testing.T) {
	e := newEnv(t)
	e.relay(RelayOptions{})
	h, _ := e.hub(HubOptions{BackfillPage: 3})
	live, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)
	var ids []int64
	for i := range 10 {
		ids = append(ids, e.commit([]int64{e.tenant, e.other}[i%2], "USER_UPDATED"))
	}
	live.next(t, 10) // everything is published
	resumed, _ := subscribe(t, h, all, &ids[3])
	// Commits race with the backfill: the seam must hold.
	for i := range 10 {
		ids = append(ids, e.commit([]int64{e.tenant, e.other}[i%2], "USER_UPDATED"))
	}
	if got := resumed.next(t, 16); !slices.Equal(got, ids[4:]) {
		t.Fatalf("resumed got %v, want %v", got, ids[4:])
	}
	select {
	case id := <-resumed.ids:
		t.Fatalf("extra event %d", id)
	case <-time.After(300 * time.Millisecond):
	}

	t.Run("OnlyTenantsInScope", func(t *testing.T) {
		a, _ := subscribe(t, h, domain.Scope{TenantIDs: []int64{e.tenant}}, &ids[0])
		var want []int64
		for i, id := range ids[1:] {
			if (i+1)%10%2 == 0 {
				want = append(want, id)
			}
		}
		if got := a.next(t, len(want)); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		b, _ := subscribe(t, h, domain.Scope{TenantIDs: []int64{e.other}}, nil)
		waitSubscribers(t, h, 4)
		x := e.commit(e.tenant, "USER_UPDATED")
		y := e.commit(e.other, "USER_UPDATED")
		if got := a.next(t, 1); got[0] != x {
			t.Fatalf("tenant A subscriber got %v, want %d", got, x)
		}
		if got := b.next(t, 1); got[0] != y {
			t.Fatalf("tenant B subscriber got %v, want %d (never A's %d)", got, y, x)
		}
	})
}

// TestSlowSubscriberDropped: a subscriber that does not keep up is dropped
// with ErrSlowConsumer; the others receive everything.
func TestSlowSubscriberDropped(t *testing.T) {
	e := newEnv(t)
	e.relay(RelayOptions{})
	h, _ := e.hub(HubOptions{Buffer: 4})
	fast, _ := subscribe(t, h, all, nil)
	slowDone := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		slowDone <- h.Serve(ctx, Request{Scope: all, Deliver: func(ctx context.Context, ev *domain.ChangeEvent) error {
			<-ctx.Done() // never done with the first event
			return ctx.Err()
		}})
	}()
	waitSubscribers(t, h, 2)
	// One event at a time, so that each is its own batch.
	for range 20 {
		want := e.commit(e.tenant, "USER_UPDATED")
		if got := fast.next(t, 1); got[0] != want {
			t.Fatalf("fast got %v, want %d", got, want)
		}
	}
	select {
	case err := <-slowDone:
		if !errors.Is(err, ErrSlowConsumer) {
			t.Fatalf("slow subscriber ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("slow subscriber not dropped")
	}
	if h.Stats().Dropped != 1 {
		t.Fatalf("dropped = %d", h.Stats().Dropped)
	}
}

// TestHubFillsGapFromDatabase: a stream entry that does not continue the
// hub's position (entries trimmed, or missed) makes the hub read the gap
// from PostgreSQL.
func TestHubFillsGapFromDatabase(t *testing.T) {
	e := newEnv(t)
	h, _ := e.hub(HubOptions{BackfillPage: 2})
	s, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)
	var ids []int64
	for range 5 {
		ids = append(ids, e.commit(e.tenant, "USER_UPDATED"))
	}
	r := NewRelay(e.db, e.rdb, e.stream, quiet, RelayOptions{})
	if _, err := r.publishPending(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// The entry is lost from the stream before the hub reads it.
	if err := e.rdb.Del(context.Background(), e.stream).Err(); err != nil {
		t.Fatal(err)
	}
	if got := s.next(t, 5); !slices.Equal(got, ids) {
		t.Fatalf("got %v, want %v", got, ids)
	}
}

// TestOneActiveRelay: of two relays one publishes; when it dies the other
// takes over.
func TestOneActiveRelay(t *testing.T) {
	e := newEnv(t)
	a, stopA := e.relay(RelayOptions{Poll: 50 * time.Millisecond})
	b, stopB := e.relay(RelayOptions{Poll: 50 * time.Millisecond})
	waitFor(t, func() bool { return a.Leader() || b.Leader() })
	if a.Leader() && b.Leader() {
		t.Fatal("two active relays")
	}
	leader, standby, stop := a, b, stopA
	if b.Leader() {
		leader, standby, stop = b, a, stopB
	}
	_ = leader
	stop()
	waitFor(t, standby.Leader)
	id := e.commit(e.tenant, "USER_CREATED")
	waitFor(t, func() bool { return standby.Published() >= id })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRetention prunes old audit and published change events in batches;
// a cursor older than what is left is refused.
func TestRetention(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []int64
	for range 5 {
		ids = append(ids, e.commit(e.tenant, "USER_UPDATED"))
	}
	if _, err := NewRelay(e.db, e.rdb, e.stream, quiet, RelayOptions{}).publishPending(ctx, nil); err != nil {
		t.Fatal(err)
	}
	unpublished := e.commit(e.tenant, "USER_UPDATED")
	if _, err := e.db.ExecContext(ctx, "UPDATE events SET created_at = now() - interval '10 days'"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ExecContext(ctx, "UPDATE audit_events SET created_at = now() - interval '100 days' WHERE id IN (SELECT id FROM audit_events ORDER BY id LIMIT 4)"); err != nil {
		t.Fatal(err)
	}
	store := db.NewEventStore(e.db)
	r := &Retention{Store: store, Audit: 90 * 24 * time.Hour, Events: 7 * 24 * time.Hour, Batch: 2, Logger: quiet}
	audit, events, err := r.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if audit != 4 || events != 5 {
		t.Fatalf("pruned %d audit and %d change events, want 4 and 5", audit, events)
	}
	var left []int64
	if err := e.db.NewRaw("SELECT id FROM events ORDER BY id").Scan(ctx, &left); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []int64{unpublished}) {
		t.Fatalf("left %v: unpublished events must stay", left)
	}
	_, pruned, _ := store.RelayState(ctx)
	if pruned != ids[4] {
		t.Fatalf("pruned through %d, want %d", pruned, ids[4])
	}
	t.Run("ErrCursorExpired", func(t *testing.T) {
		h, _ := e.hub(HubOptions{})
		err := h.Serve(ctx, Request{Scope: all, After: &ids[2], Deliver: func(context.Context, *domain.ChangeEvent) error { return nil }})
		if !errors.Is(err, ErrCursorExpired) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("KeepForever", func(t *testing.T) {
		audit, events, err := (&Retention{Store: store, Logger: quiet}).RunOnce(ctx)
		if err != nil || audit != 0 || events != 0 {
			t.Fatalf("%d %d %v", audit, events, err)
		}
	})
}

// TestInProcessStore runs relay and hub on the embedded single-node store.
func TestInProcessStore(t *testing.T) {
	e := newEnv(t)
	store, err := kv.Open(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	e.rdb, e.stream = store, "ta:events"
	e.relay(RelayOptions{})
	h, _ := e.hub(HubOptions{})
	s, _ := subscribe(t, h, all, nil)
	waitSubscribers(t, h, 1)
	var want []int64
	for i := range 3 {
		want = append(want, e.commit(e.tenant, domain.EventTypes[i]))
	}
	if got := s.next(t, 3); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
