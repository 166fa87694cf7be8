package main

import (
	"testing"
	"time"
)

// TestAnswersThatMustNotTellAnAccountExistsArePadded (R16, ASVS 2.2.1):
// a wrong sign-in and an account-recovery request answer after at least
// the configured duration, whether or not the account exists. Only a lower
// bound is checked (the server may be slower, never faster), so a slow
// machine cannot make it fail; the bound is far above what the work costs
// without padding (one argon2id check, about 0.1 s).
func TestAnswersThatMustNotTellAnAccountExistsArePadded(t *testing.T) {
	const pad = 1500 * time.Millisecond
	m := MustRunMainWith(t, "-failed-login-min-duration", pad.String(), "-recovery-min-duration", pad.String(),
		"-rate-login-account", "0", "-rate-login-ip", "0")
	w := newWorldOn(t, m)
	setPassword(t, m, w.companyAdmin)

	timed := func(name string, f func() string, want string) {
		t.Helper()
		start := time.Now()
		code := f()
		elapsed := time.Since(start)
		t.Logf("%s: %s after %v", name, code, elapsed.Round(time.Millisecond))
		if code != want {
			t.Fatalf("%s: got %q, want %q", name, code, want)
		}
		if elapsed < pad {
			t.Errorf("%s answered after %v, before the %v pad: the time tells whether the account exists", name, elapsed, pad)
		}
	}
	login := func(username string) func() string {
		return func() string { _, code := m.login(t, username, "not the password", nil); return code }
	}
	recovery := func(identifier string) func() string {
		return func() string {
			return authPayload(t, m.gql(t, "", recoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": identifier}}), "requestAccountRecovery", nil)
		}
	}
	timed("wrong password of a known account", login("company.admin"), "INVALID_CREDENTIALS")
	timed("unknown account", login("nobody.here"), "INVALID_CREDENTIALS")
	timed("recovery of a known account", recovery("company.admin"), "")
	timed("recovery of an unknown account", recovery("nobody.here@example.test"), "")
}
