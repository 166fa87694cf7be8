package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

type userError struct {
	Field         []string
	Code, Message string
}

type serviceAccountOut struct {
	ID, UID, Username, Description, Status string
	Tenant                                 *struct{ ID string }
	User                                   *struct{ ID, Kind string }
}

// createSA creates a service account through the API and returns it and
// the userErrors.
func (w *world) createSA(t *testing.T, token string, input map[string]any) (serviceAccountOut, []userError) {
	t.Helper()
	var out struct {
		CreateServiceAccount struct {
			ServiceAccount *serviceAccountOut
			UserErrors     []userError
		}
	}
	w.m.gql(t, token, createServiceAccountMutation, map[string]any{"input": input}).decode(t, &out)
	p := out.CreateServiceAccount
	if p.ServiceAccount == nil {
		return serviceAccountOut{}, p.UserErrors
	}
	return *p.ServiceAccount, p.UserErrors
}

type tokenOut struct {
	ID, Name, Hint, Status string
	ExpiresAt              time.Time
	LastUsedAt, RevokedAt  *time.Time
	RotatedFrom            *struct{ ID string }
}

const tokenFields = `id name hint status expiresAt lastUsedAt revokedAt rotatedFrom { id }`

func (w *world) createToken(t *testing.T, token string, input map[string]any) (tokenOut, string, []userError) {
	t.Helper()
	var out struct {
		CreateServiceAccountToken struct {
			Token      *tokenOut
			Secret     *string
			UserErrors []userError
		}
	}
	w.m.gql(t, token, `mutation($input: CreateServiceAccountTokenInput!) {
		createServiceAccountToken(input: $input) { token { `+tokenFields+` } secret userErrors { field code message } } }`,
		map[string]any{"input": input}).decode(t, &out)
	p := out.CreateServiceAccountToken
	if p.Token == nil {
		return tokenOut{}, "", p.UserErrors
	}
	return *p.Token, *p.Secret, p.UserErrors
}

func codes(errs []userError) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Code)
	}
	return strings.Join(s, ",")
}

// whoAmI returns the username and kind the bearer token authenticates as,
// or "" when it is anonymous.
func (m *Main) whoAmI(t *testing.T, token string) string {
	t.Helper()
	var out struct {
		Viewer *struct {
			User struct{ Username, Kind string }
		}
	}
	m.gql(t, token, `{ viewer { user { username kind } } }`, nil).decode(t, &out)
	if out.Viewer == nil {
		return ""
	}
	return out.Viewer.User.Username + "/" + out.Viewer.User.Kind
}

func TestCreateServiceAccount(t *testing.T) {
	w := newWorld(t)
	admin := w.m.MustLogin(t, w.companyAdmin)
	company := globalIDFor("Tenant", w.company)
	t.Run("OK", func(t *testing.T) {
		sa, errs := w.createSA(t, admin, map[string]any{"tenantId": company, "username": "Billing-Sync", "description": " nightly export "})
		if len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
		if sa.Username != "billing-sync" || sa.Description != "nightly export" || sa.Status != "ACTIVE" || len(sa.UID) != 36 ||
			sa.Tenant == nil || sa.Tenant.ID != company || sa.User == nil || sa.User.Kind != "SERVICE" {
			t.Fatalf("service account = %+v", sa)
		}
		var action, actor, evType, subjectType string
		if err := w.m.DB.QueryRowContext(context.Background(), `SELECT a.action, a.actor_label, e.type, e.subject_type
			FROM events e JOIN audit_events a ON a.id = e.audit_event_id ORDER BY e.id DESC LIMIT 1`).
			Scan(&action, &actor, &evType, &subjectType); err != nil {
			t.Fatal(err)
		}
		if action != "serviceAccount.create" || actor != "company.admin" || evType != "SERVICE_ACCOUNT_CREATED" || subjectType != "ServiceAccount" {
			t.Fatalf("audit %s by %s, event %s %s", action, actor, evType, subjectType)
		}
	})
	t.Run("PlatformAdmin", func(t *testing.T) {
		staff := w.f.PlatformAdmin("platform.staff")
		if _, errs := w.createSA(t, w.m.MustLogin(t, staff), map[string]any{"tenantId": company, "username": "staff-made"}); len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrUsernameTaken", func(t *testing.T) {
		_, errs := w.createSA(t, admin, map[string]any{"tenantId": company, "username": "company.admin"})
		if codes(errs) != "USERNAME_TAKEN" || strings.Join(errs[0].Field, ".") != "input.username" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidUsername", func(t *testing.T) {
		if _, errs := w.createSA(t, admin, map[string]any{"tenantId": company, "username": "a b"}); len(errs) != 1 || errs[0].Field[1] != "username" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrDescriptionTooLong", func(t *testing.T) {
		_, errs := w.createSA(t, admin, map[string]any{"tenantId": company, "username": "long-desc", "description": strings.Repeat("x", 501)})
		if codes(errs) != "DESCRIPTION_TOO_LONG" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidTenantID", func(t *testing.T) {
		if _, errs := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("User", 1), "username": "bad-tenant"}); codes(errs) != "INVALID_ID" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res := w.m.gql(t, w.m.MustLogin(t, w.other_admin), createServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "intruder"}})
		if res.code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrForbiddenParentAdmin", func(t *testing.T) {
		// A parent's admins see the child's service accounts read-only (R6).
		res := w.m.gql(t, w.m.MustLogin(t, w.holdingAdmin), createServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "from-holding"}})
		if res.code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		res := w.m.gql(t, w.m.MustLogin(t, w.technician), createServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "from-operator"}})
		if res.code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		res := w.m.gql(t, "", createServiceAccountMutation, map[string]any{"input": map[string]any{"tenantId": company, "username": "anon"}})
		if res.code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q %s", res.code(), res.Data)
		}
	})
}

func TestServiceAccountTokens(t *testing.T) {
	w := newWorld(t)
	admin := w.m.MustLogin(t, w.companyAdmin)
	sa, _ := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "crm-sync"})
	var saID int64
	if err := w.m.DB.QueryRowContext(context.Background(), "SELECT id FROM users WHERE username = 'crm-sync'").Scan(&saID); err != nil {
		t.Fatal(err)
	}
	// Roles like a person's (assignRole of issue 4 does the same).
	w.f.Assign(saID, w.company, "segmenti", "admin")

	var secret string
	var tok tokenOut
	t.Run("OK", func(t *testing.T) {
		var errs []userError
		tok, secret, errs = w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "production"})
		if len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
		if !strings.HasPrefix(secret, "sat_") || len(secret) < 40 || !strings.HasPrefix(secret, tok.Hint) || len(tok.Hint) != 10 ||
			tok.Status != "ACTIVE" || tok.LastUsedAt != nil {
			t.Fatalf("token %+v secret %q", tok, secret)
		}
		if d := time.Until(tok.ExpiresAt); d < 89*24*time.Hour || d > 91*24*time.Hour {
			t.Fatalf("default expiry in %v", d)
		}
		var stored int
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM service_account_tokens WHERE position(convert_to(?, 'UTF8') in token_hash) > 0 OR hint = ?",
			secret, secret).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Fatal("the secret is stored in clear")
		}
		var evType string
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT type FROM events ORDER BY id DESC LIMIT 1").Scan(&evType); err != nil {
			t.Fatal(err)
		}
		if evType != "SERVICE_ACCOUNT_TOKEN_CREATED" {
			t.Fatalf("event %s", evType)
		}
	})
	t.Run("BearerAuthenticatesServiceAccount", func(t *testing.T) {
		if who := w.m.whoAmI(t, secret); who != "crm-sync/SERVICE" {
			t.Fatalf("authenticated as %q", who)
		}
		// Its roles work like a person's: it lists its tenant's users.
		var page usersPage
		w.m.gql(t, secret, usersPageQuery, map[string]any{"first": 50}).decode(t, &page)
		if page.Users.TotalCount < 3 {
			t.Fatalf("service account sees %d users", page.Users.TotalCount)
		}
		var lastUsed *time.Time
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT last_used_at FROM service_account_tokens WHERE hint = ?", tok.Hint).Scan(&lastUsed); err != nil {
			t.Fatal(err)
		}
		if lastUsed == nil {
			t.Fatal("last-used time not recorded")
		}
		// At most one write a minute: a second request keeps the time.
		w.m.whoAmI(t, secret)
		var again *time.Time
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT last_used_at FROM service_account_tokens WHERE hint = ?", tok.Hint).Scan(&again); err != nil {
			t.Fatal(err)
		}
		if !again.Equal(*lastUsed) {
			t.Fatalf("last-used rewritten within a minute: %v then %v", lastUsed, again)
		}
	})
	t.Run("ListWithTokenMetadata", func(t *testing.T) {
		var out struct {
			Node struct {
				ServiceAccounts struct {
					TotalCount int
					Nodes      []struct {
						Username string
						Tokens   []tokenOut
					}
				}
			}
		}
		q := `query($id: ID!) { node(id: $id) { ... on Tenant { serviceAccounts(first: 10) { totalCount nodes { username tokens { ` + tokenFields + ` } } } } } }`
		// The parent's admin sees them read-only.
		w.m.gql(t, w.m.MustLogin(t, w.holdingAdmin), q, map[string]any{"id": globalIDFor("Tenant", w.company)}).decode(t, &out)
		sas := out.Node.ServiceAccounts
		if sas.TotalCount != 1 || sas.Nodes[0].Username != "crm-sync" || len(sas.Nodes[0].Tokens) != 1 ||
			sas.Nodes[0].Tokens[0].Hint != tok.Hint || sas.Nodes[0].Tokens[0].LastUsedAt == nil {
			t.Fatalf("list = %+v", sas)
		}
		res := w.m.gql(t, w.m.MustLogin(t, w.other_admin), q, map[string]any{"id": globalIDFor("Tenant", w.company)})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("another tenant's admin sees %s", res.Data)
		}
	})
	t.Run("ErrExpiryInPast", func(t *testing.T) {
		_, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x", "expiresAt": time.Now().Add(-time.Hour)})
		if codes(errs) != "EXPIRY_IN_PAST" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrExpiryTooFar", func(t *testing.T) {
		_, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x", "expiresAt": time.Now().Add(400 * 24 * time.Hour)})
		if codes(errs) != "EXPIRY_TOO_FAR" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if _, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "  "}); codes(errs) != "INVALID_TOKEN_NAME" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrServiceAccountNotFound", func(t *testing.T) {
		_, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": globalIDFor("ServiceAccount", w.companyAdmin), "name": "x"})
		if codes(errs) != "SERVICE_ACCOUNT_NOT_FOUND" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res := w.m.gql(t, w.m.MustLogin(t, w.other_admin), `mutation($input: CreateServiceAccountTokenInput!) {
			createServiceAccountToken(input: $input) { secret userErrors { code } } }`,
			map[string]any{"input": map[string]any{"serviceAccountId": sa.ID, "name": "stolen"}})
		if res.code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrTooManyTokens", func(t *testing.T) {
		other, _ := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "many-tokens"})
		for range 10 {
			if _, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"}); len(errs) > 0 {
				t.Fatalf("userErrors %v", errs)
			}
		}
		if _, _, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"}); codes(errs) != "TOO_MANY_TOKENS" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ExpiredTokenRefused", func(t *testing.T) {
		tk, s, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "short"})
		w.f.Exec("UPDATE service_account_tokens SET expires_at = now() - interval '1 second' WHERE hint = ?", tk.Hint)
		if who := w.m.whoAmI(t, s); who != "" {
			t.Fatalf("expired token authenticates as %s", who)
		}
	})
	t.Run("SuspendedAccountRefused", func(t *testing.T) {
		other, _ := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "to-suspend"})
		_, s, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"})
		w.f.Exec("UPDATE users SET status = 'SUSPENDED' WHERE username = 'to-suspend'")
		if who := w.m.whoAmI(t, s); who != "" {
			t.Fatalf("suspended service account authenticates as %s", who)
		}
	})
}

func TestRotateAndRevokeServiceAccountToken(t *testing.T) {
	w := newWorld(t)
	admin := w.m.MustLogin(t, w.companyAdmin)
	sa, _ := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "erp"})
	rotate := func(token string, input map[string]any) (newTok, oldTok *tokenOut, secret string, errs []userError) {
		var out struct {
			RotateServiceAccountToken struct {
				Token, PreviousToken *tokenOut
				Secret               *string
				UserErrors           []userError
			}
		}
		w.m.gql(t, token, `mutation($input: RotateServiceAccountTokenInput!) { rotateServiceAccountToken(input: $input) {
			token { `+tokenFields+` } previousToken { `+tokenFields+` } secret userErrors { field code message } } }`,
			map[string]any{"input": input}).decode(t, &out)
		p := out.RotateServiceAccountToken
		if p.Secret != nil {
			secret = *p.Secret
		}
		return p.Token, p.PreviousToken, secret, p.UserErrors
	}
	revoke := func(token, id string) (*tokenOut, []userError) {
		var out struct {
			RevokeServiceAccountToken struct {
				Token      *tokenOut
				UserErrors []userError
			}
		}
		w.m.gql(t, token, `mutation($id: ID!) { revokeServiceAccountToken(input: {tokenId: $id}) {
			token { `+tokenFields+` } userErrors { field code message } } }`, map[string]any{"id": id}).decode(t, &out)
		return out.RevokeServiceAccountToken.Token, out.RevokeServiceAccountToken.UserErrors
	}

	t.Run("OKWithOverlap", func(t *testing.T) {
		old, oldSecret, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "deploy",
			"expiresAt": time.Now().Add(30 * 24 * time.Hour)})
		newTok, prev, secret, errs := rotate(admin, map[string]any{"tokenId": old.ID, "overlapSeconds": 600})
		if len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
		if newTok.Name != "deploy" || newTok.RotatedFrom == nil || newTok.RotatedFrom.ID != old.ID || secret == oldSecret {
			t.Fatalf("new token %+v", newTok)
		}
		if d := time.Until(newTok.ExpiresAt); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Fatalf("new token lives %v, want the old one's lifetime", d)
		}
		if d := time.Until(prev.ExpiresAt); d > 10*time.Minute || prev.Status != "ACTIVE" {
			t.Fatalf("old token after rotation: %+v", prev)
		}
		// Both work during the overlap.
		if w.m.whoAmI(t, secret) != "erp/SERVICE" || w.m.whoAmI(t, oldSecret) != "erp/SERVICE" {
			t.Fatal("a token does not work during the overlap")
		}
		var action string
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT action FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&action); err != nil {
			t.Fatal(err)
		}
		if action != "serviceAccountToken.rotate" {
			t.Fatalf("audit %s", action)
		}
	})
	t.Run("OKRevokeAtOnce", func(t *testing.T) {
		old, oldSecret, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "ci"})
		_, prev, secret, errs := rotate(admin, map[string]any{"tokenId": old.ID, "overlapSeconds": 0})
		if len(errs) > 0 || prev.Status != "REVOKED" {
			t.Fatalf("previous %+v, userErrors %v", prev, errs)
		}
		if w.m.whoAmI(t, oldSecret) != "" || w.m.whoAmI(t, secret) != "erp/SERVICE" {
			t.Fatal("rotation without overlap must switch at once")
		}
		t.Run("ErrTokenNotActive", func(t *testing.T) {
			if _, _, _, errs := rotate(admin, map[string]any{"tokenId": old.ID}); codes(errs) != "TOKEN_NOT_ACTIVE" {
				t.Fatalf("userErrors %v", errs)
			}
		})
	})
	t.Run("ErrInvalidOverlap", func(t *testing.T) {
		old, _, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x"})
		if _, _, _, errs := rotate(admin, map[string]any{"tokenId": old.ID, "overlapSeconds": 8 * 24 * 3600}); codes(errs) != "INVALID_OVERLAP" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		old, _, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "y"})
		other := w.m.MustLogin(t, w.other_admin)
		if res := w.m.gql(t, other, `mutation($id: ID!) { rotateServiceAccountToken(input: {tokenId: $id}) { secret userErrors { code } } }`,
			map[string]any{"id": old.ID}); res.code() != "FORBIDDEN" {
			t.Fatalf("rotate: errors %v data %s", res.Errors, res.Data)
		}
		if res := w.m.gql(t, other, `mutation($id: ID!) { revokeServiceAccountToken(input: {tokenId: $id}) { userErrors { code } } }`,
			map[string]any{"id": old.ID}); res.code() != "FORBIDDEN" {
			t.Fatalf("revoke: errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		tok, secret, _ := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "z"})
		// A dashboard subscribed with the token.
		ws := w.m.mustWS(t, secret)
		ws.subscribe("1", changesSubscription, nil)
		waitSubscribers(t, w.m, 1)
		revoked, errs := revoke(admin, tok.ID)
		if len(errs) > 0 || revoked.Status != "REVOKED" || revoked.RevokedAt == nil {
			t.Fatalf("revoked %+v, userErrors %v", revoked, errs)
		}
		if w.m.whoAmI(t, secret) != "" {
			t.Fatal("revoked token still authenticates")
		}
		// The revocation event concerns the account: its subscription ends.
		if code, _, _ := ws.endError(); code != "UNAUTHENTICATED" {
			t.Fatalf("subscription of a revoked token ended with %s", code)
		}
		var evType string
		if err := w.m.DB.QueryRowContext(context.Background(), "SELECT type FROM events ORDER BY id DESC LIMIT 1").Scan(&evType); err != nil {
			t.Fatal(err)
		}
		if evType != "SERVICE_ACCOUNT_TOKEN_REVOKED" {
			t.Fatalf("event %s", evType)
		}
		t.Run("ErrTokenAlreadyRevoked", func(t *testing.T) {
			if _, errs := revoke(admin, tok.ID); codes(errs) != "TOKEN_ALREADY_REVOKED" {
				t.Fatalf("userErrors %v", errs)
			}
		})
		t.Run("ErrTokenNotFound", func(t *testing.T) {
			if _, errs := revoke(admin, globalIDFor("ServiceAccountToken", 999999)); codes(errs) != "TOKEN_NOT_FOUND" {
				t.Fatalf("userErrors %v", errs)
			}
		})
	})
}
