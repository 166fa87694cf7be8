package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/server/servertest"
)

const auditQuery = `query($filter: AuditEventFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditEvents(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id action actorLabel actor { id } tenant { id } targetType targetId before after ip userAgent requestId createdAt }
  }
}`

type auditPage struct {
	AuditEvents struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			StartCursor, EndCursor       string
		}
		Nodes []struct {
			ID, Action, ActorLabel, TargetType, RequestID string
			Actor, Tenant                                 *struct{ ID string }
			TargetID, IP, UserAgent                       *string
			Before, After                                 map[string]any
			CreatedAt                                     time.Time
		}
	}
}

func (p auditPage) actions() string {
	var s []string
	for _, n := range p.AuditEvents.Nodes {
		s = append(s, n.Action)
	}
	return strings.Join(s, ",")
}

// audit writes an audit record as a mutation does.
func audit(t *testing.T, m *servertest.Main, actor int64, tenant *int64, action string, target int64, after map[string]any) {
	t.Helper()
	err := m.DB.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return db.RecordChange(ctx, tx, domain.AuditContext{ActorID: &actor, ActorLabel: "actor", IP: "192.0.2.7", UserAgent: "Firefox", RequestID: "req-1"},
			domain.AuditEvent{TenantID: tenant, Action: action, TargetType: "User", TargetID: &target,
				Before: map[string]any{"status": "ACTIVE", "email": "old@example.test"}, After: after}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditEvents(t *testing.T) {
	w := servertest.NewWorld(t)
	after := map[string]any{"status": "SUSPENDED", "email": "new@example.test"}
	audit(t, w.M, w.CompanyAdmin, &w.Company, "user.suspend", w.Technician, after)
	audit(t, w.M, w.CompanyAdmin, &w.Site, "user.update", w.Technician, after)
	audit(t, w.M, w.HoldingAdmin, &w.Holding, "user.update", w.HoldingAdmin, after)
	audit(t, w.M, w.OtherAdmin, &w.Other, "user.update", w.OtherAdmin, after)
	audit(t, w.M, w.HoldingAdmin, nil, "platform.bootstrap", w.HoldingAdmin, after)
	query := func(t *testing.T, viewer int64, vars map[string]any) (auditPage, string) {
		t.Helper()
		res := w.M.GQL(t, w.M.MustLogin(t, viewer), auditQuery, vars)
		var p auditPage
		if res.Code() == "" {
			res.Decode(t, &p)
		}
		return p, res.Code()
	}

	t.Run("OK", func(t *testing.T) {
		p, _ := query(t, w.CompanyAdmin, map[string]any{"first": 10})
		if p.actions() != "user.update,user.suspend" || p.AuditEvents.TotalCount != 2 {
			t.Fatalf("company admin sees %s (%d)", p.actions(), p.AuditEvents.TotalCount)
		}
		n := p.AuditEvents.Nodes[1]
		if n.Actor == nil || n.Actor.ID != servertest.GlobalID("User", w.CompanyAdmin) || n.TargetID == nil || *n.TargetID != servertest.GlobalID("User", w.Technician) ||
			n.Before["email"] != "old@example.test" || n.After["status"] != "SUSPENDED" || n.IP == nil || *n.IP != "192.0.2.7" ||
			n.RequestID != "req-1" || n.Tenant.ID != servertest.GlobalID("Tenant", w.Company) {
			t.Fatalf("node = %+v", n)
		}
	})
	t.Run("AncestorAdminReadsDescendants", func(t *testing.T) {
		p, _ := query(t, w.HoldingAdmin, map[string]any{"first": 10})
		if p.actions() != "user.update,user.update,user.suspend" {
			t.Fatalf("holding admin sees %s", p.actions())
		}
	})
	t.Run("PlatformAdminReadsAll", func(t *testing.T) {
		p, _ := query(t, w.F.PlatformAdmin("auditor"), map[string]any{"first": 10})
		if p.AuditEvents.TotalCount != 5 || p.AuditEvents.Nodes[0].Action != "platform.bootstrap" {
			t.Fatalf("platform admin sees %s", p.actions())
		}
	})
	t.Run("OperatorReadsNothing", func(t *testing.T) {
		if p, _ := query(t, w.Technician, map[string]any{"first": 10}); p.AuditEvents.TotalCount != 0 {
			t.Fatalf("operator sees %s", p.actions())
		}
	})
	t.Run("Filters", func(t *testing.T) {
		cases := []struct {
			filter map[string]any
			want   string
		}{
			{map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Site)}, "user.update"},
			{map[string]any{"actorId": servertest.GlobalID("User", w.HoldingAdmin)}, "user.update"},
			{map[string]any{"targetId": servertest.GlobalID("User", w.Technician)}, "user.update,user.suspend"},
			{map[string]any{"action": "user.suspend"}, "user.suspend"},
			{map[string]any{"from": time.Now().Add(-time.Hour), "to": time.Now().Add(time.Hour)}, "user.update,user.update,user.suspend"},
			{map[string]any{"to": time.Now().Add(-time.Hour)}, ""},
		}
		for _, c := range cases {
			if p, code := query(t, w.HoldingAdmin, map[string]any{"first": 10, "filter": c.filter}); p.actions() != c.want {
				t.Errorf("filter %v: %s %s, want %s", c.filter, p.actions(), code, c.want)
			}
		}
	})
	t.Run("Pagination", func(t *testing.T) {
		p1, _ := query(t, w.HoldingAdmin, map[string]any{"first": 2})
		if len(p1.AuditEvents.Nodes) != 2 || !p1.AuditEvents.PageInfo.HasNextPage {
			t.Fatalf("page 1: %+v", p1.AuditEvents.PageInfo)
		}
		p2, _ := query(t, w.HoldingAdmin, map[string]any{"first": 2, "after": p1.AuditEvents.PageInfo.EndCursor})
		if p2.actions() != "user.suspend" || p2.AuditEvents.PageInfo.HasNextPage || !p2.AuditEvents.PageInfo.HasPreviousPage {
			t.Fatalf("page 2: %s %+v", p2.actions(), p2.AuditEvents.PageInfo)
		}
		back, _ := query(t, w.HoldingAdmin, map[string]any{"last": 2, "before": p2.AuditEvents.PageInfo.StartCursor})
		if back.AuditEvents.Nodes[0].ID != p1.AuditEvents.Nodes[0].ID || back.AuditEvents.Nodes[1].ID != p1.AuditEvents.Nodes[1].ID {
			t.Fatalf("backwards: %s", back.actions())
		}
	})
	t.Run("PersonalDataRedacted", func(t *testing.T) {
		restricted := w.RestrictedAdmin(t) // no personal-data access (R12)
		p, _ := query(t, restricted, map[string]any{"first": 10, "filter": map[string]any{"action": "user.suspend"}})
		n := p.AuditEvents.Nodes[0]
		if _, ok := n.After["email"]; ok || n.After["status"] != "SUSPENDED" || n.IP != nil || n.UserAgent != nil {
			t.Fatalf("restricted admin sees %+v", n)
		}
	})
	t.Run("NodeByID", func(t *testing.T) {
		p, _ := query(t, w.CompanyAdmin, map[string]any{"first": 1})
		id := p.AuditEvents.Nodes[0].ID
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("another tenant's admin reads %s", res.Data)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if _, code := query(t, w.OtherAdmin, map[string]any{"filter": map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company)}}); code != "FORBIDDEN" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrInvalidTimeRange", func(t *testing.T) {
		now := time.Now()
		if _, code := query(t, w.CompanyAdmin, map[string]any{"filter": map[string]any{"from": now, "to": now.Add(-time.Hour)}}); code != "BAD_USER_INPUT" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrInvalidCursor", func(t *testing.T) {
		if _, code := query(t, w.CompanyAdmin, map[string]any{"after": "!!"}); code != "BAD_USER_INPUT" {
			t.Fatalf("code %s", code)
		}
	})
}
