package app

import (
	"testing"

	"tenantadmin/domain"
)

// The filters of a report are read only once the viewer may see it: a
// malformed filter tells nothing to someone refused.
func TestFailedLoginsReportAuthorizesFirst(t *testing.T) {
	a, _, _ := newApp()
	read := 0
	filter := func() (domain.FailedLoginFilter, error) {
		read++
		return domain.FailedLoginFilter{}, domain.FieldError("from", domain.ReasonInvalidFilter, "bad")
	}
	if _, err := a.FailedLoginsReport(as(adminOfA), tenantB, filter); code(err) != domain.EFORBIDDEN || read != 0 {
		t.Fatalf("another tenant: %v, filter read %d times", err, read)
	}
	if _, err := a.FailedLoginsReport(as(nil), tenantA, filter); code(err) != domain.EUNAUTHENTICATED || read != 0 {
		t.Fatalf("signed out: %v, filter read %d times", err, read)
	}
	if _, err := a.FailedLoginsReport(as(adminOfA), tenantA, filter); code(err) != domain.ReasonInvalidFilter || read != 1 {
		t.Fatalf("own tenant: %v, filter read %d times", err, read)
	}
}
