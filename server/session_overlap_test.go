package main

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

// A session's second request looks the session up, reads its viewer and
// counts its rate-limit buckets at once, from what its first request
// taught the replica (server/wiring/session_overlap.go). These tests make
// sure that nothing the session lookup decides is skipped on that path.

// overlapped is the server's count of requests served that way.
func overlapped(t *testing.T, m *servertest.Main) int {
	t.Helper()
	res, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "session_requests_overlapped_total "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
	}
	t.Fatal("/metrics has no session_requests_overlapped_total")
	return 0
}

// signedIn reports whether the server answered the request as token's
// user.
func signedIn(t *testing.T, m *servertest.Main, token, username string) bool {
	t.Helper()
	res := m.GQL(t, token, viewerQuery, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("%d %q %v", res.Status, res.Code(), res.Errors)
	}
	return strings.Contains(string(res.Data), `"username":"`+username+`"`)
}

func TestSessionOverlap(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-api-tenant", "3/1m")
	f := dbtest.NewFixture(t, m.DB)
	ctx := context.Background()

	t.Run("SecondRequestOverlaps", func(t *testing.T) {
		u := f.User("prima.seconda", f.Tenant("Overlap", 0))
		token := m.MustLogin(t, u)
		before := overlapped(t, m)
		if !signedIn(t, m, token, "prima.seconda") || overlapped(t, m) != before {
			t.Fatal("the first request of a session is served without a hint")
		}
		if !signedIn(t, m, token, "prima.seconda") || overlapped(t, m) != before+1 {
			t.Fatalf("the second request was not overlapped: %d → %d", before, overlapped(t, m))
		}
	})

	t.Run("RevokedSessionIsAnonymous", func(t *testing.T) {
		u := f.User("revocata.sessione", f.Tenant("Revoked", 0))
		token := m.MustLogin(t, u)
		if !signedIn(t, m, token, "revocata.sessione") {
			t.Fatal("not signed in")
		}
		if err := m.Sessions.RevokeAll(ctx, u); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if signedIn(t, m, token, "revocata.sessione") {
				t.Fatal("a revoked session's hint still signs its requests in")
			}
		}
	})

	t.Run("SuspendedAccountIsAnonymous", func(t *testing.T) {
		u := f.User("sospesa.utente", f.Tenant("Suspended", 0))
		token := m.MustLogin(t, u)
		if !signedIn(t, m, token, "sospesa.utente") {
			t.Fatal("not signed in")
		}
		if _, err := m.DB.NewRaw("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", u).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if signedIn(t, m, token, "sospesa.utente") {
			t.Fatal("a suspended account's session is served from its hint")
		}
	})

	// A grant given after the session's last request: its tenant's bucket
	// was not counted with the others, and must be counted before the
	// request is served.
	t.Run("NewGrantsTenantIsCounted", func(t *testing.T) {
		first, second := f.Tenant("Primo", 0), f.Tenant("Secondo", 0)
		u, other := f.User("nuovo.ruolo", first), f.User("altro.utente", second)
		f.Assign(u, first, "segmenti", "user")
		f.Assign(other, second, "segmenti", "user")
		token, otherToken := m.MustLogin(t, u), m.MustLogin(t, other)
		served(t, m, token, "first request, one tenant")
		for i := range 3 {
			served(t, m, otherToken, "the second tenant's request "+strconv.Itoa(i+1))
		}
		f.Assign(u, second, "segmenti", "user")
		limited(t, m, token, "the first request after a grant in the exhausted tenant")
	})
}
