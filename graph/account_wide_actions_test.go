package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// accountAction is one account-wide mutation on a user: how to bring the
// user into the state the action needs, and what success leaves behind.
type accountAction struct {
	field, inputType string
	prepare          func(t *testing.T, w *servertest.AdminWorld, userID int64)
	input            func(userID int64) map[string]any
	succeeded        func(t *testing.T, w *servertest.AdminWorld, userID int64) bool
}

func accountActions() map[string]accountAction {
	byID := func(id int64) map[string]any { return map[string]any{"userId": servertest.GlobalID("User", id)} }
	status := func(s string) func(*testing.T, *servertest.AdminWorld, int64) bool {
		return func(t *testing.T, w *servertest.AdminWorld, id int64) bool {
			return servertest.UserStatus(t, w.M, id) == s
		}
	}
	setStatus := func(s string) func(*testing.T, *servertest.AdminWorld, int64) {
		return func(t *testing.T, w *servertest.AdminWorld, id int64) {
			w.F.Exec("UPDATE users SET status = ? WHERE id = ?", s, id)
		}
	}
	return map[string]accountAction{
		"SuspendUser": {field: "suspendUser", inputType: "UserStatusInput", input: byID, succeeded: status("SUSPENDED")},
		"ReactivateUser": {field: "reactivateUser", inputType: "UserStatusInput", input: byID, succeeded: status("ACTIVE"),
			prepare: func(t *testing.T, w *servertest.AdminWorld, id int64) {
				servertest.SetPassword(t, w.M, id)
				setStatus("SUSPENDED")(t, w, id)
			}},
		"UpdateUserProfile": {field: "updateUserProfile", inputType: "UpdateUserProfileInput",
			input: func(id int64) map[string]any {
				return map[string]any{"userId": servertest.GlobalID("User", id), "expectedVersion": 1, "givenName": "Renamed"}
			},
			succeeded: func(t *testing.T, w *servertest.AdminWorld, id int64) bool {
				var name string
				w.Scalar(t, &name, "SELECT given_name FROM users WHERE id = ?", id)
				return name == "Renamed"
			}},
		"AdminResetPassword": {field: "adminResetPassword", inputType: "AdminResetPasswordInput", input: byID,
			prepare: func(t *testing.T, w *servertest.AdminWorld, id int64) { servertest.SetPassword(t, w.M, id) },
			succeeded: func(t *testing.T, w *servertest.AdminWorld, id int64) bool {
				return w.Count(t, "SELECT count(*) FROM credentials WHERE user_id = ? AND password_hash IS NULL AND must_change_password", id) == 1
			}},
		"AdminResetSecondFactor": {field: "adminResetSecondFactor", inputType: "AdminResetSecondFactorInput", input: byID,
			prepare: func(t *testing.T, w *servertest.AdminWorld, id int64) {
				servertest.SetPassword(t, w.M, id)
				w.F.Exec("UPDATE credentials SET totp_secret = 'JBSWY3DPEHPK3PXP', totp_enrolled_at = now() WHERE user_id = ?", id)
			},
			succeeded: func(t *testing.T, w *servertest.AdminWorld, id int64) bool {
				return w.Count(t, "SELECT count(*) FROM credentials WHERE user_id = ? AND totp_secret IS NULL AND totp_enrollment_required", id) == 1
			}},
		"UnlockUser": {field: "unlockUser", inputType: "UnlockUserInput", input: byID, succeeded: status("ACTIVE"),
			prepare: func(t *testing.T, w *servertest.AdminWorld, id int64) {
				servertest.SetPassword(t, w.M, id)
				setStatus("LOCKED")(t, w, id)
			}},
		"ResendInvitation": {field: "resendInvitation", inputType: "ResendInvitationInput", input: byID,
			prepare: setStatus("INVITED"),
			succeeded: func(t *testing.T, w *servertest.AdminWorld, id int64) bool {
				return w.Count(t, "SELECT count(*) FROM email_outbox WHERE user_id = ? AND template = 'invitation'", id) == 1
			}},
	}
}

// refusal is the code a refused mutation answers: the GraphQL error's
// (admin mutations) or the first userError's (credential and token
// mutations answer FORBIDDEN among their userErrors).
func refusal(p *servertest.Payload) string {
	if c := p.Code(); c != "" {
		return c
	}
	if errs, _ := p.Data["userErrors"].([]any); len(errs) > 0 {
		c, _ := errs[0].(map[string]any)["code"].(string)
		return c
	}
	return ""
}

// TestAccountWideActionsNeedEveryRole is issue 13, item 6 (R6) end to end:
// each account-wide mutation is refused with FORBIDDEN, and changes
// nothing (database, sessions), when the administrator lacks authority over
// one of the roles the user holds — another product in the same tenant, or
// the head office above the site the user is homed at — and succeeds for
// an administrator whose authority covers every role.
func TestAccountWideActionsNeedEveryRole(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	// An administrator of segmenti and factures in the company, and of
	// segmenti in the company and its site.
	bothProducts := w.F.User("both.products", w.Company)
	w.F.Assign(bothProducts, w.Company, "segmenti", "admin")
	w.F.Assign(bothProducts, w.Company, "factures", "comptable-admin")
	headOffice := w.F.User("head.office", w.Company)
	w.F.Assign(headOffice, w.Company, "segmenti", "admin")
	w.F.Assign(headOffice, w.Site, "segmenti", "admin")

	scenarios := []struct {
		name              string
		newTarget         func(username string) int64
		refused, covering int64
	}{
		{
			// A segmenti user who also administers factures in the company:
			// the company's segmenti administrator may not act on the account.
			name: "OtherProduct",
			newTarget: func(username string) int64 {
				id := w.F.User(username, w.Company)
				w.F.Assign(id, w.Company, "segmenti", "user")
				w.F.Assign(id, w.Company, "factures", "comptable-admin")
				return id
			},
			refused: w.CompanyAdmin, covering: bothProducts,
		},
		{
			// A head-office administrator whose home tenant is the site: the
			// site's administrator may not act on the account.
			name: "HeadOfficeAdminHomedAtSite",
			newTarget: func(username string) int64 {
				id := w.F.User(username, w.Site)
				w.F.Assign(id, w.Company, "segmenti", "admin")
				w.F.Assign(id, w.Site, "segmenti", "user")
				return id
			},
			refused: w.SiteAdmin, covering: headOffice,
		},
	}
	for _, sc := range scenarios {
		for name, a := range accountActions() {
			t.Run(sc.name+"/"+name, func(t *testing.T) {
				target := sc.newTarget(strings.ToLower(fmt.Sprintf("t.%s.%s", sc.name, name)))
				if a.prepare != nil {
					a.prepare(t, w, target)
				}
				session := w.M.MustLogin(t, target)
				signedIn := w.M.ViewerName(t, session) != "" // only ACTIVE accounts act
				refused, covering := w.Token(t, sc.refused), w.Token(t, sc.covering)
				before := w.Snapshot(t)
				p := w.Mutate(t, refused, a.field, a.inputType, "user { id }", a.input(target))
				if refusal(p) != "FORBIDDEN" {
					t.Fatalf("%s by an administrator without authority over every role: code %q (%s)", a.field, refusal(p), p.Res.Data)
				}
				w.Unchanged(t, before)
				if a.succeeded(t, w, target) {
					t.Fatal("the refused change happened")
				}
				if signedIn && w.M.ViewerName(t, session) == "" {
					t.Fatal("a refused change ended the user's session")
				}
				w.Mutate(t, covering, a.field, a.inputType, "user { id }", a.input(target)).OK(t)
				if !a.succeeded(t, w, target) {
					t.Fatalf("%s by an administrator covering every role did not happen", a.field)
				}
			})
		}
	}

	t.Run("SuspendedRoleStillCounts", func(t *testing.T) {
		admin := w.Token(t, w.CompanyAdmin)
		target := w.F.User("t.suspended.role", w.Company)
		w.F.Assign(target, w.Company, "segmenti", "user")
		ra := w.F.Assign(target, w.Company, "factures", "comptable")
		w.F.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?", ra)
		before := w.Snapshot(t)
		if c := w.Mutate(t, admin, "suspendUser", "UserStatusInput", "user { id }",
			map[string]any{"userId": servertest.GlobalID("User", target)}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.Unchanged(t, before)
	})

	t.Run("Capabilities", func(t *testing.T) {
		target := scenarios[0].newTarget("t.capabilities")
		q := `query($id: ID!) { node(id: $id) { ... on User { viewerCan { editIdentity changeStatus resetCredentials } } } }`
		caps := func(viewer int64) map[string]any {
			return servertest.Dig(w.Query(t, w.Token(t, viewer), q, map[string]any{"id": servertest.GlobalID("User", target)}), "node", "viewerCan").(map[string]any)
		}
		if c := caps(w.CompanyAdmin); c["editIdentity"] != false || c["changeStatus"] != false || c["resetCredentials"] != false {
			t.Fatalf("segmenti administrator is offered account-wide actions: %v", c)
		}
		if c := caps(bothProducts); c["editIdentity"] != true || c["changeStatus"] != true || c["resetCredentials"] != true {
			t.Fatalf("administrator of both products: %v", c)
		}
	})

	t.Run("ServiceAccountTokens", func(t *testing.T) {
		// A service account that administers factures: a segmenti
		// administrator of its tenant may not mint, rotate or revoke the
		// tokens that act with that role.
		sa, errs := w.CreateSA(t, w.Token(t, w.CompanyAdmin), map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "factures-sync"})
		if len(errs) > 0 {
			t.Fatalf("userErrors %v", errs)
		}
		var saID int64
		w.Scalar(t, &saID, "SELECT id FROM users WHERE username = 'factures-sync'")
		w.F.Assign(saID, w.Company, "factures", "comptable-admin")
		segmentiAdmin := w.Token(t, w.CompanyAdmin)
		tok, _, errs := w.CreateToken(t, w.Token(t, bothProducts), map[string]any{"serviceAccountId": sa.ID, "name": "prod"})
		if len(errs) > 0 {
			t.Fatalf("covering administrator: userErrors %v", errs)
		}
		for _, c := range []struct{ field, inputType, sel string }{
			{"createServiceAccountToken", "CreateServiceAccountTokenInput", "token { id }"},
			{"rotateServiceAccountToken", "RotateServiceAccountTokenInput", "token { id }"},
			{"revokeServiceAccountToken", "RevokeServiceAccountTokenInput", "token { id }"},
		} {
			in := map[string]any{"tokenId": tok.ID}
			if c.field == "createServiceAccountToken" {
				in = map[string]any{"serviceAccountId": sa.ID, "name": "mine"}
			}
			before := w.Snapshot(t)
			if code := refusal(w.Mutate(t, segmentiAdmin, c.field, c.inputType, c.sel, in)); code != "FORBIDDEN" {
				t.Fatalf("%s: code %q", c.field, code)
			}
			w.Unchanged(t, before)
		}
		if n := w.Count(t, "SELECT count(*) FROM service_account_tokens WHERE service_account_id = ?", saID); n != 1 {
			t.Fatalf("%d tokens", n)
		}
		w.Mutate(t, w.Token(t, bothProducts), "revokeServiceAccountToken", "RevokeServiceAccountTokenInput", "token { id }",
			map[string]any{"tokenId": tok.ID}).OK(t)
	})
}
