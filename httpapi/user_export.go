package httpapi

import (
	"net/http"
	"strconv"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// userListReport is the CSV export of a tenant's users list as the SPA
// filters it (issue 19, seed 001's monthly clean-up of inactive users):
// GET /reports/user-list.csv?tenant=ID with the fields of the GraphQL
// UserFilter as parameters, spelt the same: productId, roleId (global IDs),
// category, status, assignmentStatus (enum values), search, and
// inactiveSinceDays (whole days). Who may list the tenant's users in
// GraphQL may export them, with the same personal-data blanking (R12).
func (h *Handlers) userListReport() http.Handler {
	return h.csvHandler("user-list", db.UserListHeader, func(r *http.Request, v *domain.Viewer, tenantID int64) (csvStream, error) {
		f, err := userFilterParams(r)
		if err != nil {
			return nil, err
		}
		return h.App.UserListExport(r.Context(), v, tenantID, f)
	})
}

// userFilterParams reads a model.UserFilter from the query string; the
// App validates the IDs and values as it does the GraphQL filter's.
func userFilterParams(r *http.Request) (model.UserFilter, error) {
	q := r.URL.Query()
	var f model.UserFilter
	opt := func(name string) *string {
		if s := q.Get(name); s != "" {
			return &s
		}
		return nil
	}
	f.ProductID, f.RoleID, f.Search = opt("productId"), opt("roleId"), opt("search")
	bad := func(name string) error {
		return domain.FieldError(name, domain.ReasonInvalidFilter, "Unknown value of %s.", name)
	}
	if s := opt("status"); s != nil {
		st := model.UserStatus(*s)
		if !st.IsValid() {
			return f, bad("status")
		}
		f.Status = &st
	}
	if s := opt("category"); s != nil {
		c := model.RoleCategory(*s)
		if !c.IsValid() {
			return f, bad("category")
		}
		f.Category = &c
	}
	if s := opt("assignmentStatus"); s != nil {
		a := model.AssignmentStatus(*s)
		if !a.IsValid() {
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
	return f, nil
}
