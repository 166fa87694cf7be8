package db

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// Email is one message for the email outbox; the mailer renders Template in
// Language with Data and delivers it after the transaction commits.
type Email struct {
	To       string
	Template string
	Language string
	Data     map[string]any
	TenantID *int64
	UserID   *int64
}

// EnqueueEmail adds a message to the outbox inside the caller's transaction.
func EnqueueEmail(ctx context.Context, idb bun.IDB, e Email) error {
	if e.Language == "" {
		e.Language = "it"
	}
	if e.Data == nil {
		e.Data = map[string]any{}
	}
	_, err := idb.NewRaw(`INSERT INTO email_outbox (to_address, template, language, data, tenant_id, user_id)
		VALUES (?, ?, ?, ?, ?, ?)`, e.To, e.Template, e.Language, e.Data, e.TenantID, e.UserID).Exec(ctx)
	return mapError(err)
}

// InvitationTTL is how long an invitation link works (R14).
const InvitationTTL = 72 * time.Hour

// CreateInvitation stores the hash of a new invitation token for the user
// and returns the token, to be put in the emailed link only. Earlier unused
// invitations of the user stop working.
func CreateInvitation(ctx context.Context, idb bun.IDB, userID int64, tenantID *int64, createdBy *int64, tokenHash []byte) error {
	if _, err := idb.NewRaw(`UPDATE invitations SET revoked_at = now()
		WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL`, userID).Exec(ctx); err != nil {
		return mapError(err)
	}
	_, err := idb.NewRaw(`INSERT INTO invitations (user_id, tenant_id, token_hash, created_by, expires_at)
		VALUES (?, ?, ?, ?, ?)`, userID, tenantID, tokenHash, createdBy, time.Now().Add(InvitationTTL)).Exec(ctx)
	return mapError(err)
}

// Event is a change for subscribers (R28), written with the change.
type Event struct {
	TenantID    *int64
	Type        string // e.g. USER_UPDATED, MEMBERSHIP_CREATED, ROLE_ASSIGNMENT_SUSPENDED
	SubjectType string // User, Membership, RoleAssignment, Group, Tenant
	SubjectID   *int64
	Payload     map[string]any
}

// RecordChange writes the audit event and the subscription event of one
// change inside the caller's transaction: both commit with the change or
// not at all. ev may be nil for changes no dashboard subscribes to.
func RecordChange(ctx context.Context, idb bun.IDB, ac domain.AuditContext, audit domain.AuditEvent, ev *Event) error {
	auditID, err := insertAuditID(ctx, idb, ac, audit)
	if err != nil {
		return mapError(err)
	}
	if ev == nil {
		return nil
	}
	if !slices.Contains(domain.EventTypes, ev.Type) {
		return fmt.Errorf("db: unknown change event type %q: add it to domain.EventTypes and the ChangeEventType enum", ev.Type)
	}
	if ev.Payload == nil {
		ev.Payload = map[string]any{}
	}
	withUserNames(ctx, idb, ev.Payload)
	_, err = idb.NewRaw(`INSERT INTO events (tenant_id, type, subject_type, subject_id, payload, audit_event_id)
		VALUES (?, ?, ?, ?, ?, ?)`, ev.TenantID, ev.Type, ev.SubjectType, ev.SubjectID, ev.Payload, auditID).Exec(ctx)
	return mapError(err)
}

// withUserNames adds, to an event payload about a user ("userId"), the
// user's username and given and family name at the time of the change, so
// that subscribers read who it is without a query per event (the API shows
// the names only to viewers who may read them, R12). A user already gone
// (deleted in the same change) leaves the payload as it is. It returns the
// payload.
func withUserNames(ctx context.Context, idb bun.IDB, payload map[string]any) map[string]any {
	var id int64
	switch v := payload["userId"].(type) {
	case int64:
		id = v
	case float64:
		id = int64(v)
	case int:
		id = int64(v)
	default:
		return payload
	}
	var username, given, family string
	// Names only decorate the event: a failed read must not fail the change,
	// and the transaction reports any real failure on its next statement.
	if err := idb.NewRaw("SELECT username, given_name, family_name FROM users WHERE id = ?", id).
		Scan(ctx, &username, &given, &family); err != nil {
		return payload
	}
	if _, ok := payload["username"]; !ok {
		payload["username"] = username
	}
	payload["givenName"], payload["familyName"] = given, family
	return payload
}
