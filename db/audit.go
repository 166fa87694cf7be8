package db

import (
	"context"
	"fmt"

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
// Unknown action codes are refused, so that the list the admin app labels
// (domain.AuditActions) is complete.
func insertAuditID(ctx context.Context, tx bun.IDB, ac domain.AuditContext, ev domain.AuditEvent) (int64, error) {
	if !domain.IsAuditAction(ev.Action) {
		return 0, fmt.Errorf("db: unknown audit action %q: add it to domain/audit_actions.json and label it in the admin app", ev.Action)
	}
	m := auditEventModel{
		TenantID: ev.TenantID, ActorID: ac.ActorID, ActorLabel: ac.ActorLabel,
		Action: ev.Action, TargetType: ev.TargetType, TargetID: ev.TargetID,
		Before: ev.Before, After: ev.After, IP: ac.IP, UserAgent: ac.UserAgent, RequestID: ac.RequestID,
	}
	_, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx)
	return m.ID, err
}
