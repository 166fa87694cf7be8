package graph

import (
	"reflect"
	"testing"

	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// TestUserErrorsReportsEveryFailure (issue 15.2): every failure of a
// domain.Errors becomes its own userError, at its field path.
func TestUserErrorsReportsEveryFailure(t *testing.T) {
	var errs domain.Errors
	errs.Add(domain.FieldError("username", domain.ReasonUsernameTooShort, "short"))
	errs.Add(domain.FieldError("legalRepresentative.taxCode", domain.ReasonInvalidTaxCode, "bad"))
	errs.Add(domain.Errorf(domain.ECONFLICT, "stale"))
	got, err := userErrors(errs.Err())
	if err != nil {
		t.Fatal(err)
	}
	want := []*model.UserError{
		{Field: []string{"input", "username"}, Code: model.UserErrorCodeUsernameTooShort, Message: "short"},
		{Field: []string{"input", "legalRepresentative", "taxCode"}, Code: model.UserErrorCodeInvalidTaxCode, Message: "bad"},
		{Field: []string{}, Code: model.UserErrorCodeConflict, Message: "stale"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("userErrors = %+v, want %+v", got, want)
	}
}

// TestUserErrorsNeverLeaveTheEnum: a reason missing from domain.ErrorCodes
// is a server error, never a code outside the schema's enum; a refusal
// stays a GraphQL error.
func TestUserErrorsNeverLeaveTheEnum(t *testing.T) {
	if got, err := userErrors(domain.FieldError("name", "NOT_A_REGISTERED_CODE", "x")); err == nil || got != nil {
		t.Fatalf("unregistered code: userErrors = %v, err = %v", got, err)
	}
	if got, err := userErrors(domain.Errorf(domain.EFORBIDDEN, "no")); domain.ErrorCode(err) != domain.EFORBIDDEN || got != nil {
		t.Fatalf("refusal: userErrors = %v, err = %v", got, err)
	}
}
