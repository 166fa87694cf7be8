package httpapi_test

import (
	"testing"

	"tenantadmin/httpapi"
)

func TestRedactPath(t *testing.T) {
	for in, want := range map[string]string{
		"/nominations/abc-DEF_123/form.pdf": "/nominations/{token}/form.pdf",
		"/nominations/abc":                  "/nominations/{token}",
		"/graphql":                          "/graphql",
	} {
		if got := httpapi.RedactPath(in); got != want {
			t.Errorf("RedactPath(%q) = %q", in, got)
		}
	}
}
