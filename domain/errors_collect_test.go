package domain_test

import (
	"reflect"
	"testing"
	"time"

	"tenantadmin/domain"
)

// fieldCodes maps each failing field to its code; it fails on a field
// reported twice.
func fieldCodes(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range domain.AllErrors(err) {
		if _, dup := out[e.Field]; dup {
			t.Errorf("field %s reported twice", e.Field)
		}
		out[e.Field] = e.Reason
	}
	return out
}

// Issue 15.2: validation reports every bad field at once, not the first.

func TestNewUserReportsEveryBadField(t *testing.T) {
	u := domain.NewUser{Username: "gv", TaxCountry: "IT", TaxCode: "RSSMRA85T10A562X", GivenName: " ", FamilyName: "",
		Email: "nope", Language: "de", TimeZone: "Mars/Base", Phone: "call me", Gender: "X", BirthDate: "1800-01-01"}
	want := map[string]string{"username": "USERNAME_TOO_SHORT", "taxCode": "INVALID_TAX_CODE", "givenName": "INVALID_NAME",
		"familyName": "INVALID_NAME", "email": "INVALID_EMAIL", "language": "INVALID_LANGUAGE", "timeZone": "INVALID_TIME_ZONE",
		"phone": "INVALID_PHONE", "gender": "INVALID_GENDER", "birthDate": "INVALID_BIRTH_DATE"}
	if got := fieldCodes(t, u.Normalize()); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v\nwant       %v", got, want)
	}
}

func TestProfileUpdateReportsEveryBadField(t *testing.T) {
	s := func(v string) *string { return &v }
	u := domain.User{GivenName: "Anna", FamilyName: "Bianchi", Language: "it", TimeZone: "Europe/Rome"}
	_, err := domain.ApplyProfileUpdate(u, domain.ProfileUpdate{GivenName: s(""), FamilyName: s(" "), Language: s("de"),
		TimeZone: s("Mars/Base"), Gender: s("X"), BirthDate: s("yesterday"), TaxCode: s("ABC"), TaxCountry: s("IT")})
	want := map[string]string{"givenName": "INVALID_NAME", "familyName": "INVALID_NAME", "language": "INVALID_LANGUAGE",
		"timeZone": "INVALID_TIME_ZONE", "gender": "INVALID_GENDER", "birthDate": "INVALID_BIRTH_DATE", "taxCode": "INVALID_TAX_CODE"}
	if got := fieldCodes(t, err); !reflect.DeepEqual(got, want) {
		t.Fatalf("failures = %v\nwant       %v", got, want)
	}
}

func TestTenantReportsEveryBadField(t *testing.T) {
	nt := domain.NewTenant{Name: " ", Country: "ITA", CertifiedEmail: "pec"}
	want := map[string]string{"name": "INVALID_NAME", "country": "INVALID_COUNTRY", "certifiedEmail": "INVALID_EMAIL"}
	if got := fieldCodes(t, nt.Normalize()); !reflect.DeepEqual(got, want) {
		t.Fatalf("create: failures = %v\nwant       %v", got, want)
	}
	s := func(v string) *string { return &v }
	days := 1
	tenant := domain.Tenant{Name: "Filiale", Country: "IT"}
	got, err := domain.ApplyTenantUpdate(tenant, domain.TenantUpdate{Name: s(""), TaxCode: s("123"), CertifiedEmail: s("x"),
		PasswordMaxAgeDays: &days, Bounds: domain.DefaultPasswordLifetimeBounds})
	want = map[string]string{"name": "INVALID_NAME", "taxCode": "INVALID_TAX_CODE", "certifiedEmail": "INVALID_EMAIL",
		"passwordMaxAgeDays": "INVALID_PASSWORD_LIFETIME"}
	if codes := fieldCodes(t, err); !reflect.DeepEqual(codes, want) {
		t.Fatalf("update: failures = %v\nwant       %v", codes, want)
	}
	if got.Name != "Filiale" || got.PasswordMaxAgeDays != nil {
		t.Fatalf("a refused update changed the tenant: %+v", got)
	}
}

func TestServiceAccountReportsEveryBadField(t *testing.T) {
	long := make([]byte, 501)
	for i := range long {
		long[i] = 'x'
	}
	sa := domain.NewServiceAccount{Username: "a b", Description: string(long)}
	want := map[string]string{"username": "USERNAME_INVALID_CHARACTER", "description": "DESCRIPTION_TOO_LONG"}
	if got := fieldCodes(t, sa.Validate()); !reflect.DeepEqual(got, want) {
		t.Fatalf("account: failures = %v\nwant       %v", got, want)
	}
	now := time.Now()
	past := now.Add(-time.Hour)
	tr := domain.NewTokenRequest{Name: " ", ExpiresAt: &past}
	want = map[string]string{"name": "INVALID_TOKEN_NAME", "expiresAt": "EXPIRY_IN_PAST"}
	if got := fieldCodes(t, tr.Validate(now)); !reflect.DeepEqual(got, want) {
		t.Fatalf("token: failures = %v\nwant       %v", got, want)
	}
}
