package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

var utcStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// TestUserListCSV (issue 19.2, seed 001's monthly clean-up of inactive
// users): the users list as the SPA filters it, as CSV, authorized as the
// GraphQL list, with personal data blanked as R12 says and formula cells
// neutralised.
func TestUserListCSV(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	evil := w.F.User("evil.name", w.Company)
	w.F.Assign(evil, w.Company, "segmenti", "guest")
	w.F.Exec(`UPDATE users SET given_name = '=HYPERLINK("http://x")', family_name = 'Rossi', email = '@evil.example',
		created_at = now() - interval '60 days' WHERE id = ?`, evil)
	w.F.Exec(`UPDATE users SET last_login_at = now() - interval '40 days', created_at = now() - interval '90 days' WHERE id = ?`, w.Operator)
	w.F.Exec(`UPDATE users SET last_login_at = now() - interval '2 days', status = 'SUSPENDED' WHERE id = ?`, w.Technician)
	w.F.Exec(`UPDATE role_assignments SET status = 'SUSPENDED' WHERE user_id = ?`, w.Operator)
	w.F.Assign(w.Operator, w.Site, "segmenti", "guest")
	// A tenant the company's admin does not see.
	w.F.Assign(w.Operator, w.Other, "clienti", "guest")

	get := func(token string, tenantID int64, params url.Values) (*http.Response, string) {
		t.Helper()
		if params == nil {
			params = url.Values{}
		}
		params.Set("tenant", servertest.GlobalID("Tenant", tenantID))
		req, _ := http.NewRequest(http.MethodGet, w.M.URL()+"/reports/user-list.csv?"+params.Encode(), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	usernames := func(rows [][]string) string {
		var names []string
		for _, r := range rows[1:] {
			names = append(names, r[0])
		}
		return strings.Join(names, ",")
	}
	byName := func(rows [][]string, name string) []string {
		for _, r := range rows {
			if r[0] == name {
				return r
			}
		}
		t.Fatalf("no row of %s in %q", name, rows)
		return nil
	}

	t.Run("OK", func(t *testing.T) {
		res, body := get(admin, w.Company, nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=user-list-filiale-srl-") || !strings.HasSuffix(cd, ".csv") {
			t.Fatalf("Content-Disposition = %q", cd)
		}
		rows := servertest.ReadCSV(t, body)
		if got := strings.Join(rows[0], ","); got != "username,display_name,email,status,memberships,created_at,last_login_at" {
			t.Fatalf("header %s", got)
		}
		if got := usernames(rows); got != "company.admin,evil.name,operatore.uno,tech.amisgest" {
			t.Fatalf("users %s", got)
		}
		// A spreadsheet must not run the name or the email as a formula.
		e := byName(rows, "evil.name")
		if e[1] != `'=HYPERLINK("http://x") Rossi` || e[2] != "'@evil.example" || e[3] != "ACTIVE" || e[6] != "" {
			t.Fatalf("evil row %q", e)
		}
		// Every tenant the viewer sees the user in (not the other
		// company), with the roles there.
		op := byName(rows, "operatore.uno")
		if !strings.HasPrefix(op[4], "Filiale Srl (segmenti ") || !strings.Contains(op[4], "[SUSPENDED]") ||
			!strings.HasSuffix(op[4], "; Sede operativa Torino (segmenti GUEST)") || op[1] != "Givenoperatore.uno Familyoperatore.uno" {
			t.Fatalf("operator row %q", op)
		}
		if tech := byName(rows, "tech.amisgest"); tech[3] != "SUSPENDED" || !utcStamp.MatchString(tech[5]) || !utcStamp.MatchString(tech[6]) {
			t.Fatalf("technician row %q", tech)
		}
	})
	for name, c := range map[string]struct {
		params url.Values
		want   string
	}{
		"InactiveSinceDays": {url.Values{"inactiveSinceDays": {"30"}}, "evil.name,operatore.uno"},
		"InactiveLonger":    {url.Values{"inactiveSinceDays": {"70"}}, ""},
		"Status":            {url.Values{"status": {"SUSPENDED"}}, "tech.amisgest"},
		"Product":           {url.Values{"productId": {w.Product(t, "amisgest")}}, "tech.amisgest"},
		"Role":              {url.Values{"roleId": {w.Role(t, "segmenti", "guest")}}, "evil.name"},
		"Category":          {url.Values{"category": {"ADMIN"}}, "company.admin"},
		"AssignmentStatus":  {url.Values{"assignmentStatus": {"SUSPENDED"}}, "operatore.uno"},
		"Search":            {url.Values{"search": {"OPERATORE"}}, "operatore.uno"},
		"Combined":          {url.Values{"inactiveSinceDays": {"30"}, "productId": {w.Product(t, "segmenti")}, "search": {"evil"}}, "evil.name"},
	} {
		t.Run("Filter"+name, func(t *testing.T) {
			res, body := get(admin, w.Company, c.params)
			if res.StatusCode != 200 {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
			if got := usernames(servertest.ReadCSV(t, body)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("SameUsersAsTheGraphQLList", func(t *testing.T) {
		filter := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "inactiveSinceDays": 30}
		var page servertest.UsersPage
		w.M.GQL(t, admin, servertest.UsersPageQuery, map[string]any{"first": 10, "filter": filter}).Decode(t, &page)
		var names []string
		for _, e := range page.Users.Edges {
			names = append(names, e.Node.Username)
		}
		_, body := get(admin, w.Company, url.Values{"inactiveSinceDays": {"30"}})
		if got := usernames(servertest.ReadCSV(t, body)); got != strings.Join(names, ",") || got == "" {
			t.Fatalf("CSV %q, GraphQL %q", got, strings.Join(names, ","))
		}
		res := w.M.GQL(t, admin, servertest.UsersPageQuery, map[string]any{"first": 10, "filter": map[string]any{"inactiveSinceDays": 0}})
		if res.Code() != "BAD_USER_INPUT" && !strings.Contains(fmt.Sprint(res.Errors), "INVALID_FILTER") {
			t.Fatalf("inactiveSinceDays 0: %+v", res.Errors)
		}
	})
	t.Run("DescendantLikeTheGraphQLList", func(t *testing.T) {
		res, body := get(w.Token(t, w.HoldingAdmin), w.Site, nil)
		if res.StatusCode != 200 || usernames(servertest.ReadCSV(t, body)) != "operatore.uno,site.admin" {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
	})
	t.Run("PersonalDataHiddenFromRestrictedAdmin", func(t *testing.T) {
		// An ADMIN role without personal-data access (R12): usernames and
		// roles, names and emails only of the viewer.
		w.F.Exec(`INSERT INTO roles (product_id, code, name, category, personal_data_access)
			SELECT id, 'auditor', 'Auditor', 'ADMIN', false FROM products WHERE code = 'send'`)
		auditor := w.F.User("auditor", w.Company)
		w.F.Assign(auditor, w.Company, "send", "auditor")
		res, body := get(w.M.MustLogin(t, auditor), w.Company, nil)
		if res.StatusCode != 200 {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		rows := servertest.ReadCSV(t, body)
		if len(rows) != 6 {
			t.Fatalf("rows %q", rows)
		}
		for _, r := range rows[1:] {
			hidden := r[1] == "" && r[2] == ""
			if (r[0] == "auditor") == hidden || r[4] == "" {
				t.Fatalf("row %q: personal data must show for the viewer only", r)
			}
		}
	})
	t.Run("Errors", func(t *testing.T) {
		if res, body := get(w.Token(t, w.OtherAdmin), w.Company, nil); res.StatusCode != 403 || !strings.Contains(body, `"FORBIDDEN"`) {
			t.Fatalf("another tenant's admin: %d %s", res.StatusCode, body)
		}
		if res, _ := get("", w.Company, nil); res.StatusCode != 401 {
			t.Fatalf("anonymous: %d", res.StatusCode)
		}
		for _, p := range []url.Values{{"status": {"GONE"}}, {"category": {"admin"}}, {"assignmentStatus": {"X"}},
			{"inactiveSinceDays": {"0"}}, {"inactiveSinceDays": {"3651"}}, {"inactiveSinceDays": {"ten"}}, {"productId": {"nope"}}} {
			if res, body := get(admin, w.Company, p); res.StatusCode != 400 || !strings.Contains(body, "BAD_USER_INPUT") {
				t.Errorf("%v: %d %s", p, res.StatusCode, body)
			}
		}
	})
}
