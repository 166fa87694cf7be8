package domain_test

import (
	"testing"
	"time"

	"tenantadmin/domain"
)

func TestPeriod(t *testing.T) {
	p, err := domain.ParsePeriod("2026-01")
	if err != nil || p.String() != "2026-01" || p.Previous().String() != "2025-12" ||
		!p.Start().Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !p.End().Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("period %v %v", p, err)
	}
	for _, bad := range []string{"2026-13", "2026-1", "26-01", "2026-01-01", ""} {
		if _, err := domain.ParsePeriod(bad); domain.AsError(err) == nil || domain.AsError(err).Reason != "INVALID_PERIOD" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestLegalRepresentative(t *testing.T) {
	rep, err := domain.NormalizeLegalRepresentative("IT", domain.LegalRepresentative{GivenName: " Mario ", FamilyName: "Rossi", TaxCode: "rssmra85t10a562s"})
	if err != nil || rep.TaxCode != "RSSMRA85T10A562S" || rep.GivenName != "Mario" {
		t.Fatalf("%+v %v", rep, err)
	}
	if !rep.SamePerson(domain.LegalRepresentative{GivenName: "MARIO", FamilyName: " rossi", TaxCode: "RSSMRA85T10A562S"}) {
		t.Error("case and spacing are not a change of person")
	}
	if rep.SamePerson(domain.LegalRepresentative{GivenName: "Maria", FamilyName: "Rossi", TaxCode: "RSSMRA85T10A562S"}) {
		t.Error("another name is a change")
	}
	if _, err := domain.NormalizeLegalRepresentative("IT", domain.LegalRepresentative{GivenName: "M", FamilyName: "R", TaxCode: "RSSMRA85T10A562X"}); domain.AsError(err).Field != "legalRepresentative.taxCode" {
		t.Errorf("bad check character: %v", err)
	}
	if _, err := domain.NormalizeLegalRepresentative("IT", domain.LegalRepresentative{FamilyName: "R", TaxCode: "RSSMRA85T10A562S"}); domain.AsError(err).Field != "legalRepresentative.givenName" {
		t.Errorf("missing name: %v", err)
	}
}

func TestTenantLanguage(t *testing.T) {
	for country, want := range map[string]string{"IT": "it", "fr": "fr", "DE": "en"} {
		if got := domain.TenantLanguage(country); got != want {
			t.Errorf("%s: %s", country, got)
		}
	}
}
