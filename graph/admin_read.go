package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Reads of delegated administration: product cards, groups, capabilities
// and R21's per-product lists, batched per request.

// adminLoaders batch the lookups of the product cards of a page of users.
type adminLoaders struct {
	once           sync.Once
	tenantProducts *dataloadgen.Loader[int64, []int64]
	tenantGroups   *dataloadgen.Loader[int64, []*domain.Group]
	userGroups     *dataloadgen.Loader[int64, []int64]
}

func (l *Loaders) adm() *adminLoaders {
	a := &l.admin
	a.once.Do(func() {
		app := l.app
		a.tenantProducts = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
			out, err := app.Users.ProductIDsOfTenants(ctx, ids)
			return everyKey(out, ids), err
		}, dataloadgen.WithWait(loaderWait))
		a.tenantGroups = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]*domain.Group, error) {
			rows, err := app.Groups.GroupsOfTenants(ctx, ids)
			out := everyKey(map[int64][]*domain.Group{}, ids)
			for _, g := range rows {
				out[g.TenantID] = append(out[g.TenantID], g)
			}
			return out, err
		}, dataloadgen.WithWait(loaderWait))
		a.userGroups = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
			out, err := app.Groups.GroupIDsOfUsers(ctx, ids)
			return everyKey(out, ids), err
		}, dataloadgen.WithWait(loaderWait))
	})
	return a
}

// everyKey gives every asked key an entry, so that "none" is not a
// loader's not-found error.
func everyKey[V any](m map[int64][]V, ids []int64) map[int64][]V {
	if m == nil {
		m = map[int64][]V{}
	}
	for _, id := range ids {
		if _, ok := m[id]; !ok {
			m[id] = nil
		}
	}
	return m
}

// prefetchCards loads, one batch per kind, what the product cards of a
// page of users will need when they are selected.
func (l *Loaders) prefetchCards(ctx context.Context, userIDs, membershipIDs, tenantIDs []int64) {
	cards := selects(ctx, "memberships", "products")
	if cards || selects(ctx, "memberships", "viewerCanDetach") || selects(ctx, "memberships", "assignableProducts") {
		_, _ = l.roleAssignments.LoadAll(ctx, membershipIDs)
	}
	if selects(ctx, "memberships", "products", "groups") || selects(ctx, "memberships", "products", "assignableGroups") {
		a := l.adm()
		_, _ = a.tenantGroups.LoadAll(ctx, compact(tenantIDs))
		_, _ = a.userGroups.LoadAll(ctx, userIDs)
	}
}

// requireDirectory fails with FORBIDDEN unless the viewer may list the
// tenant's users (the condition for seeing its groups and lists).
func requireDirectory(ctx context.Context, tenantID int64) error {
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return err
	}
	if !scope.Contains(tenantID) {
		return domain.Errorf(domain.EFORBIDDEN, "You cannot list the users of this tenant.")
	}
	return nil
}

// tenantProducts returns the products the tenant's users hold roles on,
// ordered by name.
func (app *App) tenantProducts(ctx context.Context, tenantID int64) ([]*domain.Product, error) {
	l := loadersFrom(ctx)
	ids, err := l.adm().tenantProducts.Load(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	idx, err := l.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	out := []*domain.Product{}
	for _, p := range idx.products { // ordered by name
		if slices.Contains(ids, p.ID) {
			out = append(out, p)
		}
	}
	return out, nil
}

// usersByProduct is R21's "all" view of a tenant: one section per product.
func (app *App) usersByProduct(ctx context.Context, t *domain.Tenant, filter model.UserFilter) ([]*model.ProductUsers, error) {
	if err := requireDirectory(ctx, t.ID); err != nil {
		return nil, err
	}
	products, err := app.tenantProducts(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ProductUsers, len(products))
	for i, p := range products {
		out[i] = &model.ProductUsers{ProductID: p.ID, TenantID: t.ID, Filter: filter}
	}
	return out, nil
}

// productUsers lists one product's section of R21's "all" view.
func (app *App) productUsers(ctx context.Context, pu *model.ProductUsers, first *int, after *string, last *int, before *string) (*model.UserConnection, error) {
	f := pu.Filter
	pid := globalID("Product", pu.ProductID)
	f.ProductID = &pid
	return app.users(ctx, &f, nil, &pu.TenantID, first, after, last, before)
}

// groupMembers lists a group's members.
func (app *App) groupMembers(ctx context.Context, g *domain.Group, first *int, after *string, last *int, before *string) (*model.UserConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	if err := requireDirectory(ctx, g.TenantID); err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return nil, err
	}
	conn, err := app.Users.FindUsers(ctx, domain.UserFilter{Scope: scope, TenantID: &g.TenantID, GroupID: &g.ID}, page)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).PrefetchUserPage(ctx, conn.Nodes)
	return model.NewUserConnection(conn), nil
}

// groups lists a tenant's groups (R11).
func (app *App) groups(ctx context.Context, tenantID int64, productGID *string, includeInactive *bool, search *string, orderBy *model.GroupOrder) ([]*domain.Group, error) {
	if err := requireDirectory(ctx, tenantID); err != nil {
		return nil, err
	}
	productID, err := decodeOptionalID("Product", productGID, "productId")
	if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return nil, err
	}
	return app.Groups.FindGroups(ctx, db.GroupFilter{Scope: scope, TenantID: &tenantID, ProductID: productID,
		IncludeInactive: includeInactive != nil && *includeInactive, Search: search, Order: orderBy.Domain()})
}

// groupNode resolves a group visible to the viewer, or nil.
func (app *App) groupNode(ctx context.Context, id int64) (*domain.Group, error) {
	gs, err := app.Groups.GroupsByIDs(ctx, []int64{id})
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	if requireDirectory(ctx, gs[0].TenantID) != nil {
		return nil, nil
	}
	return gs[0], nil
}

// membershipNode resolves a membership visible to the viewer, or nil.
func (app *App) membershipNode(ctx context.Context, id int64) (*domain.Membership, error) {
	m, err := app.Users.FindMembership(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if ok, err := visibleMembership(ctx, m.TenantID, m.UserID); !ok || err != nil {
		return nil, err
	}
	return m, nil
}

// roleAssignmentNode resolves a role assignment visible to the viewer, or nil.
func (app *App) roleAssignmentNode(ctx context.Context, id int64) (*domain.RoleAssignment, error) {
	ra, err := app.Users.FindRoleAssignment(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if ok, err := visibleMembership(ctx, ra.TenantID, ra.UserID); !ok || err != nil {
		return nil, err
	}
	return ra, nil
}

// visibleMembership: the tenant is readable and the user visible, as on
// User.memberships.
func visibleMembership(ctx context.Context, tenantID, userID int64) (bool, error) {
	l := loadersFrom(ctx)
	scope, err := l.ReadableTenants(ctx)
	if err != nil || !scope.Contains(tenantID) {
		return false, err
	}
	u, err := l.User(ctx, userID)
	return u != nil, err
}

// target gathers the authorization facts of a user for capabilities: every
// membership and every role, through the unscoped loaders (the same facts
// storage reads under its lock before acting, db.targetOf).
func target(ctx context.Context, u *domain.User) (domain.TargetUser, error) {
	l := loadersFrom(ctx)
	t := domain.TargetUser{ID: u.ID, HomeTenantID: u.HomeTenantID, PlatformAdmin: u.PlatformAdmin, NameVerified: u.NameVerified}
	var err error
	if t.TenantIDs, err = l.memberTenants.Load(ctx, u.ID); err != nil {
		return t, err
	}
	t.Roles, err = l.targetRoles.Load(ctx, u.ID)
	if err != nil {
		return t, err
	}
	return t, nil
}

// userCapabilities is User.viewerCan.
func userCapabilities(ctx context.Context, u *domain.User) (*domain.UserCapabilities, error) {
	t, err := target(ctx, u)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	caps := l.authorizer.Capabilities(ctx, l.viewer, t)
	return &caps, nil
}

// tenantCapabilities is Tenant.viewerCan.
func tenantCapabilities(ctx context.Context, t *domain.Tenant) (*model.TenantCapabilities, error) {
	l := loadersFrom(ctx)
	idx, err := l.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	az, v := l.authorizer, l.viewer
	caps := &model.TenantCapabilities{ManageableProducts: []*domain.Product{},
		CreateSite: az.CanCreateTenant(v, &t.ID) == nil, Update: az.CanUpdateTenant(v, t.ID, false) == nil,
		UpdateIdentity: az.CanUpdateTenant(v, t.ID, true) == nil}
	for _, p := range idx.products {
		if az.CanManageProduct(v, t.ID, p.ID) == nil {
			caps.ManageableProducts = append(caps.ManageableProducts, p)
		}
	}
	return caps, nil
}

// membershipProducts builds a membership's product cards.
func membershipProducts(ctx context.Context, m *domain.Membership) ([]*model.MembershipProduct, error) {
	ras, err := loadersFrom(ctx).RoleAssignments(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	out := []*model.MembershipProduct{}
	for _, ra := range ras { // ordered by product
		if n := len(out); n == 0 || out[n-1].ProductID != ra.ProductID {
			out = append(out, &model.MembershipProduct{Membership: m, ProductID: ra.ProductID, CategoryValue: ra.Category})
		}
		card := out[len(out)-1]
		card.RoleAssignments = append(card.RoleAssignments, ra)
	}
	return out, nil
}

// assignableProducts: products the viewer manages in the membership's
// tenant on which the user holds no role (R9's "assign role").
func assignableProducts(ctx context.Context, m *domain.Membership) ([]*domain.Product, error) {
	l := loadersFrom(ctx)
	idx, err := l.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	ras, err := l.RoleAssignments(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	out := []*domain.Product{}
	for _, p := range idx.products {
		held := slices.ContainsFunc(ras, func(ra *domain.RoleAssignment) bool { return ra.ProductID == p.ID })
		if !held && l.authorizer.CanManageProduct(l.viewer, m.TenantID, p.ID) == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// canDetach is Membership.viewerCanDetach.
func canDetach(ctx context.Context, m *domain.Membership) (bool, error) {
	l := loadersFrom(ctx)
	ras, err := l.RoleAssignments(ctx, m.ID)
	if err != nil {
		return false, err
	}
	var products []int64
	for _, ra := range ras {
		products = append(products, ra.ProductID)
	}
	return l.authorizer.CanManageMembership(l.viewer, m.TenantID, m.UserID, compact(products)) == nil, nil
}

// cardGroups returns the active and inactive groups of the card's product
// in its tenant, and whether the user is in each.
func cardGroups(ctx context.Context, c *model.MembershipProduct) ([]*domain.Group, func(int64) bool, error) {
	a := loadersFrom(ctx).adm()
	all, err := a.tenantGroups.Load(ctx, c.Membership.TenantID)
	if err != nil {
		return nil, nil, err
	}
	mine, err := a.userGroups.Load(ctx, c.Membership.UserID)
	if err != nil {
		return nil, nil, err
	}
	var groups []*domain.Group
	for _, g := range all {
		if g.ProductID == c.ProductID {
			groups = append(groups, g)
		}
	}
	return groups, func(id int64) bool { return slices.Contains(mine, id) }, nil
}

// cardMemberGroups is MembershipProduct.groups.
func cardMemberGroups(ctx context.Context, c *model.MembershipProduct) ([]*domain.Group, error) {
	groups, in, err := cardGroups(ctx, c)
	if err != nil {
		return nil, err
	}
	out := []*domain.Group{}
	for _, g := range groups {
		if in(g.ID) {
			out = append(out, g)
		}
	}
	return out, nil
}

// cardManaged is MembershipProduct.viewerCanManage.
func cardManaged(ctx context.Context, c *model.MembershipProduct) bool {
	l := loadersFrom(ctx)
	return l.authorizer.CanManageProduct(l.viewer, c.Membership.TenantID, c.ProductID) == nil
}

// cardAssignableRoles is R9's "assign another role".
func cardAssignableRoles(ctx context.Context, c *model.MembershipProduct) ([]*domain.Role, error) {
	if !cardManaged(ctx, c) {
		return []*domain.Role{}, nil
	}
	idx, err := loadersFrom(ctx).Catalog(ctx)
	if err != nil {
		return nil, err
	}
	roles := domain.AssignableRoles(idx.rolesByProduct[c.ProductID], c.RoleAssignments)
	if !slices.ContainsFunc(roles, func(r *domain.Role) bool { return r.RequiresSite }) {
		return roles, nil // the tenant is read only when the site rule can matter
	}
	t, err := loadersFrom(ctx).Tenant(ctx, c.Membership.TenantID)
	if err != nil {
		return nil, err
	}
	out := []*domain.Role{}
	for _, r := range roles {
		if domain.CheckRoleFitsTenant(r, t) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// cardAssignableLevels is setModuleLevel's choice on a single-level module:
// the other levels that fit the tenant and need no nomination, when the
// viewer may take the current level away.
func cardAssignableLevels(ctx context.Context, c *model.MembershipProduct) ([]*domain.Role, error) {
	l := loadersFrom(ctx)
	idx, err := l.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	out := []*domain.Role{}
	if p := idx.productByID[c.ProductID]; p == nil || !p.SingleLevel || !cardManaged(ctx, c) {
		return out, nil
	}
	for _, ra := range c.RoleAssignments {
		if l.authorizer.CanManageAssignment(l.viewer, ra) != nil {
			return out, nil
		}
	}
	t, err := l.Tenant(ctx, c.Membership.TenantID)
	if err != nil {
		return nil, err
	}
	for _, r := range idx.rolesByProduct[c.ProductID] {
		if _, err := domain.PlanLevelChange(r, c.RoleAssignments); err != nil {
			continue
		}
		if domain.CheckNomination(r) == nil && domain.CheckRoleFitsTenant(r, t) == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// cardAssignableGroups is R11's "assign group".
func cardAssignableGroups(ctx context.Context, c *model.MembershipProduct) ([]*domain.Group, error) {
	if !cardManaged(ctx, c) {
		return []*domain.Group{}, nil
	}
	groups, in, err := cardGroups(ctx, c)
	if err != nil {
		return nil, err
	}
	return domain.AssignableGroups(groups, in), nil
}

// assignmentManaged is RoleAssignment.viewerCanManage.
func assignmentManaged(ctx context.Context, ra *domain.RoleAssignment) bool {
	l := loadersFrom(ctx)
	return l.authorizer.CanManageAssignment(l.viewer, ra) == nil
}

// pendingEmail is User.pendingEmail: the user's own only.
func (app *App) pendingEmail(ctx context.Context, u *domain.User) (*string, error) {
	if v := ViewerFrom(ctx); v == nil || v.UserID != u.ID {
		return nil, nil
	}
	e, err := app.Users.PendingEmail(ctx, u.ID)
	return optional(e), err
}
