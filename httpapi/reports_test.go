package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

func TestReports(t *testing.T) {
	w := servertest.NewWorld(t)
	evil := w.F.User("evil.name", w.Company)
	w.F.Assign(evil, w.Company, "segmenti", "user")
	w.F.Assign(evil, w.Company, "clienti", "guest")
	w.F.Exec(`UPDATE users SET given_name = '=HYPERLINK("http://x","click")', family_name = '+Rossi', last_login_at = '2026-01-02T03:04:05Z' WHERE id = ?`, evil)
	invited := w.F.User("not.active", w.Company)
	w.F.Assign(invited, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", invited)
	siteUser := w.F.User("site.user", w.Site)
	w.F.Assign(siteUser, w.Site, "clienti", "user")

	t.Run("OKUsers", func(t *testing.T) {
		res, body := servertest.GetReport(t, w.M, w.M.MustLogin(t, w.CompanyAdmin), "users.csv", w.Company, false)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=users-filiale-srl-") || !strings.HasSuffix(cd, ".csv") {
			t.Fatalf("Content-Disposition = %q", cd)
		}
		rows := servertest.ReadCSV(t, body)
		if strings.Join(rows[0], ",") != "username,given_name,family_name,email,tax_code,status,kind,home_tenant,created_at,last_login_at" {
			t.Fatalf("header = %v", rows[0])
		}
		var names []string
		for _, r := range rows[1:] {
			names = append(names, r[0])
		}
		// Active members only, in username order; not the invited one.
		if got := strings.Join(names, ","); got != "company.admin,evil.name,tech.amisgest" {
			t.Fatalf("users = %s", got)
		}
		e := rows[2]
		if e[1] != `'=HYPERLINK("http://x","click")` || e[2] != "'+Rossi" || e[3] != "evil.name@example.test" ||
			e[5] != "ACTIVE" || e[7] != "Filiale Srl" || e[9] != "2026-01-02T03:04:05Z" {
			t.Fatalf("row = %q", e)
		}
	})
	t.Run("OKPermissions", func(t *testing.T) {
		_, body := servertest.GetReport(t, w.M, w.M.MustLogin(t, w.CompanyAdmin), "permissions.csv", w.Company, false)
		rows := servertest.ReadCSV(t, body)
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0]+"/"+r[5]+"/"+r[7]+"/"+r[9]+"/"+r[10])
		}
		want := "company.admin/segmenti/admin/ADMIN/ACTIVE,evil.name/clienti/guest/OPERATOR/ACTIVE,evil.name/segmenti/user/OPERATOR/ACTIVE,tech.amisgest/amisgest/external-technician/OPERATOR/ACTIVE"
		if strings.Join(got, ",") != want {
			t.Fatalf("permissions =\n%s\nwant\n%s", strings.Join(got, ","), want)
		}
	})
	t.Run("OKFirstLevelChildWithCookie", func(t *testing.T) {
		res, body := servertest.GetReport(t, w.M, w.M.MustLoginCookie(t, w.CompanyAdmin), "users.csv", w.Site, true)
		if res.StatusCode != 200 || !strings.Contains(body, "site.user") {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		res, _ = servertest.GetReport(t, w.M, w.M.MustLogin(t, w.HoldingAdmin), "users.csv", w.Company, false)
		if res.StatusCode != 200 {
			t.Fatalf("holding admin on its first-level child: %d", res.StatusCode)
		}
	})
	t.Run("ErrSecondLevelChild", func(t *testing.T) {
		if res, _ := servertest.GetReport(t, w.M, w.M.MustLogin(t, w.HoldingAdmin), "users.csv", w.Site, false); res.StatusCode != 403 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res, body := servertest.GetReport(t, w.M, w.M.MustLogin(t, w.OtherAdmin), "permissions.csv", w.Company, false)
		if res.StatusCode != 403 || !strings.Contains(body, `"FORBIDDEN"`) {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		if res, _ := servertest.GetReport(t, w.M, w.M.MustLogin(t, w.Technician), "users.csv", w.Company, false); res.StatusCode != 403 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res, _ := servertest.GetReport(t, w.M, "", "users.csv", w.Company, false); res.StatusCode != 401 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrBadTenantID", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, w.M.URL()+"/reports/users.csv?tenant=nope", nil)
		req.Header.Set("Authorization", "Bearer "+w.M.MustLogin(t, w.CompanyAdmin))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("PersonalDataHiddenFromRestrictedAdmin", func(t *testing.T) {
		// An ADMIN role without personal-data access (R12): the report
		// shows usernames and roles, names and emails only for the viewer.
		w.F.Exec(`INSERT INTO roles (product_id, code, name, category, personal_data_access)
			SELECT id, 'auditor', 'Auditor', 'ADMIN', false FROM products WHERE code = 'send'`)
		auditor := w.F.User("auditor", w.Company)
		w.F.Assign(auditor, w.Company, "send", "auditor")
		_, body := servertest.GetReport(t, w.M, w.M.MustLogin(t, auditor), "users.csv", w.Company, false)
		for _, r := range servertest.ReadCSV(t, body)[1:] {
			hidden := r[1] == "" && r[2] == "" && r[3] == "" && r[4] == ""
			if (r[0] == "auditor") == hidden {
				t.Fatalf("row %q: personal data must show for the viewer only", r)
			}
		}
	})
}
