package servertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// AdminWorld is NewWorld plus what the delegated-administration tests
// need: an operator and a site admin, platform staff, and the catalog's ids.
//
//	holding ── company ── site          other
//	holdingAdmin (segmenti ADMIN)      otherAdmin (segmenti ADMIN)
//	companyAdmin (segmenti ADMIN), operator (segmenti USER), technician (amisgest external technician)
//	siteAdmin (segmenti ADMIN in site)
type AdminWorld struct {
	*World
	Operator, SiteAdmin, Staff int64
	tokens                     map[int64]string
}

// NewAdminWorld runs a server and builds the admin world in its database.
func NewAdminWorld(t *testing.T) *AdminWorld {
	t.Helper()
	w := &AdminWorld{World: NewWorld(t), tokens: map[int64]string{}}
	w.Operator = w.F.User("operatore.uno", w.Company)
	w.F.Assign(w.Operator, w.Company, "segmenti", "user")
	w.SiteAdmin = w.F.User("site.admin", w.Site)
	w.F.Assign(w.SiteAdmin, w.Site, "segmenti", "admin")
	w.Staff = w.F.PlatformAdmin("platform.staff")
	// Valid Italian tax codes for the people the tests look up.
	for i, id := range []int64{w.HoldingAdmin, w.CompanyAdmin, w.OtherAdmin, w.Technician, w.Operator, w.SiteAdmin} {
		w.F.Exec("UPDATE users SET tax_code = ?, tax_country = 'IT' WHERE id = ?", ValidCF(900+i), id)
	}
	return w
}

// AdminWorldOf wraps a world as it is, without adding people to it.
func AdminWorldOf(w *World) *AdminWorld {
	return &AdminWorld{World: w, tokens: map[int64]string{}}
}

// Token signs userID in once (a bearer session) and returns the token.
func (w *AdminWorld) Token(t *testing.T, userID int64) string {
	t.Helper()
	if tok, ok := w.tokens[userID]; ok {
		return tok
	}
	tok := w.M.MustLogin(t, userID)
	w.tokens[userID] = tok
	return tok
}

// Scalar runs a query returning one value.
func (w *AdminWorld) Scalar(t *testing.T, dest any, query string, args ...any) {
	t.Helper()
	if err := w.M.DB.NewRaw(query, args...).Scan(context.Background(), dest); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Count runs a query returning one count.
func (w *AdminWorld) Count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	w.Scalar(t, &n, query, args...)
	return n
}

// ProductID is the id of a product by code.
func (w *AdminWorld) ProductID(t *testing.T, code string) int64 {
	var id int64
	w.Scalar(t, &id, "SELECT id FROM products WHERE code = ?", code)
	return id
}

// Product returns the global ID of a product by code.
func (w *AdminWorld) Product(t *testing.T, code string) string {
	return GlobalID("Product", w.ProductID(t, code))
}

// RoleID is the id of a role by product and role code.
func (w *AdminWorld) RoleID(t *testing.T, productCode, roleCode string) int64 {
	var id int64
	w.Scalar(t, &id, "SELECT r.id FROM roles r JOIN products p ON p.id = r.product_id WHERE p.code = ? AND r.code = ?", productCode, roleCode)
	return id
}

// Role returns the global ID of a role by product and role code.
func (w *AdminWorld) Role(t *testing.T, productCode, roleCode string) string {
	return GlobalID("Role", w.RoleID(t, productCode, roleCode))
}

// AssignmentID is the id of a role assignment.
func (w *AdminWorld) AssignmentID(t *testing.T, userID, tenantID int64, productCode, roleCode string) int64 {
	var id int64
	w.Scalar(t, &id, `SELECT ra.id FROM role_assignments ra JOIN roles r ON r.id = ra.role_id JOIN products p ON p.id = r.product_id
		WHERE ra.user_id = ? AND ra.tenant_id = ? AND p.code = ? AND r.code = ?`, userID, tenantID, productCode, roleCode)
	return id
}

// MembershipID is the id of a user's membership of a tenant.
func (w *AdminWorld) MembershipID(t *testing.T, userID, tenantID int64) int64 {
	var id int64
	w.Scalar(t, &id, "SELECT id FROM memberships WHERE user_id = ? AND tenant_id = ?", userID, tenantID)
	return id
}

// Version is the optimistic-locking version of a row.
func (w *AdminWorld) Version(t *testing.T, table string, id int64) int {
	return w.Count(t, "SELECT version FROM "+table+" WHERE id = ?", id)
}

// Audits counts the audit events of an action on a target.
func (w *AdminWorld) Audits(t *testing.T, action string, targetID int64) int {
	return w.Count(t, "SELECT count(*) FROM audit_events WHERE action = ? AND target_id = ?", action, targetID)
}

// Events counts the subscription events of a type about a subject in a tenant.
func (w *AdminWorld) Events(t *testing.T, typ string, tenantID, subjectID int64) int {
	return w.Count(t, "SELECT count(*) FROM events WHERE type = ? AND tenant_id = ? AND subject_id = ?", typ, tenantID, subjectID)
}

// WantAudit checks that the change wrote its audit event (with who and
// from where) and its subscription event in the tenant.
func (w *AdminWorld) WantAudit(t *testing.T, action string, targetID, actorID int64, eventType string, tenantID int64) {
	t.Helper()
	var row struct {
		ActorID   int64  `bun:"actor_id"`
		IP        string `bun:"ip"`
		UserAgent string `bun:"user_agent"`
		RequestID string `bun:"request_id"`
	}
	w.Scalar(t, &row, `SELECT actor_id, ip, user_agent, request_id FROM audit_events WHERE action = ? AND target_id = ?
		ORDER BY id DESC LIMIT 1`, action, targetID)
	if row.ActorID != actorID || row.IP == "" || row.UserAgent == "" || row.RequestID == "" {
		t.Errorf("audit %s of %d: %+v", action, targetID, row)
	}
	if eventType != "" && w.Events(t, eventType, tenantID, targetID) == 0 {
		t.Errorf("no %s event in tenant %d for %d", eventType, tenantID, targetID)
	}
}

// snapshotTables are the rows a refused change must leave alone.
var snapshotTables = map[string]string{
	"tenants": "id", "users": "id", "memberships": "id", "membership_products": "membership_id, product_id",
	"role_assignments": "id", "groups": "id", "group_members": "group_id, user_id", "invitations": "id",
	"email_outbox": "id", "email_changes": "id", "audit_events": "id", "events": "id", "credentials": "user_id",
}

// deliveryColumns change after commit by background workers (the event
// relay, the mailer), not by the mutation under test.
var deliveryColumns = map[string]string{
	"events":       " - 'published_at'",
	"email_outbox": " - 'attempts' - 'next_attempt_at' - 'sent_at' - 'last_error'",
}

// Snapshot dumps every table a mutation may touch.
func (w *AdminWorld) Snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"tenants", "users", "memberships", "membership_products", "role_assignments", "groups",
		"group_members", "invitations", "email_outbox", "email_changes", "audit_events", "events", "credentials"} {
		var dump string
		w.Scalar(t, &dump, fmt.Sprintf("SELECT coalesce(json_agg(to_jsonb(x)%s ORDER BY %s), '[]')::text FROM %s x", deliveryColumns[table], snapshotTables[table], table))
		fmt.Fprintf(&b, "%s: %s\n", table, dump)
	}
	return b.String()
}

// Unchanged fails when the database differs from a snapshot.
func (w *AdminWorld) Unchanged(t *testing.T, before string) {
	t.Helper()
	if after := w.Snapshot(t); after != before {
		t.Errorf("a refused change changed the database:\nbefore %s\nafter  %s", DiffLine(before, after), DiffLine(after, before))
	}
}

// DiffLine is the first line of a that differs from b, cut at 600 bytes.
func DiffLine(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			if len(al[i]) > 600 {
				return al[i][:600] + "…"
			}
			return al[i]
		}
	}
	return ""
}

// Payload is the result of one mutation.
type Payload struct {
	Res   *Response
	Field string
	Data  map[string]any
}

// Mutate runs `field(input: $input) { selection userErrors {...} }`.
func (w *AdminWorld) Mutate(t *testing.T, token, field, inputType, selection string, input map[string]any) *Payload {
	t.Helper()
	q := fmt.Sprintf("mutation($input: %s!) { %s(input: $input) { %s userErrors { field code message } } }", inputType, field, selection)
	res := w.M.GQL(t, token, q, map[string]any{"input": input})
	p := &Payload{Res: res, Field: field}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		var d map[string]map[string]any
		if err := json.Unmarshal(res.Data, &d); err == nil {
			p.Data = d[field]
		}
	}
	return p
}

// Code is the GraphQL error code ("" when none).
func (p *Payload) Code() string { return p.Res.Code() }

// UserError is the first userErrors code ("" when none); it fails on a
// GraphQL error.
func (p *Payload) UserError(t *testing.T) string {
	t.Helper()
	if len(p.Res.Errors) > 0 {
		t.Fatalf("%s: unexpected errors %+v", p.Field, p.Res.Errors)
	}
	errs, _ := p.Data["userErrors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	return errs[0].(map[string]any)["code"].(string)
}

// OK asserts success and returns the payload.
func (p *Payload) OK(t *testing.T) map[string]any {
	t.Helper()
	if c := p.UserError(t); c != "" {
		t.Fatalf("%s: userError %s: %v", p.Field, c, p.Data["userErrors"])
	}
	return p.Data
}

// Dig walks a decoded JSON value by keys.
func Dig(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// Query decodes a query's data into a generic map, failing on errors.
func (w *AdminWorld) Query(t *testing.T, token, q string, vars map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	w.M.GQL(t, token, q, vars).Decode(t, &out)
	return out
}

// ValidCF returns a valid Italian codice fiscale, distinct for each n < 1000.
func ValidCF(n int) string {
	first15 := fmt.Sprintf("RSSMRA85T10A%03d", n%1000)
	odd := [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}
	sum := 0
	for i := 0; i < 15; i++ {
		c := first15[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		if i%2 == 0 {
			sum += odd[v]
		} else if c >= 'A' {
			sum += int(c - 'A')
		} else {
			sum += v
		}
	}
	return first15 + string(rune('A'+sum%26))
}
