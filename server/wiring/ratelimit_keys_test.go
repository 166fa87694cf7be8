package wiring

import (
	"errors"
	"testing"

	"tenantadmin/auth"
	"tenantadmin/domain"
)

// TestAPILimitKeys pins the buckets a request counts against: a service
// account token under its id, never under the session id it does not have;
// and no viewer is ever counted under an empty key.
func TestAPILimitKeys(t *testing.T) {
	m := NewMain()
	if err := m.ParseFlags([]string{"-rate-api-session", "5/1m", "-rate-api-tenant", "50/1m", "-rate-api-ip", "7/1m"}); err != nil {
		t.Fatal(err)
	}
	keys := func(v *domain.Viewer, ip string) (string, error) {
		limits, err := m.apiLimits(v, ip)
		s := ""
		for _, l := range limits {
			s += l.key.String() + "@" + l.rate.String() + " "
		}
		return s, err
	}
	grants := []domain.Grant{{TenantID: 7}, {TenantID: 9}, {TenantID: 7}}
	for _, c := range []struct {
		name string
		v    *domain.Viewer
		want string
	}{
		{"ServiceToken", &domain.Viewer{UserID: 3, Kind: domain.KindService, ServiceTokenID: 42, Grants: grants},
			"api-token:42@5/1m0s api-tenant:7@50/1m0s api-tenant:9@50/1m0s "},
		{"Session", &domain.Viewer{UserID: 4, SessionID: "ab12", Grants: grants[:1]},
			"api-session:ab12@5/1m0s api-tenant:7@50/1m0s "},
		{"Anonymous", nil, "api-ip:192.0.2.1@7/1m0s "},
	} {
		if got, err := keys(c.v, "192.0.2.1"); err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
	if got, err := keys(&domain.Viewer{UserID: 5, Grants: grants}, "192.0.2.1"); !errors.Is(err, auth.ErrEmptyLimitKey) {
		t.Errorf("a viewer with neither session nor token: %q %v, want ErrEmptyLimitKey", got, err)
	}
	if got, err := keys(nil, ""); !errors.Is(err, auth.ErrEmptyLimitKey) {
		t.Errorf("anonymous without an address: %q %v, want ErrEmptyLimitKey", got, err)
	}
}
