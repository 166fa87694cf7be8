package httpapi

import (
	"net/http"
	"slices"
	"strconv"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/globalid"
)

// userListReport is the CSV export of a tenant's users list as the SPA
// filters it (issue 19, seed 001's monthly clean-up of inactive users):
// GET /reports/user-list.csv?tenant=ID with the fields of the GraphQL
// UserFilter as parameters, spelt the same: productId, roleId (global IDs),
// category, status, assignmentStatus (enum values), search, and
// inactiveSinceDays (whole days). Who may list the tenant's users in
// GraphQL may export them, with the same personal-data blanking (R12).
func (h *Handlers) userListReport() http.Handler {
	return h.csvHandler("user-list", db.UserListHeader, func(r *http.Request, _ *domain.Viewer, tenantID int64) (csvStream, error) {
		f, err := userFilterParams(r)
		if err != nil {
			return nil, err
		}
		return h.App.UseCases().UserListExport(r.Context(), tenantID, f)
	})
}

// The enum values the filter's parameters accept: those of the GraphQL
// enums RoleCategory, UserStatus and AssignmentStatus.
var (
	filterCategories = []domain.RoleCategory{domain.CategoryAdmin, domain.CategoryOperator}
	filterStatuses   = []domain.UserStatus{domain.UserInvited, domain.UserActive, domain.UserSuspended, domain.UserLocked}
	filterAssignment = []domain.AssignmentStatus{domain.AssignmentActive, domain.AssignmentSuspended}
)

// userFilterParams reads the users-list filter from the query string: the
// IDs decoded as GraphQL decodes them, the enum values checked; the use
// case checks the rest (app.CheckUserFilter) as it does the GraphQL
// filter's.
func userFilterParams(r *http.Request) (domain.UserFilter, error) {
	q := r.URL.Query()
	var f domain.UserFilter
	opt := func(name string) *string {
		if s := q.Get(name); s != "" {
			return &s
		}
		return nil
	}
	f.Search = opt("search")
	bad := func(name string) error {
		return domain.FieldError(name, domain.ReasonInvalidFilter, "Unknown value of %s.", name)
	}
	if s := opt("status"); s != nil {
		st := domain.UserStatus(*s)
		if !slices.Contains(filterStatuses, st) {
			return f, bad("status")
		}
		f.Status = &st
	}
	if s := opt("category"); s != nil {
		c := domain.RoleCategory(*s)
		if !slices.Contains(filterCategories, c) {
			return f, bad("category")
		}
		f.Category = &c
	}
	if s := opt("assignmentStatus"); s != nil {
		a := domain.AssignmentStatus(*s)
		if !slices.Contains(filterAssignment, a) {
			return f, bad("assignmentStatus")
		}
		f.AssignmentStatus = &a
	}
	if s := opt("inactiveSinceDays"); s != nil {
		n, err := strconv.Atoi(*s)
		if err != nil {
			return f, domain.FieldError("inactiveSinceDays", domain.ReasonInvalidFilter, "Give a whole number of days.")
		}
		f.InactiveSinceDays = &n
	}
	var err error
	if f.ProductID, err = globalid.DecodeOptional("Product", opt("productId"), "productId"); err != nil {
		return f, err
	}
	f.RoleID, err = globalid.DecodeOptional("Role", opt("roleId"), "roleId")
	return f, err
}
