package graph_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tenantadmin/server/servertest"
)

const tenantFailedLoginsQuery = `query($t: ID!, $filter: FailedLoginFilter, $after: String) { node(id: $t) { ... on Tenant {
  failedLogins(first: 10, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
    nodes { user { username } ip operatingSystem browser reason } } } } }`

// TestFailedSignInsPerTenant (issue 16.6, seed 003): a tenant's failed
// sign-ins in one list, newest first, filtered by period, user, operating
// system, browser and IP, and as CSV with the same filters; for whoever
// oversees the tenant, and only the records of that tenant.
func TestFailedSignInsPerTenant(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	company, other := w.Company, w.Other
	// A real failed sign-in, recorded by the server (Chrome on Windows).
	servertest.SetPassword(t, w.M, w.Operator)
	if _, code := w.M.Login(t, "operatore.uno", "not the password at all", nil); code != "INVALID_CREDENTIALS" {
		t.Fatalf("wrong password: %q", code)
	}
	w.F.Exec("UPDATE failed_logins SET ip = '203.0.113.7' WHERE user_id = ?", w.Operator)
	// Older records: the technician on an iPhone, from another network; one
	// of another tenant only (the operator's other tenant, say).
	w.F.Exec(`INSERT INTO failed_logins (user_id, created_at, ip, user_agent, operating_system, browser, reason, tenant_ids) VALUES
		(?, now() - interval '3 days', '198.51.100.20', 'iPhone Safari', 'iOS', 'Safari', 'TOTP_INVALID', ARRAY[?]::bigint[]),
		(?, now() - interval '40 days', '203.0.113.99', 'Firefox', 'Linux', 'Firefox', 'INVALID_CREDENTIALS', ARRAY[?]::bigint[]),
		(?, now() - interval '1 day', '203.0.113.8', 'Chrome', 'Windows', 'Chrome', 'INVALID_CREDENTIALS', ARRAY[?]::bigint[])`,
		w.Technician, company, w.Technician, company, w.Operator, other)

	list := func(token string, tenantID int64, filter map[string]any) (string, int, *servertest.Response) {
		res := w.M.GQL(t, token, tenantFailedLoginsQuery, map[string]any{"t": servertest.GlobalID("Tenant", tenantID), "filter": filter})
		var out struct {
			Node struct {
				FailedLogins struct {
					TotalCount int
					Nodes      []struct {
						User                *struct{ Username string }
						IP, OperatingSystem string
						Browser, Reason     string
					}
				}
			}
		}
		if len(res.Errors) > 0 {
			return "", 0, res
		}
		res.Decode(t, &out)
		var rows []string
		for _, n := range out.Node.FailedLogins.Nodes {
			rows = append(rows, n.User.Username+"@"+n.IP+"/"+n.OperatingSystem+"/"+n.Browser)
		}
		return strings.Join(rows, " "), out.Node.FailedLogins.TotalCount, res
	}

	t.Run("NewestFirstThisTenantOnly", func(t *testing.T) {
		got, total, _ := list(admin, company, nil)
		if got != "operatore.uno@203.0.113.7/Windows/Chrome tech.amisgest@198.51.100.20/iOS/Safari tech.amisgest@203.0.113.99/Linux/Firefox" || total != 3 {
			t.Fatalf("first page %q, total %d", got, total)
		}
	})
	for _, c := range []struct {
		name   string
		filter map[string]any
		want   string
	}{
		{"Period", map[string]any{"from": time.Now().Add(-10 * 24 * time.Hour).Format(time.RFC3339), "to": time.Now().Add(-time.Hour).Format(time.RFC3339)},
			"tech.amisgest@198.51.100.20/iOS/Safari"},
		{"User", map[string]any{"userId": servertest.GlobalID("User", w.Operator)}, "operatore.uno@203.0.113.7/Windows/Chrome"},
		{"OperatingSystemIgnoringCase", map[string]any{"operatingSystem": "windows"}, "operatore.uno@203.0.113.7/Windows/Chrome"},
		{"Browser", map[string]any{"browser": "Firefox"}, "tech.amisgest@203.0.113.99/Linux/Firefox"},
		{"IPAddress", map[string]any{"ip": "198.51.100.20"}, "tech.amisgest@198.51.100.20/iOS/Safari"},
		{"IPPrefix", map[string]any{"ip": "203.0.113.0/24", "browser": "chrome"}, "operatore.uno@203.0.113.7/Windows/Chrome"},
	} {
		t.Run("Filter"+c.name, func(t *testing.T) {
			if got, _, res := list(admin, company, c.filter); got != c.want {
				t.Fatalf("got %q, want %q (%+v)", got, c.want, res.Errors)
			}
		})
	}
	for name, filter := range map[string]map[string]any{
		"ErrBadIP":         {"ip": "203.0.113"},
		"ErrBackwardRange": {"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, res := list(admin, company, filter)
			if len(res.Errors) == 0 {
				t.Fatal("accepted")
			}
			if reason, _ := res.Errors[0].Extensions["reason"].(string); res.Code() != "INVALID_FILTER" && reason != "INVALID_FILTER" {
				t.Fatalf("errors %+v", res.Errors)
			}
		})
	}
	t.Run("ParentAdminOversees", func(t *testing.T) {
		if _, total, res := list(w.Token(t, w.HoldingAdmin), company, nil); total != 3 {
			t.Fatalf("holding admin: total %d, errors %+v", total, res.Errors)
		}
	})
	t.Run("ErrHiddenFromOtherTenant", func(t *testing.T) {
		// The tenant itself is out of sight: node answers null.
		if got, total, res := list(w.Token(t, w.OtherAdmin), company, nil); got != "" || total != 0 || len(res.Errors) > 0 && res.Code() != "FORBIDDEN" {
			t.Fatalf("%q %d %+v", got, total, res.Errors)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		if _, _, res := list(w.Token(t, w.Operator), company, nil); res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %+v", res.Errors)
		}
	})

	csvOf := func(token string, tenantID int64, params url.Values) (int, string) {
		params.Set("tenant", servertest.GlobalID("Tenant", tenantID))
		req, _ := http.NewRequest(http.MethodGet, w.M.URL()+"/reports/failed-logins.csv?"+params.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	t.Run("CSV", func(t *testing.T) {
		status, body := csvOf(admin, company, url.Values{"ip": {"203.0.113.0/24"}})
		if status != 200 {
			t.Fatalf("%d: %s", status, body)
		}
		rows := servertest.ReadCSV(t, body)
		if strings.Join(rows[0], ",") != "at,username,ip,operating_system,browser,user_agent,reason" || len(rows) != 3 {
			t.Fatalf("rows %q", rows)
		}
		if rows[1][1] != "operatore.uno" || rows[1][3] != "Windows" || !strings.HasPrefix(rows[1][5], "Mozilla/5.0 (Windows") ||
			rows[2][1] != "tech.amisgest" || rows[2][2] != "203.0.113.99" || rows[2][6] != "INVALID_CREDENTIALS" {
			t.Fatalf("rows %q", rows[1:])
		}
	})
	t.Run("CSVErrors", func(t *testing.T) {
		if status, body := csvOf(w.Token(t, w.OtherAdmin), company, url.Values{}); status != 403 || !strings.Contains(body, "FORBIDDEN") {
			t.Fatalf("another tenant's admin: %d %s", status, body)
		}
		if status, body := csvOf(admin, company, url.Values{"ip": {"not-an-ip"}}); status != 400 || !strings.Contains(body, "BAD_USER_INPUT") {
			t.Fatalf("bad ip: %d %s", status, body)
		}
		if status, body := csvOf(admin, company, url.Values{"from": {"yesterday"}}); status != 400 {
			t.Fatalf("bad from: %d %s", status, body)
		}
	})
}
