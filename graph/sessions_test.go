package graph_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

const mySessionsQuery = `{ mySessions { id kind current } }`
const revokeSessionMutation = `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { ok userErrors { field code } } }`

type sessionList struct {
	MySessions []struct {
		ID, Kind string
		Current  bool
	}
}

func TestMySessionsAndRevocation(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	a, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	b, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	c, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	stranger := w.M.MustLogin(t, w.OtherAdmin)
	var list sessionList
	w.M.GQL(t, a, mySessionsQuery, nil).Decode(t, &list)
	if len(list.MySessions) != 3 || list.MySessions[0].Kind != "BEARER" {
		t.Fatalf("sessions %+v", list)
	}
	var current, other string
	for _, s := range list.MySessions {
		if s.Current {
			current = s.ID
		} else {
			other = s.ID
		}
	}
	if current == "" || other == "" {
		t.Fatal("current session not marked")
	}
	if typ := globalIDType(t, current); typ != "Session" {
		t.Fatalf("session id %q is not a global Session ID (%q)", current, typ)
	}
	t.Run("ErrOtherUsersSession", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, stranger, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": current}}), "revokeSession", nil); code != "SESSION_NOT_FOUND" {
			t.Fatalf("code %q", code)
		}
		if w.M.ViewerName(t, a) == "" {
			t.Fatal("a stranger ended the session")
		}
	})
	t.Run("ErrForgedID", func(t *testing.T) {
		for _, id := range []string{"x", strings.Repeat("0", 64), strings.Repeat("z", 500)} {
			if code := servertest.AuthPayload(t, w.M.GQL(t, a, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": id}}), "revokeSession", nil); code != "SESSION_NOT_FOUND" {
				t.Fatalf("%q: code %q", id, code)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, a, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": other}}), "revokeSession", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		w.M.GQL(t, a, mySessionsQuery, nil).Decode(t, &list)
		if len(list.MySessions) != 2 {
			t.Fatalf("sessions left %d", len(list.MySessions))
		}
	})
	t.Run("RevokeOthers", func(t *testing.T) {
		var out struct{ RevokeOtherSessions struct{ RevokedCount int } }
		w.M.GQL(t, a, `mutation { revokeOtherSessions { revokedCount } }`, nil).Decode(t, &out)
		if out.RevokeOtherSessions.RevokedCount != 1 {
			t.Fatalf("revoked %d", out.RevokeOtherSessions.RevokedCount)
		}
		if w.M.ViewerName(t, b) != "" || w.M.ViewerName(t, c) != "" || w.M.ViewerName(t, a) != "company.admin" {
			t.Fatal("wrong sessions ended")
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res := w.M.GQL(t, "", mySessionsQuery, nil); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-session-idle", "1s")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("ada.rossi", f.Tenant("Azienda", 0))
	servertest.SetPassword(t, m, u)
	token, _ := m.Login(t, "ada.rossi", servertest.GoodPassword, nil)
	if m.ViewerName(t, token) != "ada.rossi" {
		t.Fatal("fresh session refused")
	}
	time.Sleep(1500 * time.Millisecond)
	if m.ViewerName(t, token) != "" {
		t.Fatal("an idle session outlived its timeout")
	}
}

// TestIdleTimeoutSlides: each use of a session pushes its idle expiry back
// (ASVS 3.3.2), so a session used more often than the idle timeout lives on
// past it, until the absolute lifetime.
func TestIdleTimeoutSlides(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-session-idle", "3s")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("ada.rossi", f.Tenant("Azienda", 0))
	servertest.SetPassword(t, m, u)
	token, _ := m.Login(t, "ada.rossi", servertest.GoodPassword, nil)
	start := time.Now()
	for time.Since(start) < 6*time.Second { // twice the idle timeout
		if m.ViewerName(t, token) != "ada.rossi" {
			t.Fatalf("a session in use expired %v after sign-in (idle timeout 3 s)", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestRevocationAcrossProcesses runs two replicas on one database and one
// Redis: a revocation through either takes effect on both at once (R18).
func TestRevocationAcrossProcesses(t *testing.T) {
	_, prefix := dbtest.MustRedis(t)
	dbURL := dbtest.NewDatabaseURL(t)
	a := servertest.MustRunMainOn(t, dbURL, prefix)
	b := servertest.MustRunMainOn(t, dbURL, prefix)
	f := dbtest.NewFixture(t, a.DB)
	tenant := f.Tenant("Azienda", 0)
	admin := f.User("admin.uno", tenant)
	f.Assign(admin, tenant, "segmenti", "admin")
	op := f.User("operatore.uno", tenant)
	f.Assign(op, tenant, "segmenti", "user")
	servertest.SetPassword(t, a, op)
	servertest.SetPassword(t, a, admin)

	t.Run("SessionSharedByReplicas", func(t *testing.T) {
		token, _ := a.Login(t, "operatore.uno", servertest.GoodPassword, nil)
		if b.ViewerName(t, token) != "operatore.uno" {
			t.Fatal("replica B does not know a session of replica A")
		}
		var list sessionList
		b.GQL(t, token, mySessionsQuery, nil).Decode(t, &list)
		if code := servertest.AuthPayload(t, b.GQL(t, token, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": list.MySessions[0].ID}}), "revokeSession", nil); code != "" {
			t.Fatal(code)
		}
		if a.ViewerName(t, token) != "" {
			t.Fatal("replica A still accepts a session revoked through B")
		}
	})
	t.Run("AdminResetOnBEndsSessionsOnA", func(t *testing.T) {
		token, _ := a.Login(t, "operatore.uno", servertest.GoodPassword, nil)
		adminToken, _ := b.Login(t, "admin.uno", servertest.GoodPassword, nil)
		if code := servertest.AuthPayload(t, b.GQL(t, adminToken, adminResetMutation, map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", op)}}), "adminResetPassword", nil); code != "" {
			t.Fatal(code)
		}
		if a.ViewerName(t, token) != "" {
			t.Fatal("replica A still accepts the session after a reset on B")
		}
	})
	t.Run("LockOnAEndsSessionsOnB", func(t *testing.T) {
		servertest.SetPassword(t, a, admin)
		token, _ := b.Login(t, "admin.uno", servertest.GoodPassword, nil)
		for range 5 {
			a.Login(t, "admin.uno", "wrong password here", nil)
		}
		if b.ViewerName(t, token) != "" {
			t.Fatal("replica B still accepts the session of an account locked through A")
		}
	})
	t.Run("RevokeAllHelper", func(t *testing.T) {
		other := f.User("operatore.due", tenant)
		tokA, tokB := a.MustLogin(t, other), b.MustLogin(t, other)
		if err := b.App.RevokeAllSessions(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		if a.ViewerName(t, tokA) != "" || a.ViewerName(t, tokB) != "" {
			t.Fatal("RevokeAllSessions on B left sessions usable on A")
		}
	})
}

// globalIDType is the type a global ID names ("" when it is not one), so
// that an id field a client caches by (Relay, Apollo) is unique across types.
func globalIDType(t *testing.T, gid string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return ""
	}
	typ, _, _ := strings.Cut(string(b), ":")
	return typ
}
