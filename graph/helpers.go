package graph

import (
	"context"
	"fmt"
	"strings"

	usecase "tenantadmin/app"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Helpers shared by resolvers: input parsing and mapping, kept out of the
// generated *.resolvers.go files.

func pageArgs(first *int, after *string, last *int, before *string) (domain.Page, error) {
	var p domain.Page
	for _, arg := range []struct {
		name string
		val  *int
		dst  *int
	}{{"first", first, &p.First}, {"last", last, &p.Last}} {
		if arg.val == nil {
			continue
		}
		if *arg.val < 1 || *arg.val > domain.MaxPageSize {
			return p, domain.FieldError(arg.name, "INVALID_PAGE_SIZE", "%s must be between 1 and %d.", arg.name, domain.MaxPageSize)
		}
		*arg.dst = *arg.val
	}
	if after != nil {
		p.After = *after
	}
	if before != nil {
		p.Before = *before
	}
	return p, nil
}

func userFilter(in *model.UserFilter, scope domain.Scope) (domain.UserFilter, error) {
	f := domain.UserFilter{Scope: scope}
	if in == nil {
		return f, nil
	}
	var err error
	if f.TenantID, err = decodeOptionalID("Tenant", in.TenantID, "tenantId"); err != nil {
		return f, err
	}
	if f.ProductID, err = decodeOptionalID("Product", in.ProductID, "productId"); err != nil {
		return f, err
	}
	if f.RoleID, err = decodeOptionalID("Role", in.RoleID, "roleId"); err != nil {
		return f, err
	}
	if in.Category != nil {
		c := domain.RoleCategory(*in.Category)
		f.Category = &c
	}
	if in.Status != nil {
		s := domain.UserStatus(*in.Status)
		f.Status = &s
	}
	if in.AssignmentStatus != nil {
		s := domain.AssignmentStatus(*in.AssignmentStatus)
		f.AssignmentStatus = &s
	}
	f.Search, f.InactiveSinceDays = in.Search, in.InactiveSinceDays
	return f, usecase.CheckUserFilter(f)
}

// userErrors maps a mutation's failure, the same way for every mutation
// (README "Errors"): a refusal is a GraphQL error with extensions.code:
// FORBIDDEN, or NOT_FOUND for an object the viewer cannot reach, when the
// error names no business reason; so are UNAUTHENTICATED, RATE_LIMITED,
// UNAVAILABLE and INTERNAL. Business-rule failures (a reason such as
// USERNAME_TAKEN, or a CONFLICT, BAD_USER_INPUT) become the payload's
// userErrors, every one of them when validation reports several
// (domain.Errors), each with a code of the enum UserErrorCode.
func userErrors(err error) ([]*model.UserError, error) {
	all := domain.AllErrors(err)
	if len(all) == 0 {
		return nil, err
	}
	out := make([]*model.UserError, 0, len(all))
	for _, e := range all {
		if !isBusinessFailure(e) {
			if len(all) == 1 {
				return nil, err
			}
			return nil, e
		}
		code, cerr := userErrorCode(e)
		if cerr != nil {
			return nil, cerr
		}
		out = append(out, &model.UserError{Field: fieldPath(e.Field), Code: code, Message: e.Message})
	}
	return out, nil
}

// isBusinessFailure reports whether e belongs in userErrors rather than in
// the GraphQL errors.
func isBusinessFailure(e *domain.Error) bool {
	return e.Code != domain.EINTERNAL && e.Code != domain.EUNAVAILABLE &&
		e.Code != domain.EUNAUTHENTICATED && e.Code != domain.ERATELIMITED && !isRefusal(e)
}

// userErrorCode is e's code in the enum UserErrorCode: its reason, else its
// code. A code missing from domain.ErrorCodes (which the enum is generated
// from) is a server bug, answered as an internal error rather than as a
// value outside the schema; graph/errorcheck keeps it from happening.
func userErrorCode(e *domain.Error) (model.UserErrorCode, error) {
	code := e.Reason
	if code == "" {
		code = e.Code
	}
	if c := model.UserErrorCode(code); c.IsValid() {
		return c, nil
	}
	return "", fmt.Errorf("error code %q is not in domain.ErrorCodes: %w", code, e)
}

// fieldPath is an input field as a path from the mutation's arguments:
// "legalRepresentative.givenName" → ["input", "legalRepresentative", "givenName"].
func fieldPath(field string) []string {
	if field == "" {
		return []string{}
	}
	return append([]string{"input"}, strings.Split(field, ".")...)
}

// isRefusal reports whether e refuses the viewer rather than the input: an
// authorization failure, or an object outside the viewer's reach.
func isRefusal(e *domain.Error) bool {
	return e.Reason == "" && (e.Code == domain.EFORBIDDEN || e.Code == domain.ENOTFOUND)
}

// personal returns a personal-data field's value when the viewer may see it
// (R12), null otherwise.
func personal(ctx context.Context, u *domain.User, value string) (*string, error) {
	ok, err := loadersFrom(ctx).CanSeePersonalData(ctx, u)
	if err != nil || !ok || value == "" {
		return nil, err
	}
	return &value, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// RequestInfo is where a request comes from, for the audit trail.
type RequestInfo = usecase.RequestInfo

// WithRequestInfo attaches the request's origin to the context.
func WithRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return usecase.WithRequestInfo(ctx, info)
}

// auditContext describes who makes a change, from where.
func auditContext(ctx context.Context) domain.AuditContext { return usecase.AuditContext(ctx) }
