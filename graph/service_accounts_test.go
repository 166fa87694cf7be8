package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tenantadmin/server/servertest"
)

func TestCreateServiceAccount(t *testing.T) {
	w := servertest.NewWorld(t)
	admin := w.M.MustLogin(t, w.CompanyAdmin)
	company := servertest.GlobalID("Tenant", w.Company)
	t.Run("OK", func(t *testing.T) {
		sa, errs := w.CreateSA(t, admin, map[string]any{"tenantId": company, "username": "Billing-Sync", "description": " nightly export "})
		if len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
		if sa.Username != "billing-sync" || sa.Description != "nightly export" || sa.Status != "ACTIVE" || len(sa.UID) != 36 ||
			sa.Tenant == nil || sa.Tenant.ID != company || sa.User == nil || sa.User.Kind != "SERVICE" {
			t.Fatalf("service account = %+v", sa)
		}
		var action, actor, evType, subjectType string
		if err := w.M.DB.QueryRowContext(context.Background(), `SELECT a.action, a.actor_label, e.type, e.subject_type
			FROM events e JOIN audit_events a ON a.id = e.audit_event_id ORDER BY e.id DESC LIMIT 1`).
			Scan(&action, &actor, &evType, &subjectType); err != nil {
			t.Fatal(err)
		}
		if action != "serviceAccount.create" || actor != "company.admin" || evType != "SERVICE_ACCOUNT_CREATED" || subjectType != "ServiceAccount" {
			t.Fatalf("audit %s by %s, event %s %s", action, actor, evType, subjectType)
		}
	})
	t.Run("PlatformAdmin", func(t *testing.T) {
		staff := w.F.PlatformAdmin("platform.staff")
		if _, errs := w.CreateSA(t, w.M.MustLogin(t, staff), map[string]any{"tenantId": company, "username": "staff-made"}); len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrUsernameTaken", func(t *testing.T) {
		_, errs := w.CreateSA(t, admin, map[string]any{"tenantId": company, "username": "company.admin"})
		if servertest.Codes(errs) != "USERNAME_TAKEN" || strings.Join(errs[0].Field, ".") != "input.username" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidUsername", func(t *testing.T) {
		if _, errs := w.CreateSA(t, admin, map[string]any{"tenantId": company, "username": "a b"}); len(errs) != 1 || errs[0].Field[1] != "username" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrDescriptionTooLong", func(t *testing.T) {
		_, errs := w.CreateSA(t, admin, map[string]any{"tenantId": company, "username": "long-desc", "description": strings.Repeat("x", 501)})
		if servertest.Codes(errs) != "DESCRIPTION_TOO_LONG" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidTenantID", func(t *testing.T) {
		if _, errs := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("User", 1), "username": "bad-tenant"}); servertest.Codes(errs) != "INVALID_ID" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), servertest.CreateServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "intruder"}})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrForbiddenParentAdmin", func(t *testing.T) {
		// A parent's admins see the child's service accounts read-only (R6).
		res := w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), servertest.CreateServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "from-holding"}})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.Technician), servertest.CreateServiceAccountMutation,
			map[string]any{"input": map[string]any{"tenantId": company, "username": "from-operator"}})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		res := w.M.GQL(t, "", servertest.CreateServiceAccountMutation, map[string]any{"input": map[string]any{"tenantId": company, "username": "anon"}})
		if res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q %s", res.Code(), res.Data)
		}
	})
}

func TestServiceAccountTokens(t *testing.T) {
	w := servertest.NewWorld(t)
	admin := w.M.MustLogin(t, w.CompanyAdmin)
	sa, _ := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "crm-sync"})
	var saID int64
	if err := w.M.DB.QueryRowContext(context.Background(), "SELECT id FROM users WHERE username = 'crm-sync'").Scan(&saID); err != nil {
		t.Fatal(err)
	}
	// Roles like a person's (assignRole of issue 4 does the same).
	w.F.Assign(saID, w.Company, "segmenti", "admin")

	var secret string
	var tok servertest.TokenOut
	t.Run("OK", func(t *testing.T) {
		var errs []servertest.UserError
		tok, secret, errs = w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "production"})
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
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT count(*) FROM service_account_tokens WHERE position(convert_to(?, 'UTF8') in token_hash) > 0 OR hint = ?",
			secret, secret).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Fatal("the secret is stored in clear")
		}
		var evType string
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT type FROM events ORDER BY id DESC LIMIT 1").Scan(&evType); err != nil {
			t.Fatal(err)
		}
		if evType != "SERVICE_ACCOUNT_TOKEN_CREATED" {
			t.Fatalf("event %s", evType)
		}
	})
	t.Run("BearerAuthenticatesServiceAccount", func(t *testing.T) {
		if who := w.M.WhoAmI(t, secret); who != "crm-sync/SERVICE" {
			t.Fatalf("authenticated as %q", who)
		}
		// Its roles work like a person's: it lists its tenant's users.
		var page servertest.UsersPage
		w.M.GQL(t, secret, servertest.UsersPageQuery, map[string]any{"first": 50}).Decode(t, &page)
		if page.Users.TotalCount < 3 {
			t.Fatalf("service account sees %d users", page.Users.TotalCount)
		}
		var lastUsed *time.Time
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT last_used_at FROM service_account_tokens WHERE hint = ?", tok.Hint).Scan(&lastUsed); err != nil {
			t.Fatal(err)
		}
		if lastUsed == nil {
			t.Fatal("last-used time not recorded")
		}
		// At most one write a minute: a second request keeps the time.
		w.M.WhoAmI(t, secret)
		var again *time.Time
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT last_used_at FROM service_account_tokens WHERE hint = ?", tok.Hint).Scan(&again); err != nil {
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
						Tokens   []servertest.TokenOut
					}
				}
			}
		}
		q := `query($id: ID!) { node(id: $id) { ... on Tenant { serviceAccounts(first: 10) { totalCount nodes { username tokens { ` + servertest.TokenFields + ` } } } } } }`
		// The parent's admin sees them read-only.
		w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), q, map[string]any{"id": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &out)
		sas := out.Node.ServiceAccounts
		if sas.TotalCount != 1 || sas.Nodes[0].Username != "crm-sync" || len(sas.Nodes[0].Tokens) != 1 ||
			sas.Nodes[0].Tokens[0].Hint != tok.Hint || sas.Nodes[0].Tokens[0].LastUsedAt == nil {
			t.Fatalf("list = %+v", sas)
		}
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), q, map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("another tenant's admin sees %s", res.Data)
		}
	})
	t.Run("ErrExpiryInPast", func(t *testing.T) {
		_, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x", "expiresAt": time.Now().Add(-time.Hour)})
		if servertest.Codes(errs) != "EXPIRY_IN_PAST" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrExpiryTooFar", func(t *testing.T) {
		_, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x", "expiresAt": time.Now().Add(400 * 24 * time.Hour)})
		if servertest.Codes(errs) != "EXPIRY_TOO_FAR" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if _, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "  "}); servertest.Codes(errs) != "INVALID_TOKEN_NAME" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrServiceAccountNotFound", func(t *testing.T) {
		_, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": servertest.GlobalID("ServiceAccount", w.CompanyAdmin), "name": "x"})
		if servertest.Codes(errs) != "SERVICE_ACCOUNT_NOT_FOUND" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), `mutation($input: CreateServiceAccountTokenInput!) {
			createServiceAccountToken(input: $input) { secret userErrors { code } } }`,
			map[string]any{"input": map[string]any{"serviceAccountId": sa.ID, "name": "stolen"}})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("ErrTooManyTokens", func(t *testing.T) {
		other, _ := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "many-tokens"})
		for range 10 {
			if _, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"}); len(errs) > 0 {
				t.Fatalf("userErrors %v", errs)
			}
		}
		if _, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"}); servertest.Codes(errs) != "TOO_MANY_TOKENS" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ExpiredTokenRefused", func(t *testing.T) {
		tk, s, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "short"})
		w.F.Exec("UPDATE service_account_tokens SET expires_at = now() - interval '1 second' WHERE hint = ?", tk.Hint)
		if who := w.M.WhoAmI(t, s); who != "" {
			t.Fatalf("expired token authenticates as %s", who)
		}
	})
	t.Run("SuspendedAccountRefused", func(t *testing.T) {
		other, _ := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "to-suspend"})
		_, s, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": other.ID, "name": "t"})
		w.F.Exec("UPDATE users SET status = 'SUSPENDED' WHERE username = 'to-suspend'")
		if who := w.M.WhoAmI(t, s); who != "" {
			t.Fatalf("suspended service account authenticates as %s", who)
		}
	})
}

func TestRotateAndRevokeServiceAccountToken(t *testing.T) {
	w := servertest.NewWorld(t)
	admin := w.M.MustLogin(t, w.CompanyAdmin)
	sa, _ := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "erp"})
	rotate := func(token string, input map[string]any) (newTok, oldTok *servertest.TokenOut, secret string, errs []servertest.UserError) {
		var out struct {
			RotateServiceAccountToken struct {
				Token, PreviousToken *servertest.TokenOut
				Secret               *string
				UserErrors           []servertest.UserError
			}
		}
		w.M.GQL(t, token, `mutation($input: RotateServiceAccountTokenInput!) { rotateServiceAccountToken(input: $input) {
			token { `+servertest.TokenFields+` } previousToken { `+servertest.TokenFields+` } secret userErrors { field code message } } }`,
			map[string]any{"input": input}).Decode(t, &out)
		p := out.RotateServiceAccountToken
		if p.Secret != nil {
			secret = *p.Secret
		}
		return p.Token, p.PreviousToken, secret, p.UserErrors
	}
	revoke := func(token, id string) (*servertest.TokenOut, []servertest.UserError) {
		var out struct {
			RevokeServiceAccountToken struct {
				Token      *servertest.TokenOut
				UserErrors []servertest.UserError
			}
		}
		w.M.GQL(t, token, `mutation($id: ID!) { revokeServiceAccountToken(input: {tokenId: $id}) {
			token { `+servertest.TokenFields+` } userErrors { field code message } } }`, map[string]any{"id": id}).Decode(t, &out)
		return out.RevokeServiceAccountToken.Token, out.RevokeServiceAccountToken.UserErrors
	}

	t.Run("OKWithOverlap", func(t *testing.T) {
		old, oldSecret, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "deploy",
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
		if w.M.WhoAmI(t, secret) != "erp/SERVICE" || w.M.WhoAmI(t, oldSecret) != "erp/SERVICE" {
			t.Fatal("a token does not work during the overlap")
		}
		var action string
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT action FROM audit_events ORDER BY id DESC LIMIT 1").Scan(&action); err != nil {
			t.Fatal(err)
		}
		if action != "serviceAccountToken.rotate" {
			t.Fatalf("audit %s", action)
		}
	})
	t.Run("OKRevokeAtOnce", func(t *testing.T) {
		old, oldSecret, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "ci"})
		_, prev, secret, errs := rotate(admin, map[string]any{"tokenId": old.ID, "overlapSeconds": 0})
		if len(errs) > 0 || prev.Status != "REVOKED" {
			t.Fatalf("previous %+v, userErrors %v", prev, errs)
		}
		if w.M.WhoAmI(t, oldSecret) != "" || w.M.WhoAmI(t, secret) != "erp/SERVICE" {
			t.Fatal("rotation without overlap must switch at once")
		}
		t.Run("ErrTokenNotActive", func(t *testing.T) {
			if _, _, _, errs := rotate(admin, map[string]any{"tokenId": old.ID}); servertest.Codes(errs) != "TOKEN_NOT_ACTIVE" {
				t.Fatalf("userErrors %v", errs)
			}
		})
	})
	t.Run("ErrInvalidOverlap", func(t *testing.T) {
		old, _, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "x"})
		if _, _, _, errs := rotate(admin, map[string]any{"tokenId": old.ID, "overlapSeconds": 8 * 24 * 3600}); servertest.Codes(errs) != "INVALID_OVERLAP" {
			t.Fatalf("userErrors %v", errs)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		old, _, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "y"})
		other := w.M.MustLogin(t, w.OtherAdmin)
		if res := w.M.GQL(t, other, `mutation($id: ID!) { rotateServiceAccountToken(input: {tokenId: $id}) { secret userErrors { code } } }`,
			map[string]any{"id": old.ID}); res.Code() != "FORBIDDEN" {
			t.Fatalf("rotate: errors %v data %s", res.Errors, res.Data)
		}
		if res := w.M.GQL(t, other, `mutation($id: ID!) { revokeServiceAccountToken(input: {tokenId: $id}) { userErrors { code } } }`,
			map[string]any{"id": old.ID}); res.Code() != "FORBIDDEN" {
			t.Fatalf("revoke: errors %v data %s", res.Errors, res.Data)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		tok, secret, _ := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "z"})
		// A dashboard subscribed with the token.
		ws := w.M.MustWS(t, secret)
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
		servertest.WaitSubscribers(t, w.M, 1)
		revoked, errs := revoke(admin, tok.ID)
		if len(errs) > 0 || revoked.Status != "REVOKED" || revoked.RevokedAt == nil {
			t.Fatalf("revoked %+v, userErrors %v", revoked, errs)
		}
		if w.M.WhoAmI(t, secret) != "" {
			t.Fatal("revoked token still authenticates")
		}
		// The revocation event concerns the account: its subscription ends.
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("subscription of a revoked token ended with %s", code)
		}
		var evType string
		if err := w.M.DB.QueryRowContext(context.Background(), "SELECT type FROM events ORDER BY id DESC LIMIT 1").Scan(&evType); err != nil {
			t.Fatal(err)
		}
		if evType != "SERVICE_ACCOUNT_TOKEN_REVOKED" {
			t.Fatalf("event %s", evType)
		}
		t.Run("ErrTokenAlreadyRevoked", func(t *testing.T) {
			if _, errs := revoke(admin, tok.ID); servertest.Codes(errs) != "TOKEN_ALREADY_REVOKED" {
				t.Fatalf("userErrors %v", errs)
			}
		})
		t.Run("ErrTokenNotFound", func(t *testing.T) {
			if _, errs := revoke(admin, servertest.GlobalID("ServiceAccountToken", 999999)); servertest.Codes(errs) != "TOKEN_NOT_FOUND" {
				t.Fatalf("userErrors %v", errs)
			}
		})
	})
}
