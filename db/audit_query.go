package db

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// AuditService reads the audit trail (R26), always inside a tenant scope.
type AuditService struct{ db *DB }

func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

func (m *auditEventModel) domain() *domain.AuditEvent {
	return &domain.AuditEvent{ID: m.ID, TenantID: m.TenantID, ActorID: m.ActorID, ActorLabel: m.ActorLabel,
		Action: m.Action, TargetType: m.TargetType, TargetID: m.TargetID, Before: m.Before, After: m.After,
		IP: m.IP, UserAgent: m.UserAgent, RequestID: m.RequestID, CreatedAt: m.CreatedAt.UTC(), SubjectUserID: m.SubjectUserID}
}

// auditSubjectUserSQL is the user an audit event is about (see
// domain.AuditEvent.SubjectUserID): the target user, else the userId of its
// documents, else the nominee of its nomination. Only digits are cast, so
// that no document can make the trail unreadable.
const auditSubjectUserSQL = `COALESCE(CASE WHEN ae.target_type = 'User' THEN ae.target_id END,
	CASE WHEN ae.after ->> 'userId' ~ '^[0-9]{1,18}$' THEN (ae.after ->> 'userId')::bigint END,
	CASE WHEN ae.before ->> 'userId' ~ '^[0-9]{1,18}$' THEN (ae.before ->> 'userId')::bigint END,
	(SELECT n.user_id FROM nominations n WHERE ae.target_type = 'Nomination' AND n.id = ae.target_id))`

// auditOrderColumns are the orders of the audit trail; CREATED_AT
// descending (newest first) is the default. CREATED_AT is the recording
// order, the id: it follows time and every index of the trail ends with it.
var auditOrderColumns = map[string]orderColumn{
	"CREATED_AT": {"ae.id", "bigint", false, false},
	"ACTION":     {"ae.action", "text", false, false},
}

// FindAuditEvents lists audit events in the filter's order (newest first
// by default), filtered by tenant, actor, target, action and time range.
func (s *AuditService) FindAuditEvents(ctx context.Context, f domain.AuditFilter, p domain.Page) (*domain.Connection[*domain.AuditEvent], error) {
	k, err := newKeyset("auditEvents", auditOrderColumns, domain.ListOrder{Field: "CREATED_AT", Desc: true}, f.Order, "ae.id")
	if err != nil {
		return nil, err
	}
	w, err := k.window(p)
	if err != nil {
		return nil, err
	}
	q := s.db.NewSelect().Model((*auditEventModel)(nil))
	applyAuditFilter(q, f)
	countQ := q.Clone()
	q.ColumnExpr("ae.*").ColumnExpr(auditSubjectUserSQL + " AS subject_user_id").ColumnExpr(k.sortKey() + " AS sort_key")

	var rows []auditEventModel
	q = q.Model(&rows).Where(w.where, w.args...).OrderExpr(k.orderBy(w.up)).Limit(int64(w.limit))
	// Audit queries tolerate lag: a replica may serve them (replica.go).
	if err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
		rows = rows[:0]
		return q.Conn(idb).Scan(ctx)
	}); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, w.limit, w.backward, p)
	conn := &domain.Connection[*domain.AuditEvent]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		conn.Cursors = append(conn.Cursors, k.cursor(rows[i].SortKey, rows[i].ID))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		var n int64
		err := s.db.readLagTolerant(ctx, func(idb bun.IDB) (err error) {
			n, err = countQ.Clone().Conn(idb).Count(ctx)
			return err
		})
		return int(n), mapError(err)
	}
	return conn, nil
}

func applyAuditFilter(q *bun.SelectQuery, f domain.AuditFilter) {
	switch {
	case f.TenantID != nil && !f.Scope.Contains(*f.TenantID):
		q.Where("false")
	case f.TenantID != nil:
		q.Where("ae.tenant_id = ?", *f.TenantID)
	case !f.Scope.All:
		q.Where("ae.tenant_id ?", oneOf(f.Scope.TenantIDs))
	}
	if f.ActorID != nil {
		q.Where("ae.actor_id = ?", *f.ActorID)
	}
	if f.TargetType != nil {
		q.Where("ae.target_type = ?", *f.TargetType)
	}
	if f.TargetID != nil {
		q.Where("ae.target_id = ?", *f.TargetID)
	}
	if f.AboutUserID != nil {
		// Each branch has its index: the target's, the documents' userId
		// (migration 0004) and the nominations' user (migration 0012).
		id := *f.AboutUserID
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("ae.target_type = 'User' AND ae.target_id = ?", id).
				WhereOr("ae.before ->> 'userId' = ?", strconv.FormatInt(id, 10)).
				WhereOr("ae.after ->> 'userId' = ?", strconv.FormatInt(id, 10)).
				WhereOr("ae.target_type = 'Nomination' AND ae.target_id IN (SELECT n.id FROM nominations n WHERE n.user_id = ?)", id)
		})
	}
	if f.Action != nil {
		q.Where("ae.action = ?", *f.Action)
	}
	if f.From != nil {
		q.Where("ae.created_at >= ?", *f.From)
	}
	if f.To != nil {
		q.Where("ae.created_at < ?", *f.To)
	}
}

// AuditEventsByIDs loads audit events for a dataloader, inside the scope.
func (s *AuditService) AuditEventsByIDs(ctx context.Context, scope domain.Scope, ids []int64) ([]*domain.AuditEvent, error) {
	var rows []auditEventModel
	q := s.db.NewSelect().Model(&rows).ColumnExpr("ae.*").ColumnExpr(auditSubjectUserSQL+" AS subject_user_id").
		Where("ae.id IN (?)", bun.List(ids))
	inScope(q, "ae.tenant_id", scope)
	if err := q.Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.AuditEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
