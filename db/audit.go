package db

import (
	"context"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// insertAudit writes an audit event inside the caller's transaction, so that
// a change and its record commit or roll back together (R26).
func insertAudit(ctx context.Context, tx bun.IDB, ac domain.AuditContext, ev domain.AuditEvent) error {
	_, err := insertAuditID(ctx, tx, ac, ev)
	return err
}

// insertAuditID is insertAudit returning the new row's id.
func insertAuditID(ctx context.Context, tx bun.IDB, ac domain.AuditContext, ev domain.AuditEvent) (int64, error) {
	m := auditEventModel{
		TenantID: ev.TenantID, ActorID: ac.ActorID, ActorLabel: ac.ActorLabel,
		Action: ev.Action, TargetType: ev.TargetType, TargetID: ev.TargetID,
		Before: ev.Before, After: ev.After, IP: ac.IP, UserAgent: ac.UserAgent, RequestID: ac.RequestID,
	}
	_, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx)
	return m.ID, err
}
