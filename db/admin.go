package db

import (
	"context"
	"reflect"
	"strconv"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"tenantadmin/domain"
)

// Helpers of the delegated-administration changes (R1–R13). Every change
// is one transaction that locks the rows it decides on, asks the
// authorization callback it was given (a domain.Authorizer decision made by
// the caller) with the facts it read under the lock, applies the domain
// rules, changes the rows, and records the audit event and subscription
// events with RecordChange.

// lockUser reads a user row FOR UPDATE. Changes to a user's memberships
// always lock the user first, so that concurrent removals agree on whether
// the last membership went.
func lockUser(ctx context.Context, tx bun.IDB, id int64) (*userModel, error) {
	var u userModel
	if err := tx.NewSelect().Model(&u).Where("id = ?", id).For("UPDATE").Scan(ctx); err != nil {
		return nil, notFoundOr(err, "User not found.")
	}
	return &u, nil
}

// memberTenantIDs returns the tenants where the user has a membership.
func memberTenantIDs(ctx context.Context, tx bun.IDB, userID int64) ([]int64, error) {
	ids := []int64{}
	err := tx.NewRaw("SELECT tenant_id FROM memberships WHERE user_id = ? ORDER BY tenant_id", userID).Scan(ctx, &ids)
	return ids, mapError(err)
}

// targetOf gathers the facts authorization needs about a locked user: its
// memberships and every role it holds, in every tenant. The queries are
// scoped by the user only, never by the viewer's tenants: an account-wide
// decision must see the roles the viewer cannot (R6).
func targetOf(ctx context.Context, tx bun.IDB, u *userModel) (domain.TargetUser, error) {
	t := domain.TargetUser{ID: u.ID, HomeTenantID: derefInt(u.HomeTenantID), PlatformAdmin: u.PlatformAdmin, NameVerified: u.NameVerified}
	var err error
	if t.TenantIDs, err = memberTenantIDs(ctx, tx, u.ID); err != nil {
		return t, err
	}
	t.Roles, err = targetRoles(ctx, tx, u.ID)
	return t, err
}

// targetRoles returns every role assignment of the user, whatever its
// tenant, category or status.
func targetRoles(ctx context.Context, tx bun.IDB, userID int64) ([]domain.TargetRole, error) {
	var rows []struct {
		TenantID  int64  `bun:"tenant_id"`
		ProductID int64  `bun:"product_id"`
		Category  string `bun:"category"`
	}
	err := tx.NewRaw(`SELECT DISTINCT tenant_id, product_id, category FROM role_assignments
		WHERE user_id = ? ORDER BY tenant_id, product_id, category`, userID).Scan(ctx, &rows)
	out := make([]domain.TargetRole, len(rows))
	for i, r := range rows {
		out[i] = domain.TargetRole{TenantID: r.TenantID, ProductID: r.ProductID, Category: domain.RoleCategory(r.Category)}
	}
	return out, mapError(err)
}

// userDoc is a user's audit document. It carries userId so that erasing
// the user later finds it.
func userDoc(u *userModel) map[string]any {
	return map[string]any{
		"userId": u.ID, "username": u.Username, "taxCode": deref(u.TaxCode), "taxCountry": deref(u.TaxCountry),
		"givenName": u.GivenName, "familyName": u.FamilyName, "email": deref(u.Email), "phone": deref(u.Phone),
		"gender": deref(u.Gender), "birthDate": dateText(u.BirthDate),
		"language": u.Language, "timeZone": u.TimeZone, "status": u.Status, "homeTenantId": derefInt(u.HomeTenantID),
		"nameVerified": u.NameVerified, "version": u.Version,
	}
}

// changedDocs keeps, of two audit documents, the keys whose values differ
// (and idKey, the subject's), so that the trail shows what changed. Values
// are compared deeply: documents hold pointers for optional fields.
func changedDocs(idKey string, before, after map[string]any) (map[string]any, map[string]any) {
	b, a := map[string]any{idKey: before[idKey]}, map[string]any{idKey: after[idKey]}
	for k, v := range after {
		if !reflect.DeepEqual(before[k], v) {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

// change is one audited change and the subscription events it fans out:
// one event per tenant that sees the subject (R28 orders events per tenant).
type change struct {
	tenantID    *int64
	action      string
	targetType  string
	targetID    int64
	before      map[string]any
	after       map[string]any
	eventType   string
	eventTenant []int64
	payload     map[string]any
}

func record(ctx context.Context, tx bun.IDB, ac domain.AuditContext, c change) error {
	audit := domain.AuditEvent{TenantID: c.tenantID, Action: c.action, TargetType: c.targetType,
		TargetID: &c.targetID, Before: c.before, After: c.after}
	var first *Event
	if c.eventType != "" && len(c.eventTenant) > 0 {
		first = &Event{TenantID: &c.eventTenant[0], Type: c.eventType, SubjectType: c.targetType, SubjectID: &c.targetID, Payload: c.payload}
	}
	if err := RecordChange(ctx, tx, ac, audit, first); err != nil {
		return err
	}
	if first == nil {
		return nil
	}
	payload := c.payload
	if payload == nil {
		payload = map[string]any{}
	}
	for _, t := range c.eventTenant[1:] {
		if _, err := tx.NewRaw(`INSERT INTO events (tenant_id, type, subject_type, subject_id, payload)
			VALUES (?, ?, ?, ?, ?)`, t, c.eventType, c.targetType, c.targetID, payload).Exec(ctx); err != nil {
			return mapError(err)
		}
	}
	return nil
}

// deleteUser erases a user left without any membership (R10): the row and
// everything hanging from it go; the audit trail stays, with the user's
// identifying data replaced by a pseudonym wherever it names them.
func deleteUser(ctx context.Context, tx bun.IDB, ac domain.AuditContext, u *userModel, tenantID int64) error {
	pseudonym := domain.Pseudonym(u.UID)
	keys := pgdialect.Array(domain.PersonalDataKeys)
	id := u.ID
	idText := strconv.FormatInt(id, 10)
	if _, err := tx.NewRaw(`UPDATE audit_events SET
			before = pseudonymize_personal_data(before, ?, ?),
			after = pseudonymize_personal_data(after, ?, ?)
		WHERE (target_type = 'User' AND target_id = ?)
		   OR before ->> 'userId' = ? OR after ->> 'userId' = ?`,
		pseudonym, keys, pseudonym, keys, id, idText, idText).Exec(ctx); err != nil {
		return mapError(err)
	}
	// Change events still retained name the user too (payload and its
	// before/after).
	if _, err := tx.NewRaw(`UPDATE events SET payload = pseudonymize_personal_data(payload, ?, ?)
			|| jsonb_strip_nulls(jsonb_build_object(
				'before', pseudonymize_personal_data(payload -> 'before', ?, ?),
				'after', pseudonymize_personal_data(payload -> 'after', ?, ?)))
		WHERE (subject_type = 'User' AND subject_id = ?) OR payload ->> 'userId' = ?`,
		pseudonym, keys, pseudonym, keys, pseudonym, keys, id, idText).Exec(ctx); err != nil {
		return mapError(err)
	}
	if _, err := tx.NewRaw("UPDATE audit_events SET actor_label = ? WHERE actor_id = ?", pseudonym, id).Exec(ctx); err != nil {
		return mapError(err)
	}
	// Mail not yet sent to the person is dropped; the outbox's record of
	// sent mail keeps no address.
	if _, err := tx.NewRaw("DELETE FROM email_outbox WHERE user_id = ? AND sent_at IS NULL", id).Exec(ctx); err != nil {
		return mapError(err)
	}
	if _, err := tx.NewRaw("UPDATE email_outbox SET to_address = ?, data = '{}' WHERE user_id = ?", pseudonym, id).Exec(ctx); err != nil {
		return mapError(err)
	}
	if _, err := tx.NewRaw("DELETE FROM users WHERE id = ?", id).Exec(ctx); err != nil {
		return mapError(err)
	}
	return record(ctx, tx, ac, change{
		tenantID: &tenantID, action: "user.delete", targetType: "User", targetID: id,
		before:    map[string]any{"userId": id, "username": pseudonym},
		eventType: "USER_DELETED", eventTenant: []int64{tenantID}, payload: map[string]any{"userId": id},
	})
}

// expiresIn is now plus d, for token rows.
func expiresIn(d time.Duration) time.Time { return time.Now().Add(d) }
