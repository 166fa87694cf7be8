package graph_test

import (
	"strings"
	"testing"
	"time"

	"tenantadmin/auth"
	"tenantadmin/domain"
	"tenantadmin/server/servertest"
)

const resendMutation = `mutation($input: ResendInvitationInput!) { resendInvitation(input: $input) { user { username status } userErrors { code message } } }`

func invitationState(t *testing.T, m *servertest.Main, token string) (string, *string) {
	t.Helper()
	var out struct {
		InvitationStatus struct {
			State    string
			Username *string
		}
	}
	m.GQL(t, "", servertest.InvitationStatusQuery, map[string]any{"token": token}).Decode(t, &out)
	return out.InvitationStatus.State, out.InvitationStatus.Username
}

func TestInvitation(t *testing.T) {
	w := servertest.NewWorld(t)
	id, token := servertest.Invite(t, w, "nuovo.utente")
	accept := func(token, password string) (string, string) {
		var out struct{ Username *string }
		code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.AcceptMutation, map[string]any{"input": map[string]any{"token": token, "password": password}}), "acceptInvitation", &out)
		if out.Username == nil {
			return "", code
		}
		return *out.Username, code
	}
	t.Run("StatusValid", func(t *testing.T) {
		state, username := invitationState(t, w.M, token)
		if state != "VALID" || username == nil || *username != "nuovo.utente" {
			t.Fatalf("state %s username %v", state, username)
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if state, username := invitationState(t, w.M, "forged"); state != "INVALID" || username != nil {
			t.Fatalf("state %s username %v", state, username)
		}
		if _, code := accept("forged", servertest.GoodPassword); code != "INVITATION_INVALID" {
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
		if servertest.UserStatus(t, w.M, id) != "INVITED" {
			t.Fatal("a refused password activated the account")
		}
	})
	t.Run("OK", func(t *testing.T) {
		if username, code := accept(token, servertest.GoodPassword); code != "" || username != "nuovo.utente" {
			t.Fatalf("code %q username %q", code, username)
		}
		if servertest.UserStatus(t, w.M, id) != "ACTIVE" {
			t.Fatal("not activated")
		}
		var verified bool
		if err := w.M.DB.QueryRow("SELECT email_verified FROM users WHERE id = ?", id).Scan(&verified); err != nil {
			t.Fatal(err)
		}
		if !verified {
			t.Fatal("the invited address is not marked verified")
		}
		if tok, code := w.M.Login(t, "nuovo.utente", servertest.GoodPassword, nil); tok == "" {
			t.Fatalf("sign-in: %q", code)
		}
		if servertest.AuditCount(t, w.M, "user.invitation_accepted", id) != 1 || servertest.EventCount(t, w.M, id, domain.EventUserUpdated) != 1 {
			t.Fatal("not audited or no event")
		}
	})
	t.Run("ErrReused", func(t *testing.T) {
		if _, code := accept(token, "another good passphrase"); code != "INVITATION_USED" {
			t.Fatalf("code %q", code)
		}
		if state, _ := invitationState(t, w.M, token); state != "USED" {
			t.Fatalf("state %s", state)
		}
	})
	t.Run("ErrExpiredExplainsItself", func(t *testing.T) {
		_, old := servertest.Invite(t, w, "in.ritardo")
		w.F.Exec("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE token_hash = ?", auth.HashToken(old))
		if state, username := invitationState(t, w.M, old); state != "EXPIRED" || username == nil {
			t.Fatalf("state %s", state)
		}
		res := w.M.GQL(t, "", servertest.AcceptMutation, map[string]any{"input": map[string]any{"token": old, "password": servertest.GoodPassword}})
		var out struct {
			UserErrors []struct{ Code, Message string }
		}
		servertest.AuthPayload(t, res, "acceptInvitation", &out)
		if len(out.UserErrors) != 1 || out.UserErrors[0].Code != "INVITATION_EXPIRED" || !strings.Contains(out.UserErrors[0].Message, "administrator") {
			t.Fatalf("userErrors %+v", out.UserErrors)
		}
	})
	t.Run("InvitationLives72Hours", func(t *testing.T) {
		var hours float64
		if err := w.M.DB.QueryRow("SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM invitations ORDER BY id LIMIT 1").Scan(&hours); err != nil {
			t.Fatal(err)
		}
		if hours < 71.9 || hours > 72.1 {
			t.Fatalf("%.1f h", hours)
		}
	})
}

func TestResendInvitation(t *testing.T) {
	w := servertest.NewWorld(t)
	id, old := servertest.Invite(t, w, "nuovo.utente")
	input := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", id)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), resendMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
		if servertest.EmailCount(t, w.M, "nuovo.utente@example.test") != 0 {
			t.Fatal("a forbidden resend sent mail")
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			User struct{ Username, Status string }
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), resendMutation, input), "resendInvitation", &out); code != "" || out.User.Status != "INVITED" {
			t.Fatalf("code %q %+v", code, out)
		}
		e := servertest.LatestEmail(t, w.M, "nuovo.utente@example.test")
		if e.Template != "invitation" || !strings.HasPrefix(e.Data["link"].(string), w.M.URL()+"/invitation#token=") {
			t.Fatalf("email %+v", e)
		}
		if state, _ := invitationState(t, w.M, old); state != "REVOKED" {
			t.Fatalf("old link: %s", state)
		}
		if state, _ := invitationState(t, w.M, servertest.TokenFromLink(t, e.Data["link"].(string))); state != "VALID" {
			t.Fatalf("new link: %s", state)
		}
		if servertest.AuditCount(t, w.M, "user.invitation_resent", id) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrNotInvited", func(t *testing.T) {
		// The technician works on amisgest: managing the account's
		// credentials needs authority over it too (issue 13, item 6).
		w.F.Assign(w.CompanyAdmin, w.Company, "amisgest", "administration")
		in := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", w.Technician)}}
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), resendMutation, in), "resendInvitation", nil); code != "NOT_INVITED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSelf", func(t *testing.T) {
		in := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", w.CompanyAdmin)}}
		if code := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), resendMutation, in).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
}

const changeExpiredMutation = `mutation($input: ChangeExpiredPasswordInput!) { changeExpiredPassword(input: $input) {
  token viewer { user { username } } userErrors { field code message } } }`

func TestPasswordExpiry(t *testing.T) {
	w := servertest.NewWorld(t)
	w.M.App.LoginRates.PerAccount = auth.Rate{} // more attempts on one account than the default allows
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	w.F.Assign(op, w.Other, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	w.F.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.Company)
	w.F.Exec("UPDATE tenants SET password_max_age_days = 30 WHERE id = ?", w.Other)
	w.F.Exec("UPDATE credentials SET password_changed_at = now() - interval '40 days' WHERE user_id = ?", op)
	t.Run("ErrExpiredByTheStrictestTenant", func(t *testing.T) {
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "PASSWORD_EXPIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWrongPasswordStaysGeneric", func(t *testing.T) {
		if _, code := w.M.Login(t, "operatore.uno", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	change := func(old, new string) (string, string) {
		var out servertest.LoginResult
		code := servertest.AuthPayload(t, w.M.GQL(t, "", changeExpiredMutation, map[string]any{"input": map[string]any{
			"username": "operatore.uno", "oldPassword": old, "newPassword": new, "tokenKind": "BEARER"}}), "changeExpiredPassword", &out)
		if out.Token == nil {
			return "", code
		}
		return *out.Token, code
	}
	t.Run("ErrWrongOldPassword", func(t *testing.T) {
		if _, code := change("wrong password here", servertest.OtherPassword); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSamePassword", func(t *testing.T) {
		if _, code := change(servertest.GoodPassword, servertest.GoodPassword); code != "PASSWORD_REUSED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if _, code := change(servertest.GoodPassword, "qwertyuiop"); code != "PASSWORD_REPETITIVE" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("OK", func(t *testing.T) {
		token, code := change(servertest.GoodPassword, servertest.OtherPassword)
		if token == "" || w.M.ViewerName(t, token) != "operatore.uno" {
			t.Fatalf("code %q", code)
		}
		if tok, code := w.M.Login(t, "operatore.uno", servertest.OtherPassword, nil); tok == "" {
			t.Fatalf("sign-in with the new password: %q", code)
		}
		if servertest.AuditCount(t, w.M, "user.password_changed", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("MustChangeAtNextLogin", func(t *testing.T) {
		w.F.Exec("UPDATE credentials SET must_change_password = true WHERE user_id = ?", op)
		if _, code := w.M.Login(t, "operatore.uno", servertest.OtherPassword, nil); code != "PASSWORD_CHANGE_REQUIRED" {
			t.Fatalf("code %q", code)
		}
		token, code := change(servertest.OtherPassword, "third passphrase of the day")
		if token == "" {
			t.Fatalf("code %q", code)
		}
		if tok, code := w.M.Login(t, "operatore.uno", "third passphrase of the day", nil); tok == "" {
			t.Fatalf("the requirement outlived the change: %q", code)
		}
	})
	t.Run("ErrNotExpiredWithoutPolicy", func(t *testing.T) {
		w.F.Exec("UPDATE tenants SET password_max_age_days = NULL")
		w.F.Exec("UPDATE credentials SET password_changed_at = now() - interval '4000 days' WHERE user_id = ?", op)
		if tok, code := w.M.Login(t, "operatore.uno", "third passphrase of the day", nil); tok == "" {
			t.Fatalf("no policy, yet %q", code)
		}
	})
	t.Run("TenantFieldShowsPolicy", func(t *testing.T) {
		w.F.Exec("UPDATE tenants SET password_max_age_days = 45 WHERE id = ?", w.Company)
		var out struct {
			Node struct{ PasswordMaxAgeDays *int }
		}
		w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), `query($id: ID!) { node(id: $id) { ... on Tenant { passwordMaxAgeDays } } }`,
			map[string]any{"id": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &out)
		if out.Node.PasswordMaxAgeDays == nil || *out.Node.PasswordMaxAgeDays != 45 {
			t.Fatalf("got %v", out.Node.PasswordMaxAgeDays)
		}
	})
}

const changePasswordMutation = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { user { username } userErrors { field code message } } }`

func TestChangePassword(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	current, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	other, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	change := func(cur, new string) string {
		return servertest.AuthPayload(t, w.M.GQL(t, current, changePasswordMutation, map[string]any{"input": map[string]any{"currentPassword": cur, "newPassword": new}}), "changePassword", nil)
	}
	t.Run("ErrWrongCurrent", func(t *testing.T) {
		if code := change("wrong password here", servertest.OtherPassword); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrContainsUsername", func(t *testing.T) {
		if code := change(servertest.GoodPassword, "my company.admin password"); code != "PASSWORD_CONTAINS_USERNAME" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		res := w.M.GQL(t, "", changePasswordMutation, map[string]any{"input": map[string]any{"currentPassword": servertest.GoodPassword, "newPassword": servertest.OtherPassword}})
		if res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := change(servertest.GoodPassword, servertest.OtherPassword); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.M.ViewerName(t, current) != "company.admin" {
			t.Fatal("the current session ended")
		}
		if w.M.ViewerName(t, other) != "" {
			t.Fatal("another session survived the change")
		}
		if tok, _ := w.M.Login(t, "company.admin", servertest.OtherPassword, nil); tok == "" {
			t.Fatal("the new password does not work")
		}
		if servertest.AuditCount(t, w.M, "user.password_changed", w.CompanyAdmin) != 1 {
			t.Fatal("not audited")
		}
		if servertest.NoticeCount(t, w.M, w.CompanyAdmin, "password_changed") != 1 {
			t.Fatal("the owner was told of no change, or also of the refused ones (ASVS 2.2.3)")
		}
	})
}

const adminResetMutation = `mutation($input: AdminResetPasswordInput!) { adminResetPassword(input: $input) { user { username } userErrors { code message } } }`

func TestAdminResetPassword(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	session, _ := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil)
	input := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", op)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), adminResetMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrSelf", func(t *testing.T) {
		self := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", w.CompanyAdmin)}}
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), adminResetMutation, self)
		if res.Code() != "FORBIDDEN" || !strings.Contains(res.Errors[0].Message, "your own") {
			t.Fatalf("errors %+v", res.Errors)
		}
		if tok, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil); tok == "" {
			t.Fatal("the refused self-reset changed the password")
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), adminResetMutation, input), "adminResetPassword", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.M.ViewerName(t, session) != "" {
			t.Fatal("the user's session survived the reset")
		}
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("the old password still works: %q", code)
		}
		e := servertest.LatestEmail(t, w.M, "operatore.uno@example.test")
		if e.Template != "admin_password_reset" {
			t.Fatalf("email %+v", e)
		}
		var out struct{ Username string }
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{
			"token": servertest.TokenFromLink(t, e.Data["link"].(string)), "password": servertest.OtherPassword}}), "resetPasswordWithToken", &out); code != "" {
			t.Fatalf("following the link: %q", code)
		}
		if tok, code := w.M.Login(t, "operatore.uno", servertest.OtherPassword, nil); tok == "" {
			t.Fatalf("sign-in after the reset: %q", code)
		}
		if servertest.AuditCount(t, w.M, "user.password_reset", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrInvitedUser", func(t *testing.T) {
		inv, _ := servertest.Invite(t, w, "ancora.invitato")
		in := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", inv)}}
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), adminResetMutation, in), "adminResetPassword", nil); code != "USER_INVITED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("PlatformAdmin", func(t *testing.T) {
		staff := w.F.PlatformAdmin("staff.admin")
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, staff), adminResetMutation, input), "adminResetPassword", nil); code != "" {
			t.Fatalf("code %q", code)
		}
	})
}

const beginTotpMutation = `mutation { beginTotpEnrollment { secret otpauthUri userErrors { code } } }`
const confirmTotpMutation = `mutation($input: ConfirmTotpEnrollmentInput!) { confirmTotpEnrollment(input: $input) {
  viewer { secondFactorEnrolled secondFactorEnrollmentRequired } userErrors { field code } } }`
const adminResetTotpMutation = `mutation($input: AdminResetSecondFactorInput!) { adminResetSecondFactor(input: $input) { user { username } userErrors { code message } } }`

func TestSecondFactor(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	session, _ := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil)
	var secret string
	t.Run("Enrol", func(t *testing.T) {
		var begin struct{ Secret, OtpauthURI string }
		if code := servertest.AuthPayload(t, w.M.GQL(t, session, beginTotpMutation, nil), "beginTotpEnrollment", &begin); code != "" {
			t.Fatalf("code %q", code)
		}
		if !strings.HasPrefix(begin.OtpauthURI, "otpauth://totp/") || !strings.Contains(begin.OtpauthURI, "operatore.uno") {
			t.Fatalf("uri %q", begin.OtpauthURI)
		}
		secret = begin.Secret
		if code := servertest.AuthPayload(t, w.M.GQL(t, session, confirmTotpMutation, map[string]any{"input": map[string]any{"code": "000000"}}), "confirmTotpEnrollment", nil); code != "TOTP_INVALID" {
			t.Fatalf("wrong code: %q", code)
		}
		now, _ := auth.TOTPCode(secret, time.Now().Add(-30*time.Second))
		var out struct {
			Viewer struct{ SecondFactorEnrolled bool }
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, session, confirmTotpMutation, map[string]any{"input": map[string]any{"code": now}}), "confirmTotpEnrollment", &out); code != "" || !out.Viewer.SecondFactorEnrolled {
			t.Fatalf("code %q %+v", code, out)
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, session, beginTotpMutation, nil), "beginTotpEnrollment", nil); code != "TOTP_ALREADY_ENROLLED" {
			t.Fatalf("second enrolment: %q", code)
		}
		if servertest.AuditCount(t, w.M, "user.second_factor_enrolled", op) != 1 {
			t.Fatal("not audited")
		}
		if servertest.NoticeCount(t, w.M, op, "second_factor_enrolled") != 1 {
			t.Fatal("the owner was not told of the new second factor (ASVS 2.5.5)")
		}
	})
	t.Run("ErrCodeRequired", func(t *testing.T) {
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "TOTP_REQUIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrWrongCode", func(t *testing.T) {
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, map[string]any{"totpCode": "123456x"}); code != "TOTP_INVALID" {
			t.Fatalf("code %q", code)
		}
		var n int
		if err := w.M.DB.QueryRow("SELECT count(*) FROM failed_logins WHERE user_id = ? AND reason = 'TOTP_INVALID'", op).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatal("a wrong code is not a failed sign-in")
		}
	})
	t.Run("OK", func(t *testing.T) {
		code, _ := auth.TOTPCode(secret, time.Now())
		if tok, c := w.M.Login(t, "operatore.uno", servertest.GoodPassword, map[string]any{"totpCode": code}); tok == "" {
			t.Fatalf("code %q", c)
		}
		t.Run("ErrReplayedCode", func(t *testing.T) {
			if _, c := w.M.Login(t, "operatore.uno", servertest.GoodPassword, map[string]any{"totpCode": code}); c != "TOTP_INVALID" {
				t.Fatalf("a code worked twice: %q", c)
			}
		})
	})
	input := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", op)}}
	t.Run("AdminResetErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), adminResetTotpMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("AdminResetErrSelf", func(t *testing.T) {
		self := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", w.CompanyAdmin)}}
		if code := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), adminResetTotpMutation, self).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("AdminReset", func(t *testing.T) {
		live := w.M.MustLogin(t, op)
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), adminResetTotpMutation, input), "adminResetSecondFactor", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		if w.M.ViewerName(t, live) != "" {
			t.Fatal("a session survived the second-factor reset")
		}
		if servertest.NoticeCount(t, w.M, op, "second_factor_reset") != 1 {
			t.Fatal("the owner was not told of the reset (ASVS 2.5.5)")
		}
		var out servertest.LoginResult
		servertest.AuthPayload(t, w.M.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "operatore.uno", "password": servertest.GoodPassword, "tokenKind": "BEARER"}}), "login", &out)
		if out.Token == nil || !out.TotpEnrollmentRequired {
			t.Fatalf("sign-in after the reset: %+v", out)
		}
		var v struct {
			Viewer struct{ SecondFactorEnrolled, SecondFactorEnrollmentRequired bool }
		}
		w.M.GQL(t, *out.Token, `{ viewer { secondFactorEnrolled secondFactorEnrollmentRequired } }`, nil).Decode(t, &v)
		if v.Viewer.SecondFactorEnrolled || !v.Viewer.SecondFactorEnrollmentRequired {
			t.Fatalf("viewer %+v", v)
		}
		if servertest.AuditCount(t, w.M, "user.second_factor_reset", op) != 1 {
			t.Fatal("not audited")
		}
	})
}
