package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
)

// Read replicas (issue 18, docs/ha.md). Reads that tolerate lag (lists,
// counts, audit queries, security findings, reports) may go to a streaming
// replica; everything else, and every read of a request or session with a
// write the replica has not replayed yet, goes to the primary.

// DefaultReplicaMaxLag is REPLICA_MAX_LAG's default.
const DefaultReplicaMaxLag = 5 * time.Second

// WriteMarks remember, across server processes, the WAL position of each
// session's latest write (kv.WriteMarks keeps them in Redis).
type WriteMarks interface {
	// Raise records lsn for key unless a larger one is recorded; the mark
	// lives ttl.
	Raise(ctx context.Context, key string, lsn uint64, ttl time.Duration) error
	// Get returns key's mark, 0 when there is none.
	Get(ctx context.Context, key string) (uint64, error)
}

// ReplicaOptions configure OpenReplicas.
type ReplicaOptions struct {
	// URLs is DATABASE_REPLICA_URL: one or more URLs separated by commas,
	// each possibly multi-host.
	URLs string
	// MaxLag is the largest lag at which a replica is read (REPLICA_MAX_LAG).
	MaxLag time.Duration
	// Marks share sessions' write positions between server processes.
	Marks WriteMarks
	// PollInterval is how often replicas' replay positions are read
	// (default 250ms).
	PollInterval time.Duration
}

type replica struct {
	name string
	db   *bun.DB

	mu        sync.Mutex
	healthy   bool
	replayLSN uint64
	// passedAt is when the primary was sampled at a position the replica
	// has replayed: it has every commit from before that instant.
	passedAt time.Time
}

type lsnSample struct {
	at  time.Time
	lsn uint64
}

type replicaSet struct {
	opt      ReplicaOptions
	replicas []*replica
	next     atomic.Uint64
	samples  []lsnSample // the primary's positions, oldest first; poller only
	stop     context.CancelFunc
	done     chan struct{}

	replicaReads, primaryReads atomic.Int64
}

// ReplicaStatus is one replica's state, for metrics.
type ReplicaStatus struct {
	Name string
	// InUse: reachable and within MaxLag, so lag-tolerant reads may go to it.
	InUse bool
	// Lag is how far behind the primary the replica was last seen.
	Lag time.Duration
}

// OpenReplicas connects the replicas of opt.URLs and starts watching their
// lag. A replica that cannot be reached is not an error: reads go to the
// primary until it answers.
func (db *DB) OpenReplicas(ctx context.Context, opt ReplicaOptions) error {
	urls := SplitReplicaURLs(opt.URLs)
	if len(urls) == 0 {
		return nil
	}
	if opt.MaxLag <= 0 {
		opt.MaxLag = DefaultReplicaMaxLag
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = 250 * time.Millisecond
	}
	rs := &replicaSet{opt: opt, done: make(chan struct{})}
	for _, u := range urls {
		cfg, err := replicaConnConfig(u)
		if err != nil {
			rs.close()
			return err
		}
		sqldb := stdlib.OpenDB(*cfg)
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(20)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		bdb := bun.NewDB(sqldb, pgdialect.New()).WithQueryHook(queryCounter{db})
		rs.replicas = append(rs.replicas, &replica{name: fmt.Sprintf("%s:%d", cfg.Host, cfg.Port), db: bdb})
	}
	pollCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	rs.stop = cancel
	rs.poll(pollCtx, db.DB.DB)
	go func() {
		defer close(rs.done)
		t := time.NewTicker(opt.PollInterval)
		defer t.Stop()
		for {
			select {
			case <-pollCtx.Done():
				return
			case <-t.C:
				rs.poll(pollCtx, db.DB.DB)
			}
		}
	}()
	db.replicas = rs
	return nil
}

func (rs *replicaSet) close() {
	if rs.stop != nil {
		rs.stop()
		<-rs.done
	}
	for _, r := range rs.replicas {
		r.db.Close()
	}
}

// Close stops watching the replicas and closes every pool.
func (db *DB) Close() error {
	if db.replicas != nil {
		db.replicas.close()
	}
	return db.DB.Close()
}

// SplitReplicaURLs splits DATABASE_REPLICA_URL into URLs: a comma starts a
// new URL only before postgres:// or postgresql://, so multi-host URLs
// (postgres://h1,h2/db) and key/value strings (host=h1,h2) stay whole.
func SplitReplicaURLs(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		p := strings.TrimSpace(part)
		isStart := strings.HasPrefix(p, "postgres://") || strings.HasPrefix(p, "postgresql://")
		if len(out) == 0 || isStart {
			if p != "" {
				out = append(out, p)
			}
			continue
		}
		out[len(out)-1] += "," + part
	}
	return out
}

// poll samples the primary's WAL position, then each replica's replay
// position. A replica's lag is the age of the newest primary sample it has
// passed: measured in WAL, so an idle primary does not look like a lagging
// replica, and a replica whose replay stopped lags more every second.
func (rs *replicaSet) poll(ctx context.Context, primary *sql.DB) {
	at := time.Now() // before the query: the sample is at least this recent
	qctx, cancel := context.WithTimeout(ctx, time.Second)
	var text string
	if err := primary.QueryRowContext(qctx, "SELECT pg_current_wal_lsn()::text").Scan(&text); err == nil {
		if lsn, err := parseLSN(text); err == nil {
			rs.samples = append(rs.samples, lsnSample{at, lsn})
		}
	}
	cancel()
	keep := rs.opt.MaxLag + 2*rs.opt.PollInterval
	for len(rs.samples) > 1 && time.Since(rs.samples[0].at) > keep {
		rs.samples = rs.samples[1:]
	}
	for _, r := range rs.replicas {
		qctx, cancel := context.WithTimeout(ctx, time.Second)
		var text sql.NullString
		err := r.db.DB.QueryRowContext(qctx, `SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
			ELSE pg_current_wal_lsn() END)::text`).Scan(&text)
		cancel()
		lsn, perr := parseLSN(text.String)
		r.mu.Lock()
		if err != nil || !text.Valid || perr != nil {
			r.healthy = false
		} else {
			r.healthy = true
			r.replayLSN = lsn
			for i := len(rs.samples) - 1; i >= 0; i-- {
				if rs.samples[i].lsn <= lsn {
					if rs.samples[i].at.After(r.passedAt) {
						r.passedAt = rs.samples[i].at
					}
					break
				}
			}
		}
		r.mu.Unlock()
	}
}

func (r *replica) status(maxLag time.Duration) (inUse bool, lag time.Duration, replay uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.passedAt.IsZero() {
		return false, 0, 0
	}
	lag = time.Since(r.passedAt)
	return r.healthy && lag < maxLag, lag, r.replayLSN
}

func (r *replica) markDown() {
	r.mu.Lock()
	r.healthy = false
	r.mu.Unlock()
}

// ReplicaStatus describes the replicas (nil without any).
func (db *DB) ReplicaStatus() []ReplicaStatus {
	if db.replicas == nil {
		return nil
	}
	var out []ReplicaStatus
	for _, r := range db.replicas.replicas {
		inUse, lag, _ := r.status(db.replicas.opt.MaxLag)
		out = append(out, ReplicaStatus{Name: r.name, InUse: inUse, Lag: lag})
	}
	return out
}

// LagTolerantReads counts the lag-tolerant reads served by a replica and by
// the primary.
func (db *DB) LagTolerantReads() (replica, primary int64) {
	if db.replicas == nil {
		return 0, 0
	}
	return db.replicas.replicaReads.Load(), db.replicas.primaryReads.Load()
}

// session is the read-your-writes state of one request.
type session struct {
	key string // the writer whose marks count ("" for none)
	// wrote: this request has written; its reads stay on the primary.
	wrote atomic.Bool
	// unrecorded: a write not yet recorded in the marks.
	unrecorded atomic.Bool

	markOnce sync.Once
	mark     uint64
	markErr  error
}

type sessionKey struct{}

// WithSession starts a request of the writer key (a user: the same user's
// later requests, on any server process, read their own writes).
func WithSession(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, sessionKey{}, &session{key: key})
}

// RenewSession gives an operation its own read-your-writes state for the
// same writer: the operations of one WebSocket connection each read the
// writer's current mark, and one operation's write does not send the
// connection's later reads to the primary for good.
func RenewSession(ctx context.Context) context.Context {
	if s := sessionFrom(ctx); s != nil {
		return WithSession(ctx, s.key)
	}
	return ctx
}

// CheckReplicaURLs parses DATABASE_REPLICA_URL without connecting.
func CheckReplicaURLs(s string) error {
	for _, u := range SplitReplicaURLs(s) {
		if _, err := replicaConnConfig(u); err != nil {
			return err
		}
	}
	return nil
}

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// noteQuery is called for every statement: a write keeps the rest of the
// request on the primary and is recorded by RecordWrites.
func noteQuery(ctx context.Context, query string) {
	s := sessionFrom(ctx)
	if s == nil || !isWrite(query) {
		return
	}
	s.wrote.Store(true)
	s.unrecorded.Store(true)
}

// isWrite tells statements that may change data from plain reads; anything
// unknown counts as a write (the safe side: it only costs replica use).
func isWrite(query string) bool {
	q := skipComments(query)
	word := q
	if i := strings.IndexAny(q, " \t\r\n("); i >= 0 {
		word = q[:i]
	}
	switch strings.ToUpper(word) {
	case "SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SHOW", "SET", "LISTEN", "UNLISTEN", "EXPLAIN":
		return false
	case "WITH":
		u := strings.ToUpper(q)
		return strings.Contains(u, "INSERT ") || strings.Contains(u, "UPDATE ") || strings.Contains(u, "DELETE ") || strings.Contains(u, "MERGE ")
	}
	return true
}

// skipComments drops the blanks, opening parentheses and comments (/* … */,
// -- …) before a statement's first keyword: marked queries start with a
// comment naming them.
func skipComments(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "/*"):
			end := strings.Index(q, "*/")
			if end < 0 {
				return ""
			}
			q = q[end+2:]
		case strings.HasPrefix(q, "--"):
			end := strings.IndexByte(q, '\n')
			if end < 0 {
				return ""
			}
			q = q[end+1:]
		default:
			return q
		}
	}
}

// RecordWrites records the primary's WAL position after this request's
// writes, so that the writer's next requests, on any server process, read
// from a replica only once it has replayed them. It is called after the
// request's work and before its answer is sent.
func (db *DB) RecordWrites(ctx context.Context) error {
	s := sessionFrom(ctx)
	if db.replicas == nil || s == nil || s.key == "" || !s.unrecorded.Swap(false) {
		return nil
	}
	var text string
	if err := db.DB.DB.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&text); err != nil {
		return err
	}
	lsn, err := parseLSN(text)
	if err != nil {
		return err
	}
	return db.replicas.opt.Marks.Raise(ctx, s.key, lsn, db.markTTL())
}

// markTTL: a replica is read only within MaxLag of the primary, so a mark
// older than that (plus polling and clock slack) no longer matters.
func (db *DB) markTTL() time.Duration { return 2*db.replicas.opt.MaxLag + 10*time.Second }

// lagTolerant picks the handle for a read that tolerates lag: a replica in
// use that has replayed the session's last recorded write, unless the
// request itself wrote; otherwise the primary.
func (db *DB) lagTolerant(ctx context.Context) *replica {
	rs := db.replicas
	if rs == nil {
		return nil
	}
	var need uint64
	if s := sessionFrom(ctx); s != nil {
		if s.wrote.Load() {
			return nil
		}
		if s.key != "" && rs.opt.Marks != nil {
			s.markOnce.Do(func() { s.mark, s.markErr = rs.opt.Marks.Get(ctx, s.key) })
			if s.markErr != nil {
				return nil // unknown: the primary is always right
			}
			need = s.mark
		}
	}
	n := len(rs.replicas)
	start := int(rs.next.Add(1))
	for i := range n {
		r := rs.replicas[(start+i)%n]
		if inUse, _, replay := r.status(rs.opt.MaxLag); inUse && replay >= need {
			return r
		}
	}
	return nil
}

// readLagTolerant runs fn on the handle lagTolerant picks. If the replica
// fails for want of a connection, it is marked down and fn runs again on
// the primary: a replica going away costs no error to the client. fn
// returns unmapped errors.
func (db *DB) readLagTolerant(ctx context.Context, fn func(bun.IDB) error) error {
	return db.readLagTolerantIf(ctx, fn, nil)
}

// readLagTolerantIf is readLagTolerant where canRetry, when set, tells
// whether fn may run again on the primary after the replica failed.
func (db *DB) readLagTolerantIf(ctx context.Context, fn func(bun.IDB) error, canRetry func() bool) error {
	r := db.lagTolerant(ctx)
	if r == nil {
		if db.replicas != nil {
			db.replicas.primaryReads.Add(1)
		}
		return fn(db.DB)
	}
	db.replicas.replicaReads.Add(1)
	err := fn(r.db)
	if err != nil && Unavailable(err) && ctx.Err() == nil && (canRetry == nil || canRetry()) {
		r.markDown()
		db.replicas.primaryReads.Add(1)
		return fn(db.DB)
	}
	return err
}

// parseLSN reads PostgreSQL's X/Y text form of a WAL position.
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	h, err := strconv.ParseUint(hi, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	l, err := strconv.ParseUint(lo, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("bad LSN %q", s)
	}
	return h<<32 | l, nil
}
