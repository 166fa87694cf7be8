package domain_test

import (
	"testing"
	"time"

	"tenantadmin/domain"
)

func TestRedactPersonal(t *testing.T) {
	payload := map[string]any{"userId": 7.0, "username": "mario.rossi", "status": "ACTIVE", "email": "m@example.test",
		"givenName": "Mario", "taxCode": "RSSMRA80A01H501U", "note": "free text",
		"after": map[string]any{"familyName": "Rossi", "status": "SUSPENDED"}}
	got := domain.RedactPersonal(payload)
	for _, k := range []string{"email", "givenName", "taxCode", "note"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	if got["username"] != "mario.rossi" || got["status"] != "ACTIVE" || got["userId"] != 7.0 {
		t.Errorf("identifiers lost: %v", got)
	}
	after := got["after"].(map[string]any)
	if _, ok := after["familyName"]; ok || after["status"] != "SUSPENDED" {
		t.Errorf("nested: %v", after)
	}
	if payload["email"] == nil {
		t.Error("the original payload was changed")
	}
	ev := &domain.ChangeEvent{Payload: payload}
	if r := ev.RedactedPayload(); r["email"] != nil || ev.PersonalPayload()["email"] == nil {
		t.Errorf("event payloads: %v", r)
	}
}

func TestChangeEventConcerns(t *testing.T) {
	id := int64(42)
	cases := []struct {
		ev   *domain.ChangeEvent
		want bool
	}{
		{&domain.ChangeEvent{SubjectType: "User", SubjectID: &id}, true},
		{&domain.ChangeEvent{SubjectType: "Group", SubjectID: &id}, false},
		{&domain.ChangeEvent{SubjectType: "RoleAssignment", Payload: map[string]any{"userId": 42.0}}, true},
		{&domain.ChangeEvent{SubjectType: "RoleAssignment", Payload: map[string]any{"userId": int64(42)}}, true},
		{&domain.ChangeEvent{SubjectType: "RoleAssignment", Payload: map[string]any{"userId": 43.0}}, false},
	}
	for i, c := range cases {
		if got := c.ev.Concerns(42); got != c.want {
			t.Errorf("case %d: %v", i, got)
		}
	}
}

func TestNewTokenRequest(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	cases := []struct {
		name, reason string
		req          domain.NewTokenRequest
	}{
		{"OK", "", domain.NewTokenRequest{Name: " ci "}},
		{"ErrInvalidName", "INVALID_TOKEN_NAME", domain.NewTokenRequest{Name: ""}},
		{"ErrExpiryInPast", "EXPIRY_IN_PAST", domain.NewTokenRequest{Name: "x", ExpiresAt: at(-time.Second)}},
		{"ErrExpiryTooFar", "EXPIRY_TOO_FAR", domain.NewTokenRequest{Name: "x", ExpiresAt: at(367 * 24 * time.Hour)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.req.Validate(now); err != nil {
				if got := domain.AsError(err).Reason; got != c.reason {
					t.Fatalf("reason %q, want %q", got, c.reason)
				}
				return
			}
			if c.reason != "" {
				t.Fatalf("accepted, want %s", c.reason)
			}
			if c.req.Name != "ci" || !c.req.ExpiresAt.Equal(now.Add(domain.DefaultTokenLifetime)) {
				t.Fatalf("normalised to %+v", c.req)
			}
		})
	}
}

func TestTokenStatus(t *testing.T) {
	now := time.Now()
	past, future := now.Add(-time.Minute), now.Add(time.Minute)
	if s := (&domain.ServiceAccountToken{ExpiresAt: future}).Status(now); s != domain.TokenActive {
		t.Error(s)
	}
	if s := (&domain.ServiceAccountToken{ExpiresAt: past}).Status(now); s != domain.TokenExpired {
		t.Error(s)
	}
	if s := (&domain.ServiceAccountToken{ExpiresAt: future, RevokedAt: &past}).Status(now); s != domain.TokenRevoked {
		t.Error(s)
	}
	if !domain.IsServiceToken("sat_abc") || domain.IsServiceToken("abc") {
		t.Error("IsServiceToken")
	}
}

// TestUserStatusEventType: a lock and its end have their own change event
// types (R28); other status changes through credentials are USER_UPDATED.
func TestUserStatusEventType(t *testing.T) {
	for _, c := range []struct {
		before, after domain.UserStatus
		want          string
	}{
		{domain.UserActive, domain.UserLocked, domain.EventUserLocked},
		{domain.UserLocked, domain.UserActive, domain.EventUserUnlocked},
		{domain.UserInvited, domain.UserActive, domain.EventUserUpdated},
		{domain.UserLocked, "", domain.EventUserUpdated},
		{"", "", domain.EventUserUpdated},
	} {
		if got := domain.UserStatusEventType(c.before, c.after); got != c.want {
			t.Errorf("%q -> %q: %s, want %s", c.before, c.after, got, c.want)
		}
	}
}
