package db

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"tenantadmin/domain"
)

// EventStore is the storage side of change events (R28): the relay's
// horizon and batches, backfill for resuming subscribers, and retention.
//
// Ordering: events.id is allocated before commit, so a lower id may commit
// after a higher one. The relay therefore never publishes past a horizon
// below which every id is final (event_relay_horizon in migration 0006),
// and records how far it got in event_relay_state.published_through, in the
// transaction that marks the batch published. Everything up to that
// position can be re-read from PostgreSQL, the source of truth.
type EventStore struct{ db *DB }

func NewEventStore(db *DB) *EventStore { return &EventStore{db: db} }

type eventModel struct {
	bun.BaseModel `bun:"table:events,alias:e"`

	ID           int64          `bun:"id,pk,autoincrement"`
	TenantID     *int64         `bun:"tenant_id"`
	Type         string         `bun:"type"`
	SubjectType  string         `bun:"subject_type"`
	SubjectID    *int64         `bun:"subject_id"`
	Payload      map[string]any `bun:"payload,type:jsonb"`
	AuditEventID *int64         `bun:"audit_event_id"`
	CreatedAt    time.Time      `bun:"created_at"`
	PublishedAt  *time.Time     `bun:"published_at"`
}

func (m *eventModel) domain() *domain.ChangeEvent {
	p := m.Payload
	if p == nil {
		p = map[string]any{}
	}
	return &domain.ChangeEvent{ID: m.ID, TenantID: m.TenantID, Type: m.Type, SubjectType: m.SubjectType,
		SubjectID: m.SubjectID, Payload: p, AuditEventID: m.AuditEventID, OccurredAt: m.CreatedAt.UTC()}
}

// Horizon is a candidate publishing position: every id <= LastID is final
// once none of Writers (virtual transaction ids that held a write lock on
// events when LastID was read) is still running.
type Horizon struct {
	LastID  int64
	Writers []string
}

// Settled reports whether h is final given the writers running now.
func (h Horizon) Settled(running []string) bool {
	for _, w := range h.Writers {
		if slices.Contains(running, w) {
			return false
		}
	}
	return true
}

// Horizon reads the last allocated event id and the transactions that may
// still be writing events with lower ids.
func (s *EventStore) Horizon(ctx context.Context) (Horizon, error) {
	var h Horizon
	err := s.db.NewRaw("SELECT last_id, writers FROM event_relay_horizon()").Scan(ctx, &h.LastID, pgdialect.Array(&h.Writers))
	return h, mapError(err)
}

// RelayState returns how far events were published and pruned.
func (s *EventStore) RelayState(ctx context.Context) (published, pruned int64, err error) {
	err = s.db.NewRaw("SELECT published_through, pruned_through FROM event_relay_state WHERE id = 1").Scan(ctx, &published, &pruned)
	return published, pruned, mapError(err)
}

// PublishFunc hands one batch to the transport. prev is the position the
// batch continues from (exclusive) and to the position it reaches
// (inclusive): every event with prev < id <= to is in events, in id order.
type PublishFunc func(ctx context.Context, prev, to int64, events []*domain.ChangeEvent) error

// PublishBatch publishes the next batch of at most limit final events up to
// horizon and advances published_through, in one transaction: the state row
// is locked first, so two relays never interleave, and publish runs before
// the commit. A crash after publish and before the commit publishes the
// batch again: delivery is at least once, and subscribers drop ids they have
// seen. It returns the new position.
func (s *EventStore) PublishBatch(ctx context.Context, horizon int64, limit int, publish PublishFunc) (int64, error) {
	var to int64
	err := s.db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var prev int64
		if err := tx.NewRaw("SELECT published_through FROM event_relay_state WHERE id = 1 FOR UPDATE").Scan(ctx, &prev); err != nil {
			return err
		}
		to = prev
		if horizon <= prev {
			return nil
		}
		var rows []eventModel
		if err := tx.NewSelect().Model(&rows).Where("id > ? AND id <= ?", prev, horizon).
			Order("id").Limit(int64(limit)).Scan(ctx); err != nil {
			return err
		}
		to = horizon
		if len(rows) == limit {
			to = rows[len(rows)-1].ID
		}
		evs := make([]*domain.ChangeEvent, len(rows))
		for i := range rows {
			evs[i] = rows[i].domain()
		}
		if err := publish(ctx, prev, to, evs); err != nil {
			return fmt.Errorf("publish events (%d, %d]: %w", prev, to, err)
		}
		if len(rows) > 0 {
			if _, err := tx.NewRaw("UPDATE events SET published_at = now() WHERE id > ? AND id <= ? AND published_at IS NULL",
				prev, to).Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewRaw("UPDATE event_relay_state SET published_through = ?, updated_at = now() WHERE id = 1", to).Exec(ctx)
		return err
	})
	return to, mapError(err)
}

// EventsAfter returns the events with after < id <= upTo of tenants in the
// scope (events without a tenant only for Scope.All), in id order. upTo
// must not exceed published_through: below it every id is final.
func (s *EventStore) EventsAfter(ctx context.Context, scope domain.Scope, after, upTo int64, limit int) ([]*domain.ChangeEvent, error) {
	var rows []eventModel
	q := s.db.NewSelect().Model(&rows).Where("id > ? AND id <= ?", after, upTo).Order("id").Limit(int64(limit))
	inScope(q, "tenant_id", scope)
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.ChangeEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// retentionLockID serialises retention runs across replicas.
const retentionLockID = 0x7e4a_0006

// Prune deletes, in batches, audit events older than auditBefore and
// published change events older than eventsBefore (a zero time keeps
// them), holding an advisory lock so that one replica at a time does it. It
// returns how many rows it deleted, and ran=false when another replica held
// the lock.
func (s *EventStore) Prune(ctx context.Context, auditBefore, eventsBefore time.Time, batch int) (audit, events int64, ran bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, false, err
	}
	defer conn.Close()
	if err := conn.NewRaw("SELECT pg_try_advisory_lock(?)", retentionLockID).Scan(ctx, &ran); err != nil || !ran {
		return 0, 0, false, mapError(err)
	}
	defer unlockAdvisory(ctx, conn, retentionLockID)

	if !auditBefore.IsZero() {
		for {
			res, err := conn.ExecContext(ctx, `DELETE FROM audit_events WHERE id IN (
				SELECT id FROM audit_events WHERE created_at < ? ORDER BY id LIMIT ?)`, auditBefore, batch)
			if err != nil {
				return audit, events, true, mapError(err)
			}
			n, _ := res.RowsAffected()
			audit += n
			if n < int64(batch) {
				break
			}
		}
	}
	if !eventsBefore.IsZero() {
		for {
			// Only published events go, and the pruned position moves with
			// them in the same statement, so that resuming from a cursor
			// older than what is left fails instead of skipping events.
			var n, through int64
			err := conn.NewRaw(`WITH gone AS (
					DELETE FROM events WHERE id IN (
						SELECT id FROM events
						WHERE created_at < ? AND id <= (SELECT published_through FROM event_relay_state WHERE id = 1)
						ORDER BY id LIMIT ?)
					RETURNING id),
				moved AS (
					UPDATE event_relay_state SET pruned_through = GREATEST(pruned_through, (SELECT max(id) FROM gone))
					WHERE id = 1 AND EXISTS (SELECT 1 FROM gone) RETURNING pruned_through)
				SELECT (SELECT count(*) FROM gone), coalesce((SELECT pruned_through FROM moved), 0)`,
				eventsBefore, batch).Scan(ctx, &n, &through)
			if err != nil {
				return audit, events, true, mapError(err)
			}
			events += n
			if n < int64(batch) {
				break
			}
		}
	}
	return audit, events, true, nil
}
