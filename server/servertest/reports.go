package servertest

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"tenantadmin/report"
	"tenantadmin/server/wiring"
)

// GetReport downloads a report with a bearer token (or a session cookie
// when cookie is true).
func GetReport(t *testing.T, m *Main, token, path string, tenantID int64, cookie bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/reports/%s?tenant=%s", m.URL(), path, GlobalID("Tenant", tenantID)), nil)
	if cookie {
		req.AddCookie(&http.Cookie{Name: wiring.SessionCookie, Value: token})
	} else if token != "" {
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

// ReadCSV parses a CSV report, failing when it is not CSV.
func ReadCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, report.BOM) {
		t.Fatalf("no UTF-8 BOM: %q", body[:min(len(body), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, report.BOM))).ReadAll()
	if err != nil {
		t.Fatalf("%v: %q", err, body)
	}
	return rows
}
