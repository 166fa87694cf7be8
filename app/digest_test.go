package app

import (
	"context"
	"strconv"
	"testing"

	"tenantadmin/db"
	"tenantadmin/domain"
)

type fakeDigests struct {
	compose db.ComposeDigest
	ac      domain.AuditContext
}

func (f *fakeDigests) RunDigest(_ context.Context, p domain.Period, compose db.ComposeDigest, ac domain.AuditContext) (domain.DigestResult, error) {
	f.compose, f.ac = compose, ac
	return domain.DigestResult{Period: p, Sent: 1}, nil
}

func (f *fakeDigests) DigestPending(context.Context, domain.Period) (bool, error) { return true, nil }

// The monthly digest's email is composed here, not in the store: the
// store is handed this App's composer, which links to the tenant's users
// page and speaks the tenant's language.
func TestDigestEmail(t *testing.T) {
	a, _, _ := newApp()
	digests := &fakeDigests{}
	a.Digests = digests
	a.UsersPageLink = func(id int64) string { return "https://admin.example/tenants/" + strconv.FormatInt(id, 10) + "/users" }
	p, err := domain.ParsePeriod("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	if _, ran, err := a.SendDueDigest(context.Background(), p); err != nil || !ran || digests.compose == nil {
		t.Fatalf("ran %v, err %v, composer %v", ran, err, digests.compose != nil)
	}
	products := []domain.DigestProduct{{ProductID: 3, Code: "PROT", Name: "Protocollo", Inactive: 1, InactiveUsernames: []string{"mario.rossi"}}}
	for _, tc := range []struct{ country, language string }{{"IT", "it"}, {"FR", "fr"}} {
		e := digests.compose(p, &domain.Tenant{ID: 2, Name: "Comune di Prova", Country: tc.country}, products)
		if e.Template != "monthly_digest" || e.Language != tc.language || e.To != "" {
			t.Errorf("%s: template %q, language %q, to %q", tc.country, e.Template, e.Language, e.To)
		}
		d := e.Data
		if d["period"] != "2026-10" || d["tenantName"] != "Comune di Prova" || d["link"] != "https://admin.example/tenants/2/users" ||
			d["usersLink"] != d["link"] || d["inactiveDays"] != 30 || len(d["products"].([]domain.DigestProduct)) != 1 {
			t.Errorf("%s: data %v", tc.country, d)
		}
	}
	if digests.ac.ActorLabel != "system:monthly-digest" {
		t.Errorf("scheduled digest recorded as %q", digests.ac.ActorLabel)
	}
}
