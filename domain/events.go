package domain

import (
	"sync"
	"time"
)

// Change event types (R28): the Type of a db.Event written with a change,
// and the values of the GraphQL enum ChangeEventType. Mutations use these
// constants so that dashboards can rely on the list.
const (
	EventUserCreated               = "USER_CREATED"
	EventUserUpdated               = "USER_UPDATED"
	EventUserSuspended             = "USER_SUSPENDED"
	EventUserReactivated           = "USER_REACTIVATED"
	EventUserLocked                = "USER_LOCKED"
	EventUserUnlocked              = "USER_UNLOCKED"
	EventUserDeleted               = "USER_DELETED"
	EventMembershipCreated         = "MEMBERSHIP_CREATED"
	EventMembershipDeleted         = "MEMBERSHIP_DELETED"
	EventRoleAssignmentCreated     = "ROLE_ASSIGNMENT_CREATED"
	EventRoleAssignmentSuspended   = "ROLE_ASSIGNMENT_SUSPENDED"
	EventRoleAssignmentReactivated = "ROLE_ASSIGNMENT_REACTIVATED"
	EventRoleAssignmentDeleted     = "ROLE_ASSIGNMENT_DELETED"
	// EventRoleAssignmentLevelChanged: a module level replaced by another
	// (payload previousRoleId and the new assignment).
	EventRoleAssignmentLevelChanged = "ROLE_ASSIGNMENT_LEVEL_CHANGED"
	EventGroupCreated               = "GROUP_CREATED"
	EventGroupUpdated               = "GROUP_UPDATED"
	EventGroupMemberAdded           = "GROUP_MEMBER_ADDED"
	EventGroupMemberRemoved         = "GROUP_MEMBER_REMOVED"
	EventTenantCreated              = "TENANT_CREATED"
	EventTenantUpdated              = "TENANT_UPDATED"
	EventServiceAccountCreated      = "SERVICE_ACCOUNT_CREATED"
	EventServiceAccountTokenCreated = "SERVICE_ACCOUNT_TOKEN_CREATED"
	EventServiceAccountTokenRevoked = "SERVICE_ACCOUNT_TOKEN_REVOKED"
	EventGroupDeleted               = "GROUP_DELETED"
	EventNominationCreated          = "NOMINATION_CREATED"
	EventNominationApproved         = "NOMINATION_APPROVED"
	EventNominationRejected         = "NOMINATION_REJECTED"
	EventNominationCancelled        = "NOMINATION_CANCELLED"
	EventNominationExpired          = "NOMINATION_EXPIRED"
)

// UserStatusEventType is the change event of an account's status moving
// from one value to another through its credentials: a lock after wrong
// passwords and its end have their own types, so that a dashboard can
// tell them from profile edits (R28); any other change is USER_UPDATED.
func UserStatusEventType(before, after UserStatus) string {
	switch {
	case before != UserLocked && after == UserLocked:
		return EventUserLocked
	case before == UserLocked && after != UserLocked && after != "":
		return EventUserUnlocked
	}
	return EventUserUpdated
}

// EventTypes lists every change event type; storage refuses others, so that
// the GraphQL enum (checked against this list by a test) never meets a value
// it does not declare.
var EventTypes = []string{
	EventUserCreated, EventUserUpdated, EventUserSuspended, EventUserReactivated, EventUserLocked,
	EventUserUnlocked, EventUserDeleted, EventMembershipCreated, EventMembershipDeleted,
	EventRoleAssignmentCreated, EventRoleAssignmentSuspended, EventRoleAssignmentReactivated,
	EventRoleAssignmentDeleted, EventGroupCreated, EventGroupUpdated, EventGroupDeleted,
	EventGroupMemberAdded, EventGroupMemberRemoved, EventTenantCreated, EventTenantUpdated,
	EventServiceAccountCreated, EventServiceAccountTokenCreated, EventServiceAccountTokenRevoked,
	EventNominationCreated, EventNominationApproved, EventNominationRejected, EventNominationCancelled,
	EventNominationExpired, EventRoleAssignmentLevelChanged,
}

// ChangeEvent is one committed change as subscribers see it. ID is the
// global order of events and the cursor a dashboard resumes from.
type ChangeEvent struct {
	ID           int64          `json:"id"`
	TenantID     *int64         `json:"tenantId,omitempty"`
	Type         string         `json:"type"`
	SubjectType  string         `json:"subjectType"`
	SubjectID    *int64         `json:"subjectId,omitempty"`
	Payload      map[string]any `json:"payload"`
	AuditEventID *int64         `json:"auditEventId,omitempty"`
	OccurredAt   time.Time      `json:"occurredAt"`

	// One event is shared by every subscriber of a replica: its redacted
	// payload is computed once.
	redactOnce sync.Once
	redacted   map[string]any

	// What the API makes of the event, once per replica for each of the
	// two views (with and without personal data): see Presented.
	presentOnce [2]sync.Once
	presented   [2]any
}

// Presented returns build's result for the personal (true) or redacted
// (false) view of the event, computing it once: an event fans out to every
// subscriber of a replica, and only the choice of view depends on the
// subscriber.
func (e *ChangeEvent) Presented(personal bool, build func() any) any {
	i := 0
	if personal {
		i = 1
	}
	e.presentOnce[i].Do(func() { e.presented[i] = build() })
	return e.presented[i]
}

// Concerns reports whether the event is about the given user: its subject,
// or the user of a membership or role assignment (payload "userId"). A
// subscriber's own access is re-checked at once on such events.
func (e *ChangeEvent) Concerns(userID int64) bool {
	if e.SubjectType == "User" && e.SubjectID != nil && *e.SubjectID == userID {
		return true
	}
	switch id := e.Payload["userId"].(type) {
	case float64:
		return int64(id) == userID
	case int64:
		return id == userID
	case int:
		return int64(id) == userID
	}
	return false
}

// nonPersonalKeys are the payload keys every subscriber of the tenant may
// read: identifiers, states and usernames. Anything else (names, email,
// phone, tax code, free text) is personal data or may contain it (R12).
var nonPersonalKeys = map[string]bool{
	"id": true, "uid": true, "userId": true, "tenantId": true, "membershipId": true,
	"roleAssignmentId": true, "roleId": true, "previousRoleId": true, "nominationId": true, "roleCode": true, "productId": true, "productCode": true,
	"groupId": true, "serviceAccountId": true, "tokenId": true, "parentId": true,
	"username": true, "kind": true, "status": true, "previousStatus": true, "category": true,
	"active": true, "version": true, "platformAdmin": true, "emailVerified": true, "nameVerified": true,
	"changedFields": true, "expiresAt": true, "before": true, "after": true,
}

// IsPersonalKey reports whether a payload or audit document key holds
// personal data (or may), i.e. is not one of the keys every subscriber may
// read: the rule RedactPersonal applies.
func IsPersonalKey(k string) bool { return !nonPersonalKeys[k] }

// PersonalPayload returns the payload for a viewer who may read the personal
// data of the event's subject: all of it.
func (e *ChangeEvent) PersonalPayload() map[string]any { return e.Payload }

// RedactedPayload returns the payload without personal data, for viewers
// whose personal-data scope does not cover the event's tenant (R12): only
// identifiers, states and usernames remain, at any depth.
func (e *ChangeEvent) RedactedPayload() map[string]any {
	e.redactOnce.Do(func() { e.redacted = RedactPersonal(e.Payload) })
	return e.redacted
}

// RedactPersonal keeps the non-personal keys of a payload, recursively.
func RedactPersonal(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !nonPersonalKeys[k] {
			continue
		}
		if sub, ok := v.(map[string]any); ok {
			out[k] = RedactPersonal(sub)
		} else {
			out[k] = v
		}
	}
	return out
}

// AuditFilter selects audit events (R26). Scope is mandatory: the zero Scope
// matches nothing. Nil fields do not filter.
type AuditFilter struct {
	Scope      Scope
	TenantID   *int64
	ActorID    *int64
	TargetType *string
	TargetID   *int64
	// AboutUserID keeps the changes about this user: of the user itself
	// and of its memberships, role assignments, group memberships,
	// lookups and nominations (AuditEvent.SubjectUserID).
	AboutUserID *int64
	Action      *string
	From        *time.Time
	To          *time.Time
	// Order is the sort order (not a filter); the zero value is newest
	// first.
	Order ListOrder
}
