package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
)

const invitationStatusQuery = `query($token: String!) { invitationStatus(token: $token) { state username expiresAt } }`
const acceptMutation = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { username userErrors { field code message } } }`
const resendMutation = `mutation($input: ResendInvitationInput!) { resendInvitation(input: $input) { user { username status } userErrors { code message } } }`

// invite creates an INVITED user of the company with an invitation and
// returns the user and the token.
func invite(t *testing.T, w *world, username string) (int64, string) {
	t.Helper()
	id := w.f.User(username, w.company)
	w.f.Assign(id, w.company, "segmenti", "user")
	w.f.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", id)
	token, hash := auth.NewToken()
	if err := db.CreateInvitation(context.Background(), w.m.DB, id, &w.company, &w.companyAdmin, hash); err != nil {
		t.Fatal(err)
	}
	return id, token
}

func invitationState(t *testing.T, m *Main, token string) (string, *string) {
	t.Helper()
	var out struct {
		InvitationStatus struct {
			State    string
			Username *string
		}
	}
	m.gql(t, "", invitationStatusQuery, map[string]any{"token": token}).decode(t, &out)
	return out.InvitationStatus.State, out.InvitationStatus.Username
}

func TestInvitation(t *testing.T) {
	w := newWorld(t)
	id, token := invite(t, w, "nuovo.utente")
	accept := func(token, password string) (string, string) {
		var out struct{ Username *string }
		code := authPayload(t, w.m.gql(t, "", acceptMutation, map[string]any{"input": map[string]any{"token": token, "password": password}}), "acceptInvitation", &out)
		if out.Username == nil {
			return "", code
		}
		return *out.Username, code
	}
	t.Run("StatusValid", func(t *testing.T) {
		state, username := invitationState(t, w.m, token)
		if state != "VALID" || username == nil || *username != "nuovo.utente" {
			t.Fatalf("state %s username %v", state, username)
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if state, username := invitationState(t, w.m, "forged"); state != "INVALID" || username != nil {
			t.Fatalf("state %s username %v", state, username)
		}
		if _, code := accept("forged", goodPassword); code != "INVITATION_INVALID" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if _, code := accept(token, "password123"); code != "PASSWORD_COMMON" {
			t.Fatalf("code %q", code)
		}
		if _, code := accept(token, "short"); code != "PASSWORD_TOO_SHORT" {
			t.Fatalf("code %q", code)
		}
		if _, code := accept(token, strings.Repeat("x", 2000)); code != "PASSWORD_TOO_LONG" {
			t.Fatalf("code %q", code)
		}
		if userStatus(t, w.m, id) != "INVITED" {
			t.Fatal("a refused password activated the account")
		}
	})
	t.Run("OK", func(t *testing.T) {
		if username, code := accept(token, goodPassword); code != "" || username != "nuovo.utente" {
			t.Fatalf("code %q username %q", code, username)
		}
		if userStatus(t, w.m, id) != "ACTIVE" {
			t.Fatal("not activated")
		}
		var verified bool
		if err := w.m.DB.QueryRow("SELECT email_verified FROM users WHERE id = ?", id).Scan(&verified); err != nil {
			t.Fatal(err)
		}
		if !verified {
			t.Fatal("the invited address is not marked verified")
		}
		if tok, code := w.m.login(t, "nuovo.utente", goodPassword, nil); tok == "" {
			t.Fatalf("sign-in: %q", code)
		}
		if auditCount(t, w.m, "user.invitation_accepted", id) != 1 || eventCount(t, w.m, id) != 1 {
			t.Fatal("not audited or no event")
		}
	})
	t.Run("ErrReused", func(t *testing.T) {
		if _, code := accept(token, "another good passphrase"); code != "INVITATION_USED" {
			t.Fatalf("code %q", code)
		}
		if state, _ := invitationState(t, w.m, token); state != "USED" {
			t.Fatalf("state %s", state)
		}
	})
	t.Run("ErrExpiredExplainsItself", func(t *testing.T) {
		_, old := invite(t, w, "in.ritardo")
		w.f.Exec("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE token_hash = ?", auth.HashToken(old))
		if state, username := invitationState(t, w.m, old); state != "EXPIRED" || username == nil {
			t.Fatalf("state %s", state)
		}
		res := w.m.gql(t, "", acceptMutation, map[string]any{"input": map[string]any{"token": old, "password": goodPassword}})
		var out struct {
			UserErrors []struct{ Code, Message string }
		}
		authPayload(t, res, "acceptInvitation", &out)
		if len(out.UserErrors) != 1 || out.UserErrors[0].Code != "INVITATION_EXPIRED" || !strings.Contains(out.UserErrors[0].Message, "administrator") {
			t.Fatalf("userErrors %+v", out.UserErrors)
		}
	})
	t.Run("InvitationLives72Hours", func(t *testing.T) {
		var hours float64
		if err := w.m.DB.QueryRow("SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM invitations ORDER BY id LIMIT 1").Scan(&hours); err != nil {
			t.Fatal(err)
		}
		if hours < 71.9 || hours > 72.1 {
			t.Fatalf("%.1f h", hours)
		}
	})
}

func TestResendInvitation(t *testing.T) {
	w := newWorld(t)
	id, old := invite(t, w, "nuovo.utente")
	input := map[string]any{"input": map[string]any{"userId": globalIDFor("User", id)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.other_admin), resendMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
		if emailCount(t, w.m, "nuovo.utente@example.test") != 0 {
			t.Fatal("a forbidden resend sent mail")
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			User struct{ Username, Status string }
		}
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), resendMutation, input), "resendInvitation", &out); code != "" || out.User.Status != "INVITED" {
			t.Fatalf("code %q %+v", code, out)
		}
		e := latestEmail(t, w.m, "nuovo.utente@example.test")
		if e.Template != "invitation" || !strings.HasPrefix(e.Data["link"].(string), w.m.URL()+"/invitation#token=") {
			t.Fatalf("email %+v", e)
		}
		if state, _ := invitationState(t, w.m, old); state != "REVOKED" {
			t.Fatalf("old link: %s", state)
		}
		if state, _ := invitationState(t, w.m, tokenFromLink(t, e.Data["link"].(string))); state != "VALID" {
			t.Fatalf("new link: %s", state)
		}
		if auditCount(t, w.m, "user.invitation_resent", id) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrNotInvited", func(t *testing.T) {
		// The technician works on amisgest: managing the account's
		// credentials needs authority over it too (issue 13, item 6).
		w.f.Assign(w.companyAdmin, w.company, "amisgest", "administration")
		in := map[string]any{"input": map[string]any{"userId": globalIDFor("User", w.technician)}}
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), resendMutation, in), "resendInvitation", nil); code != "NOT_INVITED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSelf", func(t *testing.T) {
		in := map[string]any{"input": map[string]any{"userId": globalIDFor("User", w.companyAdmin)}}
		if code := w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), resendMutation, in).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
}

const changeExpiredMutation = `mutation($input: ChangeExpiredPasswordInput!) { changeExpiredPassword(input: $input) {
  token viewer { user { username } } userErrors { field code message } } }`

func TestPasswordExpiry(t *testing.T) {
	w := newWorld(t)
	w.m.App.LoginRates.PerAccount = auth.Rate{} // more attempts on one account than the default allows
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	w.f.Assign(op, w.other, "segmenti", "user")
	setPassword(t, w.m, op)
	w.f.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.company)
	w.f.Exec("UPDATE tenants SET password_max_age_days = 30 WHERE id = ?", w.other)
	w.f.Exec("UPDATE credentials SET password_changed_at = now() - interval '40 days' WHERE user_id = ?", op)
	t.Run("ErrExpiredByTheStrictestTenant", func(t *testing.T) {
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "PASSWORD_EXPIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWrongPasswordStaysGeneric", func(t *testing.T) {
		if _, code := w.m.login(t, "operatore.uno", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	change := func(old, new string) (string, string) {
		var out loginResult
		code := authPayload(t, w.m.gql(t, "", changeExpiredMutation, map[string]any{"input": map[string]any{
			"username": "operatore.uno", "oldPassword": old, "newPassword": new, "tokenKind": "BEARER"}}), "changeExpiredPassword", &out)
		if out.Token == nil {
			return "", code
		}
		return *out.Token, code
	}
	t.Run("ErrWrongOldPassword", func(t *testing.T) {
		if _, code := change("wrong password here", otherPassword); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSamePassword", func(t *testing.T) {
		if _, code := change(goodPassword, goodPassword); code != "PASSWORD_REUSED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if _, code := change(goodPassword, "qwertyuiop"); code != "PASSWORD_REPETITIVE" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("OK", func(t *testing.T) {
		token, code := change(goodPassword, otherPassword)
		if token == "" || w.m.viewerName(t, token) != "operatore.uno" {
			t.Fatalf("code %q", code)
		}
		if tok, code := w.m.login(t, "operatore.uno", otherPassword, nil); tok == "" {
			t.Fatalf("sign-in with the new password: %q", code)
		}
		if auditCount(t, w.m, "user.password_changed", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("MustChangeAtNextLogin", func(t *testing.T) {
		w.f.Exec("UPDATE credentials SET must_change_password = true WHERE user_id = ?", op)
		if _, code := w.m.login(t, "operatore.uno", otherPassword, nil); code != "PASSWORD_CHANGE_REQUIRED" {
			t.Fatalf("code %q", code)
		}
		token, code := change(otherPassword, "third passphrase of the day")
		if token == "" {
			t.Fatalf("code %q", code)
		}
		if tok, code := w.m.login(t, "operatore.uno", "third passphrase of the day", nil); tok == "" {
			t.Fatalf("the requirement outlived the change: %q", code)
		}
	})
	t.Run("ErrNotExpiredWithoutPolicy", func(t *testing.T) {
		w.f.Exec("UPDATE tenants SET password_max_age_days = NULL")
		w.f.Exec("UPDATE credentials SET password_changed_at = now() - interval '4000 days' WHERE user_id = ?", op)
		if tok, code := w.m.login(t, "operatore.uno", "third passphrase of the day", nil); tok == "" {
			t.Fatalf("no policy, yet %q", code)
		}
	})
	t.Run("TenantFieldShowsPolicy", func(t *testing.T) {
		w.f.Exec("UPDATE tenants SET password_max_age_days = 45 WHERE id = ?", w.company)
		var out struct {
			Node struct{ PasswordMaxAgeDays *int }
		}
		w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), `query($id: ID!) { node(id: $id) { ... on Tenant { passwordMaxAgeDays } } }`,
			map[string]any{"id": globalIDFor("Tenant", w.company)}).decode(t, &out)
		if out.Node.PasswordMaxAgeDays == nil || *out.Node.PasswordMaxAgeDays != 45 {
			t.Fatalf("got %v", out.Node.PasswordMaxAgeDays)
		}
	})
}

const changePasswordMutation = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { username } userErrors { field code message } } }`

func TestChangePassword(t *testing.T) {
	w := newWorld(t)
	setPassword(t, w.m, w.companyAdmin)
	current, _ := w.m.login(t, "company.admin", goodPassword, nil)
	other, _ := w.m.login(t, "company.admin", goodPassword, nil)
	change := func(cur, new string) string {
		return authPayload(t, w.m.gql(t, current, changePasswordMutation, map[string]any{"input": map[string]any{"currentPassword": cur, "newPassword": new}}), "changePassword", nil)
	}
	t.Run("ErrWrongCurrent", func(t *testing.T) {
		if code := change("wrong password here", otherPassword); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrContainsUsername", func(t *testing.T) {
		if code := change(goodPassword, "my company.admin password"); code != "PASSWORD_CONTAINS_USERNAME" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		res := w.m.gql(t, "", changePasswordMutation, map[string]any{"input": map[string]any{"currentPassword": goodPassword, "newPassword": otherPassword}})
		if res.code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.code())
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := change(goodPassword, otherPassword); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.m.viewerName(t, current) != "company.admin" {
			t.Fatal("the current session ended")
		}
		if w.m.viewerName(t, other) != "" {
			t.Fatal("another session survived the change")
		}
		if tok, _ := w.m.login(t, "company.admin", otherPassword, nil); tok == "" {
			t.Fatal("the new password does not work")
		}
		if auditCount(t, w.m, "user.password_changed", w.companyAdmin) != 1 {
			t.Fatal("not audited")
		}
		if noticeCount(t, w.m, w.companyAdmin, "password_changed") != 1 {
			t.Fatal("the owner was told of no change, or also of the refused ones (ASVS 2.2.3)")
		}
	})
}

const adminResetMutation = `mutation($input: AdminResetPasswordInput!) { adminResetPassword(input: $input) { user { username } userErrors { code message } } }`

func TestAdminResetPassword(t *testing.T) {
	w := newWorld(t)
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	setPassword(t, w.m, op)
	setPassword(t, w.m, w.companyAdmin)
	session, _ := w.m.login(t, "operatore.uno", goodPassword, nil)
	input := map[string]any{"input": map[string]any{"userId": globalIDFor("User", op)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.other_admin), adminResetMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSelf", func(t *testing.T) {
		self := map[string]any{"input": map[string]any{"userId": globalIDFor("User", w.companyAdmin)}}
		res := w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), adminResetMutation, self)
		if res.code() != "FORBIDDEN" || !strings.Contains(res.Errors[0].Message, "your own") {
			t.Fatalf("errors %+v", res.Errors)
		}
		if tok, _ := w.m.login(t, "company.admin", goodPassword, nil); tok == "" {
			t.Fatal("the refused self-reset changed the password")
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), adminResetMutation, input), "adminResetPassword", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.m.viewerName(t, session) != "" {
			t.Fatal("the user's session survived the reset")
		}
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("the old password still works: %q", code)
		}
		e := latestEmail(t, w.m, "operatore.uno@example.test")
		if e.Template != "admin_password_reset" {
			t.Fatalf("email %+v", e)
		}
		var out struct{ Username string }
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{
			"token": tokenFromLink(t, e.Data["link"].(string)), "password": otherPassword}}), "resetPasswordWithToken", &out); code != "" {
			t.Fatalf("following the link: %q", code)
		}
		if tok, code := w.m.login(t, "operatore.uno", otherPassword, nil); tok == "" {
			t.Fatalf("sign-in after the reset: %q", code)
		}
		if auditCount(t, w.m, "user.password_reset", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrInvitedUser", func(t *testing.T) {
		inv, _ := invite(t, w, "ancora.invitato")
		in := map[string]any{"input": map[string]any{"userId": globalIDFor("User", inv)}}
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), adminResetMutation, in), "adminResetPassword", nil); code != "USER_INVITED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("PlatformAdmin", func(t *testing.T) {
		staff := w.f.PlatformAdmin("staff.admin")
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, staff), adminResetMutation, input), "adminResetPassword", nil); code != "" {
			t.Fatalf("code %q", code)
		}
	})
}

const beginTotpMutation = `mutation { beginTotpEnrollment { secret otpauthUri userErrors { code } } }`
const confirmTotpMutation = `mutation($input: ConfirmTotpEnrollmentInput!) { confirmTotpEnrollment(input: $input) {
  viewer { secondFactorEnrolled secondFactorEnrollmentRequired } userErrors { field code } } }`
const adminResetTotpMutation = `mutation($input: AdminResetSecondFactorInput!) { adminResetSecondFactor(input: $input) { user { username } userErrors { code message } } }`

func TestSecondFactor(t *testing.T) {
	w := newWorld(t)
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	setPassword(t, w.m, op)
	session, _ := w.m.login(t, "operatore.uno", goodPassword, nil)
	var secret string
	t.Run("Enrol", func(t *testing.T) {
		var begin struct{ Secret, OtpauthURI string }
		if code := authPayload(t, w.m.gql(t, session, beginTotpMutation, nil), "beginTotpEnrollment", &begin); code != "" {
			t.Fatalf("code %q", code)
		}
		if !strings.HasPrefix(begin.OtpauthURI, "otpauth://totp/") || !strings.Contains(begin.OtpauthURI, "operatore.uno") {
			t.Fatalf("uri %q", begin.OtpauthURI)
		}
		secret = begin.Secret
		if code := authPayload(t, w.m.gql(t, session, confirmTotpMutation, map[string]any{"input": map[string]any{"code": "000000"}}), "confirmTotpEnrollment", nil); code != "TOTP_INVALID" {
			t.Fatalf("wrong code: %q", code)
		}
		now, _ := auth.TOTPCode(secret, time.Now().Add(-30*time.Second))
		var out struct {
			Viewer struct{ SecondFactorEnrolled bool }
		}
		if code := authPayload(t, w.m.gql(t, session, confirmTotpMutation, map[string]any{"input": map[string]any{"code": now}}), "confirmTotpEnrollment", &out); code != "" || !out.Viewer.SecondFactorEnrolled {
			t.Fatalf("code %q %+v", code, out)
		}
		if code := authPayload(t, w.m.gql(t, session, beginTotpMutation, nil), "beginTotpEnrollment", nil); code != "TOTP_ALREADY_ENROLLED" {
			t.Fatalf("second enrolment: %q", code)
		}
		if auditCount(t, w.m, "user.second_factor_enrolled", op) != 1 {
			t.Fatal("not audited")
		}
		if noticeCount(t, w.m, op, "second_factor_enrolled") != 1 {
			t.Fatal("the owner was not told of the new second factor (ASVS 2.5.5)")
		}
	})
	t.Run("ErrCodeRequired", func(t *testing.T) {
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "TOTP_REQUIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWrongCode", func(t *testing.T) {
		if _, code := w.m.login(t, "operatore.uno", goodPassword, map[string]any{"totpCode": "123456x"}); code != "TOTP_INVALID" {
			t.Fatalf("code %q", code)
		}
		var n int
		if err := w.m.DB.QueryRow("SELECT count(*) FROM failed_logins WHERE user_id = ? AND reason = 'TOTP_INVALID'", op).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatal("a wrong code is not a failed sign-in")
		}
	})
	t.Run("OK", func(t *testing.T) {
		code, _ := auth.TOTPCode(secret, time.Now())
		if tok, c := w.m.login(t, "operatore.uno", goodPassword, map[string]any{"totpCode": code}); tok == "" {
			t.Fatalf("code %q", c)
		}
		t.Run("ErrReplayedCode", func(t *testing.T) {
			if _, c := w.m.login(t, "operatore.uno", goodPassword, map[string]any{"totpCode": code}); c != "TOTP_INVALID" {
				t.Fatalf("a code worked twice: %q", c)
			}
		})
	})
	input := map[string]any{"input": map[string]any{"userId": globalIDFor("User", op)}}
	t.Run("AdminResetErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.other_admin), adminResetTotpMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("AdminResetErrSelf", func(t *testing.T) {
		self := map[string]any{"input": map[string]any{"userId": globalIDFor("User", w.companyAdmin)}}
		if code := w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), adminResetTotpMutation, self).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("AdminReset", func(t *testing.T) {
		live := w.m.MustLogin(t, op)
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), adminResetTotpMutation, input), "adminResetSecondFactor", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.m.viewerName(t, live) != "" {
			t.Fatal("a session survived the second-factor reset")
		}
		if noticeCount(t, w.m, op, "second_factor_reset") != 1 {
			t.Fatal("the owner was not told of the reset (ASVS 2.5.5)")
		}
		var out loginResult
		authPayload(t, w.m.gqlUA(t, "", chromeWindows, loginMutation, map[string]any{"input": map[string]any{
			"username": "operatore.uno", "password": goodPassword, "tokenKind": "BEARER"}}), "login", &out)
		if out.Token == nil || !out.TotpEnrollmentRequired {
			t.Fatalf("sign-in after the reset: %+v", out)
		}
		var v struct {
			Viewer struct{ SecondFactorEnrolled, SecondFactorEnrollmentRequired bool }
		}
		w.m.gql(t, *out.Token, `{ viewer { secondFactorEnrolled secondFactorEnrollmentRequired } }`, nil).decode(t, &v)
		if v.Viewer.SecondFactorEnrolled || !v.Viewer.SecondFactorEnrollmentRequired {
			t.Fatalf("viewer %+v", v)
		}
		if auditCount(t, w.m, "user.second_factor_reset", op) != 1 {
			t.Fatal("not audited")
		}
	})
}
