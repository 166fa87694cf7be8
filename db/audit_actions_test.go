package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// Storage refuses an audit action code missing from domain.AuditActions, so
// the list the admin app labels (issue 19.6) stays complete.
func TestAuditActionsEnforced(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	write := func(action string) error {
		return d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return db.RecordChange(ctx, tx, domain.AuditContext{ActorLabel: "test"}, domain.AuditEvent{Action: action}, nil)
		})
	}
	if err := write("user.update"); err != nil {
		t.Fatalf("known action refused: %v", err)
	}
	if err := write("user.teleport"); err == nil || !strings.Contains(err.Error(), "audit_actions.json") {
		t.Fatalf("unknown action: err = %v", err)
	}
	var n int
	if err := d.NewRaw("SELECT count(*) FROM audit_events WHERE action = 'user.teleport'").Scan(ctx, &n); err != nil || n != 0 {
		t.Fatalf("unknown action stored: %d %v", n, err)
	}
	seen := map[string]bool{}
	for _, a := range domain.AuditActions {
		if seen[a] || a == "" {
			t.Errorf("duplicate or empty action %q", a)
		}
		seen[a] = true
	}
	if !slices.Contains(domain.AuditActions, "platform.bootstrap") {
		t.Error("list not loaded")
	}
}
