package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	usecase "tenantadmin/app"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// nodes fetches several objects by global ID, in order. One bad ID nulls
// only its own position, with an error on that position's path (issue
// 15.5): the other objects are still answered.
func (app *App) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > domain.MaxPageSize {
		return nil, domain.FieldError("ids", "TOO_MANY_IDS", "At most %d IDs per call.", domain.MaxPageSize)
	}
	if err := domain.RequireViewer(ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		n, err := app.node(ctx, id)
		if err != nil {
			graphql.AddError(ctx, &gqlerror.Error{Err: err, Message: err.Error(),
				Path: append(slices.Clone(graphql.GetPath(ctx)), ast.PathIndex(i))})
			continue
		}
		out[i] = n
	}
	return out, nil
}

// node resolves a global ID to an object the viewer may see, or nil.
func (app *App) node(ctx context.Context, gid string) (model.Node, error) {
	if err := domain.RequireViewer(ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	typ, id, err := parseGlobalID(gid)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	switch typ {
	case "Tenant":
		return nilNode(l.Tenant(ctx, id))
	case "User":
		if selects(ctx, "memberships") && id != l.viewerID() {
			// A profile: the person and what it shows in one round trip.
			l.PrefetchProfile(ctx, id)
			return nilNode(l.User(ctx, id))
		}
		l.PrimeLoneUser(ctx, id)
		u, err := l.User(ctx, id)
		if u != nil && err == nil && selects(ctx, "memberships") {
			// A profile: its memberships, their roles and tenants in one
			// query per level, read concurrently, as a users page's are,
			// instead of one loader batch window per level (issue 17.1).
			l.PrefetchUserPage(ctx, []*domain.User{u})
		}
		return nilNode(u, err)
	case "Product":
		p, err := app.product(ctx, id)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, nil
		}
		return nilNode(p, err)
	case "Role":
		idx, err := l.Catalog(ctx)
		if err != nil {
			return nil, err
		}
		return nilNode(idx.roleByID[id], nil)
	case "Group":
		return nilNode(app.groupNode(ctx, id))
	case "Membership":
		return nilNode(app.membershipNode(ctx, id))
	case "RoleAssignment":
		return nilNode(app.roleAssignmentNode(ctx, id))
	case "AuditEvent":
		return nilNode(app.auditEvent(ctx, id))
	case "ServiceAccount":
		return nilNode(app.visibleServiceAccount(ctx, id))
	case "ServiceAccountToken":
		return nilNode(app.visibleToken(ctx, id))
	case "Nomination":
		return nilNode(app.nominationNode(ctx, id))
	}
	return nil, nil
}

// nilNode keeps a typed nil pointer from becoming a non-nil interface.
func nilNode[T any](v *T, err error) (model.Node, error) {
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

func (app *App) product(ctx context.Context, id int64) (*domain.Product, error) {
	idx, err := loadersFrom(ctx).Catalog(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := idx.productByID[id]
	if !ok {
		return nil, domain.Errorf(domain.ENOTFOUND, "Product not found.")
	}
	return p, nil
}

// users lists users in the viewer's directory scope, optionally of one
// tenant (tenantID from the parent object wins over the filter's).
func (app *App) users(ctx context.Context, in *model.UserFilter, orderBy *model.UserOrder, tenantID *int64, first *int, after *string, last *int, before *string) (*model.UserConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return nil, err
	}
	f, err := userFilter(in, scope)
	if err != nil {
		return nil, err
	}
	if tenantID != nil {
		f.TenantID = tenantID
	}
	if f.TenantID != nil && !scope.Contains(*f.TenantID) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot list the users of this tenant.")
	}
	selection := currentSelection(ctx)
	f.Fields = selectedUserFields(ctx, selection)
	if orderBy != nil {
		f.Order = domain.UserOrder{Field: domain.UserOrderField(orderBy.Field), Desc: orderBy.Direction == model.OrderDirectionDesc}
	}
	if f.Order.PersonalDataOrder() {
		// R12: sorting by names or emails would rank values the viewer
		// may not read; refused unless it may read them all.
		personal, err := loadersFrom(ctx).PersonalData(ctx)
		if err != nil {
			return nil, err
		}
		if !domain.CanOrderByPersonalData(scope, f.TenantID, personal) {
			return nil, domain.FieldError("orderBy", "PERSONAL_DATA_ORDER",
				"You cannot sort these users by name or email: some of them have personal data you may not see. Sort by username instead.")
		}
	}
	// The count is often the slowest statement of a users page: when it is
	// selected it runs alongside the page and its relations, not after.
	// It is bounded (issue 17.2): exact up to a limit, estimated past it.
	var total func(context.Context) (domain.Count, error)
	if slices.ContainsFunc(selection, func(f graphql.CollectedField) bool {
		return f.Name == "totalCount" || f.Name == "totalCountIsExact"
	}) {
		total = countAsync(ctx, func(ctx context.Context) (domain.Count, error) {
			return app.Users.EstimateUsers(ctx, f, app.ExactCountLimit)
		})
	}
	conn, err := app.Users.FindUsers(ctx, f, page)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).PrefetchUserPage(ctx, conn.Nodes)
	out := model.NewUserConnection(conn)
	out.Total = total
	return out, nil
}

// currentSelection is the current field's selection (fragments
// included), nil when there is no field context.
func currentSelection(ctx context.Context) []graphql.CollectedField {
	if graphql.GetFieldContext(ctx) == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	return graphql.CollectFieldsCtx(ctx, nil)
}

// selectedUserFields is what the users connection's selection
// (currentSelection) shows of each user (edges.node and nodes, fragments
// included), so that the page reads only those fields (issue 17.1). A
// field not in userFieldsByName, or no selection to look at, reads them
// all.
func selectedUserFields(ctx context.Context, selection []graphql.CollectedField) domain.UserFields {
	if selection == nil {
		return domain.AllUserFields
	}
	oc := graphql.GetOperationContext(ctx)
	var nodes []graphql.CollectedField
	for _, f := range selection {
		switch f.Name {
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, []string{"UserEdge"}) {
				if e.Name == "node" {
					nodes = append(nodes, e)
				}
			}
		case "nodes":
			nodes = append(nodes, f)
		}
	}
	var fields domain.UserFields
	for _, n := range nodes {
		for _, f := range graphql.CollectFields(oc, n.Selections, []string{"User", "Node"}) {
			field, known := userFieldsByName[f.Name]
			if !known {
				return domain.AllUserFields
			}
			fields |= field
		}
	}
	return domain.OnlyUserFields(fields)
}

// userFieldsByName is, for each field of User whose resolver reads only
// the user's own fields, the fields it reads beyond those every read
// fills (0: none; domain.UserFields). TestUsersPageReadsSelectedFields
// checks each against the user's profile, which reads them all.
var userFieldsByName = map[string]domain.UserFields{
	"__typename": 0, "id": 0, "kind": 0, "username": 0, "status": 0, "nameVerified": 0,
	"homeTenant": 0, "memberships": 0, "viewerCan": 0,
	"uid": domain.UserUID, "taxCode": domain.UserTaxCode, "givenName": domain.UserGivenName,
	"familyName": domain.UserFamilyName, "email": domain.UserEmail, "emailVerified": domain.UserEmailVerified,
	"phone": domain.UserPhone, "gender": domain.UserGender, "birthDate": domain.UserBirthDate,
	"language": domain.UserLanguage, "timeZone": domain.UserTimeZone, "version": domain.UserVersion,
	"createdAt": domain.UserCreatedAt, "updatedAt": domain.UserUpdatedAt, "lastSignInAt": domain.UserLastSignInAt,
}

// countAsync starts count now and returns a function that waits for its
// result.
func countAsync[T any](ctx context.Context, count func(context.Context) (T, error)) func(context.Context) (T, error) {
	type result struct {
		n   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := count(ctx)
		done <- result{n, err}
	}()
	var once sync.Once
	var r result
	return func(context.Context) (T, error) {
		once.Do(func() { r = <-done })
		return r.n, r.err
	}
}

// BootstrapPlatformAdmin creates the first administrator (app decides).
func (app *App) BootstrapPlatformAdmin(ctx context.Context, in model.BootstrapPlatformAdminInput) (*domain.User, error) {
	return app.UseCases().BootstrapPlatformAdmin(ctx, usecase.BootstrapPlatformAdminInput{Token: in.Token, Username: in.Username,
		Email: in.Email, GivenName: in.GivenName, FamilyName: in.FamilyName, Password: in.Password})
}
