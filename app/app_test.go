package app

import (
	"context"
	"errors"
	"testing"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// Unit tests of the use cases without PostgreSQL: the stores are fakes of
// the interfaces in stores.go. The end-to-end proof (the same use cases
// through GraphQL on PostgreSQL) is in package server.

const (
	tenantA, tenantB   = int64(1), int64(2)
	productP, productQ = int64(10), int64(20)
	roleEditor         = int64(100) // product P, assignable
	roleLegal          = int64(101) // product P, nomination-only (R20)
	roleQ              = int64(200) // product Q
)

type fakeCatalog struct{}

func (fakeCatalog) Products(context.Context) ([]*domain.Product, error) {
	return []*domain.Product{{ID: productP, Code: "p"}, {ID: productQ, Code: "q"}}, nil
}

func (fakeCatalog) Roles(context.Context) ([]*domain.Role, error) {
	return []*domain.Role{
		{ID: roleEditor, ProductID: productP, Code: "editor", Category: domain.CategoryOperator},
		{ID: roleLegal, ProductID: productP, Code: "legal", Category: domain.CategoryAdmin, RequiresNomination: true},
		{ID: roleQ, ProductID: productQ, Code: "q-user", Category: domain.CategoryOperator},
	}, nil
}

// flatTenants is a tenant tree without children.
type flatTenants struct{}

func (flatTenants) DescendantIDs(context.Context, []int64) ([]int64, error) { return nil, nil }
func (flatTenants) AncestorIDs(context.Context, int64) ([]int64, error)     { return nil, nil }

// fakeUsers records the calls the use cases make; a method a test does
// not expect panics through the nil embedded interface.
type fakeUsers struct {
	UserStore
	calls []string
	audit []domain.AuditContext
	// failFor fails FindMembershipOf for these users with the error.
	failFor map[int64]error
	// deleted marks the users whose removal deletes the account.
	deleted map[int64]bool
	// target is the user the authorize callbacks are asked about.
	target domain.TargetUser
}

func (f *fakeUsers) record(call string, ac domain.AuditContext) {
	f.calls = append(f.calls, call)
	f.audit = append(f.audit, ac)
}

func (f *fakeUsers) AssignRole(_ context.Context, userID, tenantID int64, role *domain.Role, ac domain.AuditContext) (*domain.RoleAssignment, error) {
	f.record("AssignRole", ac)
	return &domain.RoleAssignment{ID: 7, UserID: userID, TenantID: tenantID, RoleID: role.ID}, nil
}

func (f *fakeUsers) CreateUser(_ context.Context, in domain.NewUser, role *domain.Role, inv db.Invite, ac domain.AuditContext) (*domain.User, *domain.Membership, error) {
	f.record("CreateUser", ac)
	return &domain.User{ID: 9, Username: in.Username}, &domain.Membership{ID: 3, TenantID: in.TenantID, UserID: 9}, nil
}

func (f *fakeUsers) FindMembershipOf(_ context.Context, userID, tenantID int64) (*domain.Membership, error) {
	if err := f.failFor[userID]; err != nil {
		return nil, err
	}
	return &domain.Membership{ID: userID * 10, TenantID: tenantID, UserID: userID}, nil
}

func (f *fakeUsers) DetachUserFromTenant(_ context.Context, membershipID int64, authorize func(tenantID, userID int64, productIDs []int64) error, ac domain.AuditContext) (db.RemovalResult, error) {
	userID := membershipID / 10
	if err := authorize(tenantA, userID, []int64{productP}); err != nil {
		return db.RemovalResult{}, err
	}
	f.record("DetachUserFromTenant", ac)
	res := db.RemovalResult{UserID: userID}
	res.UserDeleted = f.deleted[userID]
	return res, nil
}

func (f *fakeUsers) SetAccountStatus(ctx context.Context, userID int64, _ *int, suspend bool, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error) {
	t := f.target
	t.ID = userID
	if err := authorize(t); err != nil {
		return nil, err
	}
	f.record("SetAccountStatus", ac)
	return &domain.User{ID: userID}, nil
}

type fakeSessions struct {
	SessionStore
	revoked []int64
}

func (s *fakeSessions) RevokeAll(_ context.Context, userID int64) error {
	s.revoked = append(s.revoked, userID)
	return nil
}

func newApp() (*App, *fakeUsers, *fakeSessions) {
	users := &fakeUsers{}
	sessions := &fakeSessions{}
	return &App{Users: users, Catalog: fakeCatalog{}, Sessions: sessions,
		Authorizer: &domain.Authorizer{Hierarchy: flatTenants{}}, PublicURL: "https://admin.example"}, users, sessions
}

// adminOfA administers product P in tenant A only.
var adminOfA = &domain.Viewer{UserID: 42, Username: "anna", Kind: domain.KindHuman, Status: domain.UserActive,
	Grants: []domain.Grant{{TenantID: tenantA, ProductID: productP, RoleID: 999, Category: domain.CategoryAdmin}}}

func as(v *domain.Viewer) context.Context {
	ctx := WithRequestInfo(context.Background(), RequestInfo{IP: "192.0.2.7", UserAgent: "test", RequestID: "req-1"})
	if v == nil {
		return ctx
	}
	return WithViewer(ctx, v)
}

func code(err error) string {
	if e := domain.AsError(err); e != nil {
		if e.Reason != "" {
			return e.Reason
		}
		return e.Code
	}
	if err == nil {
		return ""
	}
	return "non-domain: " + err.Error()
}

func TestPrologue(t *testing.T) {
	a, _, _ := newApp()
	for _, tc := range []struct {
		name string
		v    *domain.Viewer
		n    need
		want string
	}{
		{"signed out", nil, need{tenant: tenantA, adminOf: true}, domain.EUNAUTHENTICATED},
		{"administers the tenant", adminOfA, need{tenant: tenantA, adminOf: true}, ""},
		{"another tenant", adminOfA, need{tenant: tenantB, adminOf: true}, domain.EFORBIDDEN},
		{"manages the product", adminOfA, need{tenant: tenantA, product: productP}, ""},
		{"the product in another tenant", adminOfA, need{tenant: tenantB, product: productP}, domain.EFORBIDDEN},
		{"another product", adminOfA, need{tenant: tenantA, product: productQ}, domain.EFORBIDDEN},
		{"role of the product", adminOfA, need{tenant: tenantA, product: productP, role: roleEditor}, ""},
		{"role of another product", adminOfA, need{tenant: tenantA, product: productP, role: roleQ}, "ROLE_NOT_OF_PRODUCT"},
		{"unknown role", adminOfA, need{tenant: tenantA, product: productP, role: 5}, "UNKNOWN_ROLE"},
		{"role's product managed", adminOfA, need{tenant: tenantA, role: roleEditor}, ""},
		{"role's product not managed", adminOfA, need{tenant: tenantA, role: roleQ}, domain.EFORBIDDEN},
		{"role's product in another tenant", adminOfA, need{tenant: tenantB, role: roleEditor}, domain.EFORBIDDEN},
		{"nomination-only role", adminOfA, need{tenant: tenantA, role: roleLegal, assignable: true}, domain.ReasonNominationRequired},
		{"nomination-only role, not checked", adminOfA, need{tenant: tenantA, role: roleLegal}, ""},
		{"own decision first", adminOfA, need{allow: func(*domain.Viewer, *domain.Authorizer) error { return domain.Errorf(domain.EFORBIDDEN, "no") },
			tenant: tenantA, role: 5}, domain.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := a.begin(as(tc.v), tc.n)
			if got := code(err); got != tc.want {
				t.Fatalf("begin: %q, want %q (%v)", got, tc.want, err)
			}
			if err == nil && tc.n.role != 0 && (c.role == nil || c.role.ID != tc.n.role) {
				t.Fatalf("role %+v, want %d", c.role, tc.n.role)
			}
			if err == nil && (c.Audit.ActorID == nil || *c.Audit.ActorID != tc.v.UserID || c.Audit.IP != "192.0.2.7") {
				t.Fatalf("audit context %+v", c.Audit)
			}
		})
	}
}

// The request's own authorizer (graph's, memoising the tenant tree) is the
// one that decides.
func TestPrologueUsesTheRequestAuthorizer(t *testing.T) {
	a, _, _ := newApp()
	az := &domain.Authorizer{Hierarchy: flatTenants{}}
	c, err := a.begin(WithAuthorizer(as(adminOfA), az), need{})
	if err != nil || c.Authz != az {
		t.Fatalf("authorizer %p (err %v), want the request's %p", c.Authz, err, az)
	}
	if c, _ := a.begin(as(adminOfA), need{}); c.Authz != a.Authorizer {
		t.Fatalf("authorizer %p, want the App's %p", c.Authz, a.Authorizer)
	}
}

func TestAssignRole(t *testing.T) {
	t.Run("success records who, from where", func(t *testing.T) {
		a, users, _ := newApp()
		ra, err := a.AssignRole(as(adminOfA), RoleInput{UserID: 5, TenantID: tenantA, RoleID: roleEditor})
		if err != nil {
			t.Fatal(err)
		}
		if ra.RoleID != roleEditor || ra.TenantID != tenantA || ra.UserID != 5 {
			t.Fatalf("assignment %+v", ra)
		}
		if len(users.calls) != 1 {
			t.Fatalf("calls %v", users.calls)
		}
		// The store records the audit entry and the change event with this
		// actor and origin, in the change's transaction.
		ac := users.audit[0]
		if ac.ActorID == nil || *ac.ActorID != adminOfA.UserID || ac.ActorLabel != "anna" || ac.IP != "192.0.2.7" || ac.RequestID != "req-1" {
			t.Fatalf("audit context %+v", ac)
		}
	})
	t.Run("forbidden across tenants", func(t *testing.T) {
		a, users, _ := newApp()
		_, err := a.AssignRole(as(adminOfA), RoleInput{UserID: 5, TenantID: tenantB, RoleID: roleEditor})
		if code(err) != domain.EFORBIDDEN {
			t.Fatalf("err %v, want FORBIDDEN", err)
		}
		if len(users.calls) != 0 {
			t.Fatalf("store called: %v", users.calls)
		}
	})
	t.Run("nomination-only role", func(t *testing.T) {
		a, users, _ := newApp()
		_, err := a.AssignRole(as(adminOfA), RoleInput{UserID: 5, TenantID: tenantA, RoleID: roleLegal})
		if code(err) != domain.ReasonNominationRequired {
			t.Fatalf("err %v, want NOMINATION_REQUIRED", err)
		}
		if len(users.calls) != 0 {
			t.Fatalf("store called: %v", users.calls)
		}
	})
}

func TestCreateUserReportsEveryBadField(t *testing.T) {
	a, users, _ := newApp()
	_, _, err := a.CreateUser(as(adminOfA), CreateUserInput{RoleID: roleLegal, NewUser: domain.NewUser{
		TenantID: tenantA, ProductID: productP, Username: "x", TaxCode: "nope", GivenName: "Anna", FamilyName: "Rossi", Email: "not an address"}})
	fields := map[string]bool{}
	for _, e := range domain.AllErrors(err) {
		fields[e.Field] = true
	}
	for _, f := range []string{"username", "email", "roleId"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if len(users.calls) != 0 {
		t.Fatalf("store called: %v", users.calls)
	}
}

func TestCreateUserInvites(t *testing.T) {
	a, users, _ := newApp()
	u, m, err := a.CreateUser(as(adminOfA), CreateUserInput{RoleID: roleEditor, NewUser: domain.NewUser{
		TenantID: tenantA, ProductID: productP, Username: "mario.rossi", TaxCode: "RSSMRA85T10A562S",
		GivenName: "Mario", FamilyName: "Rossi", Email: "mario@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Username != "mario.rossi" || m.TenantID != tenantA || len(users.calls) != 1 {
		t.Fatalf("user %+v membership %+v calls %v", u, m, users.calls)
	}
}

func TestRemoveUsersFromTenant(t *testing.T) {
	t.Run("partial success", func(t *testing.T) {
		a, users, sessions := newApp()
		users.failFor = map[int64]error{6: domain.FieldError("userId", "NOT_A_MEMBER", "Not a member.")}
		users.deleted = map[int64]bool{7: true}
		items, err := a.RemoveUsersFromTenant(as(adminOfA), BulkUsersInput{TenantID: tenantA, UserIDs: []int64{5, 0, 6, 7}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"", "INVALID_ID", "NOT_A_MEMBER", ""}
		if len(items) != len(want) {
			t.Fatalf("items %+v", items)
		}
		for i, it := range items {
			if it.Index != i || code(it.Err) != want[i] {
				t.Errorf("item %d: %+v, want %q", i, it, want[i])
			}
		}
		if !items[3].Deleted || items[0].Deleted {
			t.Errorf("deleted: %+v", items)
		}
		// The deleted account's sessions end.
		if len(sessions.revoked) != 1 || sessions.revoked[0] != 7 {
			t.Errorf("revoked %v, want [7]", sessions.revoked)
		}
	})
	t.Run("another tenant: nothing done", func(t *testing.T) {
		a, users, _ := newApp()
		_, err := a.RemoveUsersFromTenant(as(adminOfA), BulkUsersInput{TenantID: tenantB, UserIDs: []int64{5}})
		if code(err) != domain.EFORBIDDEN || len(users.calls) != 0 {
			t.Fatalf("err %v calls %v", err, users.calls)
		}
	})
	t.Run("own membership refused, the others go on", func(t *testing.T) {
		a, users, _ := newApp()
		items, err := a.RemoveUsersFromTenant(as(adminOfA), BulkUsersInput{TenantID: tenantA, UserIDs: []int64{adminOfA.UserID, 5}})
		if err != nil {
			t.Fatal(err)
		}
		if code(items[0].Err) != domain.EFORBIDDEN || items[1].Err != nil || len(users.calls) != 1 {
			t.Fatalf("items %+v calls %v", items, users.calls)
		}
	})
	t.Run("a failure of the service stops the action", func(t *testing.T) {
		a, users, _ := newApp()
		down := errors.New("connection refused")
		users.failFor = map[int64]error{6: down}
		_, err := a.RemoveUsersFromTenant(as(adminOfA), BulkUsersInput{TenantID: tenantA, UserIDs: []int64{5, 6, 7}})
		if !errors.Is(err, down) {
			t.Fatalf("err %v, want %v", err, down)
		}
		if len(users.calls) != 1 {
			t.Fatalf("calls %v: the users after the failure were processed", users.calls)
		}
	})
	t.Run("duplicates refused as a whole", func(t *testing.T) {
		a, users, _ := newApp()
		_, err := a.RemoveUsersFromTenant(as(adminOfA), BulkUsersInput{TenantID: tenantA, UserIDs: []int64{5, 5}})
		if e := domain.AsError(err); e == nil || e.Code != domain.EINVALID || len(users.calls) != 0 {
			t.Fatalf("err %v calls %v", err, users.calls)
		}
	})
}

func TestSuspendEndsSessions(t *testing.T) {
	a, users, sessions := newApp()
	users.target = domain.TargetUser{HomeTenantID: tenantA, TenantIDs: []int64{tenantA},
		Roles: []domain.TargetRole{{TenantID: tenantA, ProductID: productP}}}
	if _, err := a.SetAccountStatus(as(adminOfA), 5, nil, true); err != nil {
		t.Fatal(err)
	}
	if len(sessions.revoked) != 1 || sessions.revoked[0] != 5 {
		t.Fatalf("revoked %v", sessions.revoked)
	}
	users.target.HomeTenantID, users.target.TenantIDs = tenantB, []int64{tenantB}
	users.target.Roles = []domain.TargetRole{{TenantID: tenantB, ProductID: productP}}
	if _, err := a.SetAccountStatus(as(adminOfA), 6, nil, true); code(err) != domain.EFORBIDDEN {
		t.Fatalf("a member of another tenant: %v, want FORBIDDEN", err)
	}
	if len(sessions.revoked) != 1 {
		t.Fatalf("revoked %v after a refusal", sessions.revoked)
	}
}
