package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	usecase "tenantadmin/app"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// Loaders batch the lookups of one request so that a page of users with
// their memberships and roles costs a constant number of SQL queries, and
// memoise the viewer's authorization scopes for the request.
type Loaders struct {
	app        *App
	viewer     *domain.Viewer
	authorizer *domain.Authorizer

	tenant          *dataloadgen.Loader[int64, *domain.Tenant]
	user            *dataloadgen.Loader[int64, *domain.User]
	memberships     *dataloadgen.Loader[int64, []*domain.Membership] // in the viewer's readable tenants
	roleAssignments *dataloadgen.Loader[int64, []*domain.RoleAssignment]
	// Authorization input, unscoped by design: every tenant of a person and
	// every role they hold. Never shown; decisions about the person need all.
	memberTenants *dataloadgen.Loader[int64, []int64]
	targetRoles   *dataloadgen.Loader[int64, []domain.TargetRole]

	catalogOnce sync.Once
	catalog     catalogIndex
	catalogErr  error

	readable     memo[domain.Scope]
	directory    memo[domain.Scope]
	personalData memo[domain.Scope]

	admin adminLoaders // admin_read.go
	audit memo[domain.Scope]

	tokens *dataloadgen.Loader[int64, []*domain.ServiceAccountToken]
}

type catalogIndex struct {
	products       []*domain.Product
	productByID    map[int64]*domain.Product
	roleByID       map[int64]*domain.Role
	rolesByProduct map[int64][]*domain.Role
}

// memo computes a value once per request.
type memo[T any] struct {
	once sync.Once
	val  T
	err  error
}

func (m *memo[T]) get(f func() (T, error)) (T, error) {
	m.once.Do(func() { m.val, m.err = f() })
	return m.val, m.err
}

// loaderWait is how long a loader collects keys before querying: sibling
// resolvers of a list run concurrently and arrive within it (they start
// within microseconds of each other). Every lone load, e.g. viewer { user },
// waits this long, so it is kept short; pages prime the loaders instead.
const loaderWait = 500 * time.Microsecond

// NewLoaders creates the loaders of one request for one viewer.
func NewLoaders(app *App, viewer *domain.Viewer) *Loaders {
	l := &Loaders{app: app, viewer: viewer}
	// The three scopes below all walk the tenant tree from the same
	// tenants: one walk per request is enough.
	l.authorizer = &domain.Authorizer{Hierarchy: &memoHierarchy{Hierarchy: app.Authorizer.Hierarchy}}
	// Every loader reads in the viewer's scope, in SQL: tenants in the
	// readable tenants, users in the user directory, memberships and role
	// assignments in the readable tenants, tokens in the user directory.
	// The one exception is the authorization input (memberTenants,
	// targetRoles: every tenant and role of a person, never shown), whose
	// queries carry db.AuthorizationInputComment.
	l.tenant = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64]*domain.Tenant, error) {
		scope, err := l.ReadableTenants(ctx)
		if err != nil {
			return nil, err
		}
		rows, err := app.Tenants.TenantsByIDs(ctx, scope, ids)
		out := make(map[int64]*domain.Tenant, len(rows))
		for _, t := range rows {
			out[t.ID] = t
		}
		return out, err
	}, dataloadgen.WithWait(loaderWait))
	l.user = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64]*domain.User, error) {
		// The viewer alone (the viewer query) needs no directory: the SQL
		// reads the viewer's own row whatever the scope.
		var scope domain.Scope
		if slices.ContainsFunc(ids, func(id int64) bool { return id != l.viewerID() }) {
			var err error
			if scope, err = l.UserDirectory(ctx); err != nil {
				return nil, err
			}
		}
		rows, err := app.Users.VisibleUsersByIDs(ctx, l.viewerID(), scope, ids)
		out := make(map[int64]*domain.User, len(rows))
		for _, u := range rows {
			out[u.ID] = u
		}
		return out, err
	}, dataloadgen.WithWait(loaderWait))
	// Memberships and role assignments are read in the viewer's readable
	// tenants, scoped in SQL, not filtered afterwards.
	l.memberships = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]*domain.Membership, error) {
		scope, err := l.ReadableTenants(ctx)
		if err != nil {
			return nil, err
		}
		rows, err := app.Users.MembershipsByUserIDs(ctx, scope, ids)
		out := make(map[int64][]*domain.Membership, len(ids))
		for _, id := range ids {
			out[id] = nil
		}
		for _, m := range rows {
			out[m.UserID] = append(out[m.UserID], m)
		}
		return out, err
	}, dataloadgen.WithWait(loaderWait))
	l.roleAssignments = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]*domain.RoleAssignment, error) {
		scope, err := l.ReadableTenants(ctx)
		if err != nil {
			return nil, err
		}
		rows, err := app.Users.RoleAssignmentsByMembershipIDs(ctx, scope, ids)
		out := make(map[int64][]*domain.RoleAssignment, len(ids))
		for _, id := range ids {
			out[id] = nil
		}
		for _, ra := range rows {
			out[ra.MembershipID] = append(out[ra.MembershipID], ra)
		}
		return out, err
	}, dataloadgen.WithWait(loaderWait))
	l.memberTenants = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]int64, error) {
		out, err := app.Users.MemberTenantIDsByUserIDs(ctx, ids)
		return everyKey(out, ids), err
	}, dataloadgen.WithWait(loaderWait))
	l.targetRoles = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]domain.TargetRole, error) {
		out, err := app.Users.TargetRolesByUserIDs(ctx, ids)
		return everyKey(out, ids), err
	}, dataloadgen.WithWait(loaderWait))
	l.tokens = dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64][]*domain.ServiceAccountToken, error) {
		scope, err := l.UserDirectory(ctx)
		if err != nil {
			return nil, err
		}
		rows, err := app.ServiceAccounts.TokensByServiceAccountIDs(ctx, scope, ids)
		out := make(map[int64][]*domain.ServiceAccountToken, len(ids))
		for _, id := range ids {
			out[id] = []*domain.ServiceAccountToken{}
		}
		for _, t := range rows {
			out[t.ServiceAccountID] = append(out[t.ServiceAccountID], t)
		}
		return out, err
	}, dataloadgen.WithWait(loaderWait))
	return l
}

type loadersKey struct{}

// WithLoaders attaches fresh loaders for the request's viewer.
func (app *App) WithLoaders(ctx context.Context) context.Context {
	l := NewLoaders(app, ViewerFrom(ctx))
	// The use cases decide with the request's authorizer, which shares the
	// memoised tenant tree with the reads.
	return usecase.WithAuthorizer(context.WithValue(ctx, loadersKey{}, l), l.authorizer)
}

// LoaderMiddleware gives every HTTP request its own loaders; it runs after
// authentication so that the loaders know the viewer.
func (app *App) LoaderMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(app.WithLoaders(r.Context())))
	})
}

func loadersFrom(ctx context.Context) *Loaders {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	if l == nil {
		panic("graph: request has no loaders; wrap the handler with LoaderMiddleware")
	}
	return l
}

func (l *Loaders) Catalog(ctx context.Context) (catalogIndex, error) {
	l.catalogOnce.Do(func() {
		products, err := l.app.Catalog.Products(ctx)
		if err != nil {
			l.catalogErr = err
			return
		}
		roles, err := l.app.Catalog.Roles(ctx)
		if err != nil {
			l.catalogErr = err
			return
		}
		idx := catalogIndex{products: products, productByID: map[int64]*domain.Product{},
			roleByID: map[int64]*domain.Role{}, rolesByProduct: map[int64][]*domain.Role{}}
		for _, p := range products {
			idx.productByID[p.ID] = p
		}
		for _, r := range roles {
			idx.roleByID[r.ID] = r
			if !r.Retired { // rolesByProduct: the roles offered
				idx.rolesByProduct[r.ProductID] = append(idx.rolesByProduct[r.ProductID], r)
			}
		}
		l.catalog = idx
	})
	return l.catalog, l.catalogErr
}

// ReadableTenants is the viewer's tenant visibility, computed once.
func (l *Loaders) ReadableTenants(ctx context.Context) (domain.Scope, error) {
	return l.readable.get(func() (domain.Scope, error) { return l.authorizer.ReadableTenants(ctx, l.viewer) })
}

// UserDirectory is the set of tenants whose users the viewer may list.
func (l *Loaders) UserDirectory(ctx context.Context) (domain.Scope, error) {
	return l.directory.get(func() (domain.Scope, error) { return l.authorizer.UserDirectoryScope(ctx, l.viewer) })
}

// PersonalData is the set of tenants whose members' personal data the
// viewer may read.
func (l *Loaders) PersonalData(ctx context.Context) (domain.Scope, error) {
	return l.personalData.get(func() (domain.Scope, error) { return l.authorizer.PersonalDataScope(ctx, l.viewer) })
}

// AuditScope is the set of tenants whose audit trail the viewer may read.
func (l *Loaders) AuditScope(ctx context.Context) (domain.Scope, error) {
	return l.audit.get(func() (domain.Scope, error) { return l.authorizer.AuditScope(ctx, l.viewer) })
}

// ServiceAccountTokens returns the tokens of a service account already known
// to be visible, newest first.
// viewerID is the signed-in user's ID, 0 when anonymous.
func (l *Loaders) viewerID() int64 {
	if l.viewer == nil {
		return 0
	}
	return l.viewer.UserID
}

func (l *Loaders) ServiceAccountTokens(ctx context.Context, serviceAccountID int64) ([]*domain.ServiceAccountToken, error) {
	return l.tokens.Load(ctx, serviceAccountID)
}

// Tenant loads a tenant the viewer may see; nil when it may not.
func (l *Loaders) Tenant(ctx context.Context, id int64) (*domain.Tenant, error) {
	scope, err := l.ReadableTenants(ctx)
	if err != nil {
		return nil, err
	}
	if !scope.Contains(id) {
		return nil, nil
	}
	return notFoundIsNil(l.tenant.Load(ctx, id))
}

// User loads a user visible to the viewer: themselves, or a member of a
// tenant in the viewer's user directory; nil otherwise.
func (l *Loaders) User(ctx context.Context, id int64) (*domain.User, error) {
	if l.viewer != nil && l.viewer.UserID == id {
		return notFoundIsNil(l.user.Load(ctx, id))
	}
	scope, err := l.UserDirectory(ctx)
	if err != nil {
		return nil, err
	}
	tenantIDs, err := l.memberTenants.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	visible := scope.All
	for _, t := range tenantIDs {
		visible = visible || scope.Contains(t)
	}
	if !visible {
		return nil, nil
	}
	return notFoundIsNil(l.user.Load(ctx, id))
}

// VisibleMemberships returns the user's memberships of tenants the viewer may see.
func (l *Loaders) VisibleMemberships(ctx context.Context, userID int64) ([]*domain.Membership, error) {
	out, err := l.memberships.Load(ctx, userID)
	if out == nil {
		out = []*domain.Membership{}
	}
	return out, err
}

// RoleAssignments returns the role assignments of a membership already
// known to be visible.
func (l *Loaders) RoleAssignments(ctx context.Context, membershipID int64) ([]*domain.RoleAssignment, error) {
	out, err := l.roleAssignments.Load(ctx, membershipID)
	if out == nil {
		out = []*domain.RoleAssignment{}
	}
	return out, err
}

// CanSeePersonalData is the field-level check of R12 for one user.
func (l *Loaders) CanSeePersonalData(ctx context.Context, u *domain.User) (bool, error) {
	if l.viewer != nil && l.viewer.UserID == u.ID {
		return true, nil
	}
	scope, err := l.PersonalData(ctx)
	if err != nil {
		return false, err
	}
	if scope.All {
		return true, nil
	}
	tenantIDs, err := l.memberTenants.Load(ctx, u.ID)
	if err != nil {
		return false, err
	}
	return domain.CanSeePersonalData(l.viewer, scope, u.ID, tenantIDs), nil
}

func notFoundIsNil[T any](v *T, err error) (*T, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// PrefetchUserPage loads what the selected fields of a page of users will
// need: their memberships (always: the personal-data check needs them),
// and the memberships' role assignments, tenants and tenant parents when
// selected, in one round trip (db.PageRelations) and the parents after. It
// queries directly and primes the loaders, so that no level waits for a
// loader's batch window; sibling resolvers then hit the loaders' cache
// instead of racing to form batches.
func (l *Loaders) PrefetchUserPage(ctx context.Context, users []*domain.User) {
	if len(users) == 0 {
		return
	}
	userIDs := make([]int64, len(users))
	for i, u := range users {
		userIDs[i] = u.ID
	}
	req, ok := l.relationsRequest(ctx, userIDs)
	if !ok {
		return
	}
	// The personal-data rule needs every tenant of each person, unless the
	// viewer sees all anyway.
	if pd, err := l.PersonalData(ctx); err == nil && !pd.All {
		req.MemberTenants = true
	}
	if req.Tenants {
		for _, u := range users {
			if u.HomeTenantID != 0 {
				req.HomeTenantIDs = append(req.HomeTenantIDs, u.HomeTenantID) // those in scope are read
			}
		}
	}
	l.prefetchRelations(ctx, req)
}

// PrefetchProfile reads one person (not the viewer) with what the
// selected fields of their profile will need, all in one round trip (issue
// 17.1): the person as the user loader reads them, every tenant they
// belong to (the visibility and personal-data checks' input), and their
// memberships, role assignments and tenants in the viewer's readable
// tenants, which are read before the person is known to be visible: they
// are scoped, and reach the answer only through the person. Errors are
// left for the loaders to report.
func (l *Loaders) PrefetchProfile(ctx context.Context, id int64) {
	directory, err := l.UserDirectory(ctx)
	if err != nil {
		return
	}
	req, ok := l.relationsRequest(ctx, []int64{id})
	if !ok {
		return
	}
	req.MemberTenants = true
	req.Person = &db.VisibleTo{ViewerID: l.viewerID(), Directory: directory}
	if rel := l.prefetchRelations(ctx, req); rel != nil {
		for _, u := range rel.Users {
			l.user.Prime(u.ID, u)
		}
	}
}

// relationsRequest is what the selected fields below a user need of
// PageRelations, in the viewer's readable tenants.
func (l *Loaders) relationsRequest(ctx context.Context, userIDs []int64) (db.PageRelationsRequest, bool) {
	scope, err := l.ReadableTenants(ctx)
	if err != nil {
		return db.PageRelationsRequest{}, false
	}
	return db.PageRelationsRequest{Scope: scope, UserIDs: userIDs,
		RoleAssignments: selects(ctx, "memberships", "roleAssignments"),
		Tenants:         selects(ctx, "memberships", "tenant") || selects(ctx, "homeTenant"),
		Parents:         selects(ctx, "memberships", "tenant", "parent")}, true
}

// prefetchRelations reads req in one round trip and primes the loaders
// with the answer, then the product cards when selected. It returns nil when the read failed: the fields report
// the error when they load.
func (l *Loaders) prefetchRelations(ctx context.Context, req db.PageRelationsRequest) *db.PageRelations {
	rel, err := l.app.Users.PageRelations(ctx, req)
	if err != nil {
		return nil
	}
	userIDs := req.UserIDs
	byUser := make(map[int64][]*domain.Membership, len(userIDs))
	var membershipIDs, tenantIDs []int64
	for _, m := range rel.Memberships {
		byUser[m.UserID] = append(byUser[m.UserID], m)
		membershipIDs = append(membershipIDs, m.ID)
		tenantIDs = append(tenantIDs, m.TenantID)
	}
	for _, id := range userIDs {
		l.memberships.Prime(id, byUser[id])
	}
	if req.MemberTenants {
		for id, tenants := range everyKey(rel.MemberTenants, userIDs) {
			l.memberTenants.Prime(id, tenants)
		}
	}
	if req.RoleAssignments {
		byMembership := make(map[int64][]*domain.RoleAssignment, len(membershipIDs))
		for _, ra := range rel.RoleAssignments {
			byMembership[ra.MembershipID] = append(byMembership[ra.MembershipID], ra)
		}
		for _, id := range membershipIDs {
			l.roleAssignments.Prime(id, byMembership[id])
		}
	}
	for _, t := range rel.Tenants {
		l.tenant.Prime(t.ID, t)
	}
	l.prefetchCards(ctx, userIDs, membershipIDs, compact(tenantIDs)) // admin_read.go
	return rel
}

// PrimeLoneUser reads one user (not the viewer) and every tenant they
// belong to at once, concurrently, into the loaders, with the very reads
// the loaders would run: User would otherwise wait two batch windows in a
// row (the tenants for the visibility check, then the row) for a lone
// profile (issue 17.1). Errors are left for the loaders to report.
func (l *Loaders) PrimeLoneUser(ctx context.Context, id int64) {
	if l.viewer != nil && l.viewer.UserID == id {
		return
	}
	scope, err := l.UserDirectory(ctx)
	if err != nil {
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if byUser, err := l.app.Users.MemberTenantIDsByUserIDs(ctx, []int64{id}); err == nil {
			l.memberTenants.Prime(id, everyKey(byUser, []int64{id})[id])
		}
	})
	if rows, err := l.app.Users.VisibleUsersByIDs(ctx, l.viewerID(), scope, []int64{id}); err == nil {
		for _, u := range rows {
			l.user.Prime(u.ID, u)
		}
	}
	wg.Wait()
}

func compact(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// selects reports whether the current field selects the path below its
// nodes (a connection: through either edges.node or nodes) or below
// itself (an object such as node(id:)'s User), fragments included.
func selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	opCtx := graphql.GetOperationContext(ctx)
	var walk func(set ast.SelectionSet, path []string) bool
	walk = func(set ast.SelectionSet, path []string) bool {
		if len(path) == 0 {
			return true
		}
		for _, f := range graphql.CollectFields(opCtx, set, nil) {
			if f.Name == path[0] && walk(f.Selections, path[1:]) {
				return true
			}
		}
		return false
	}
	if walk(fc.Field.Selections, path) {
		return true
	}
	for _, f := range graphql.CollectFields(opCtx, fc.Field.Selections, nil) {
		switch f.Name {
		case "nodes":
			if walk(f.Selections, path) {
				return true
			}
		case "edges":
			for _, e := range graphql.CollectFields(opCtx, f.Selections, nil) {
				if e.Name == "node" && walk(e.Selections, path) {
					return true
				}
			}
		}
	}
	return false
}

// memoHierarchy remembers tree walks for the duration of one request.
type memoHierarchy struct {
	domain.Hierarchy
	mu          sync.Mutex
	descendants map[string][]int64
}

func (h *memoHierarchy) DescendantIDs(ctx context.Context, ids []int64) ([]int64, error) {
	key := fmt.Sprint(compact(slices.Clone(ids))) // the same tenants in any order are one walk
	h.mu.Lock()
	defer h.mu.Unlock()
	if out, ok := h.descendants[key]; ok {
		return out, nil
	}
	out, err := h.Hierarchy.DescendantIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	if h.descendants == nil {
		h.descendants = map[string][]int64{}
	}
	h.descendants[key] = out
	return out, nil
}
