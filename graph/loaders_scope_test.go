package graph

import (
	"context"
	"errors"
	"testing"

	"github.com/vikstrous/dataloadgen"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestLoadersReadOnlyTheViewersScope (issue 14.5): each loader's own query
// is scoped by tenant in SQL, whatever ids it is asked for. The accessors
// (Tenant, User, …) also check visibility before loading; this test calls
// the loaders underneath them with ids outside the viewer's scope, so it
// fails when a loader reads everything and relies on the checks above it.
func TestLoadersReadOnlyTheViewersScope(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	f := dbtest.NewFixture(t, d)
	company := f.Tenant("Company", 0)
	other := f.Tenant("Other", 0)
	admin := f.User("company.admin", company)
	f.Assign(admin, company, "segmenti", "admin")
	colleague := f.User("colleague", company)
	f.Assign(colleague, company, "segmenti", "user")
	stranger := f.User("stranger", other)
	f.Assign(stranger, other, "segmenti", "user")
	shared := f.User("shared", company) // a member of both tenants
	f.Assign(shared, company, "segmenti", "user")
	f.Assign(shared, other, "clienti", "guest")
	serviceAccount := func(name string, tenant int64) int64 {
		id := f.User(name, tenant)
		f.Exec(`UPDATE users SET kind = 'SERVICE' WHERE id = ?`, id)
		f.Exec(`INSERT INTO service_accounts (user_id, tenant_id) VALUES (?, ?)`, id, tenant)
		f.Exec(`INSERT INTO service_account_tokens (service_account_id, name, token_hash, hint, expires_at)
			VALUES (?, 'ci', sha256(?::bytea), 'sat_x', now() + interval '1 day')`, id, name)
		return id
	}
	ourService, theirService := serviceAccount("our.service", company), serviceAccount("their.service", other)

	tenants := db.NewTenantService(d)
	users := db.NewUserService(d)
	app := &App{Tenants: tenants, Users: users, ServiceAccounts: db.NewServiceAccountService(d),
		Authorizer: &domain.Authorizer{Hierarchy: tenants}}
	viewer, err := users.LoadViewer(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	l := NewLoaders(app, viewer)
	notFound := func(err error) bool { return errors.Is(err, dataloadgen.ErrNotFound) }

	if got, err := l.tenant.Load(ctx, company); err != nil || got == nil {
		t.Errorf("own tenant: %v, %v", got, err)
	}
	if got, err := l.tenant.Load(ctx, other); !notFound(err) {
		t.Errorf("the tenant loader read a tenant outside the viewer's scope: %+v, %v", got, err)
	}
	for name, id := range map[string]int64{"themself": admin, "colleague": colleague, "shared": shared} {
		if got, err := l.user.Load(ctx, id); err != nil || got == nil {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
	if got, err := l.user.Load(ctx, stranger); !notFound(err) {
		t.Errorf("the user loader read a user outside the viewer's directory: %+v, %v", got, err)
	}
	if got, err := l.tokens.Load(ctx, ourService); err != nil || len(got) != 1 {
		t.Errorf("own service account's tokens: %d, %v", len(got), err)
	}
	if got, err := l.tokens.Load(ctx, theirService); err != nil || len(got) != 0 {
		t.Errorf("the token loader read %d tokens of another tenant's service account (%v)", len(got), err)
	}
	if got, err := l.memberships.Load(ctx, shared); err != nil || len(got) != 1 || got[0].TenantID != company {
		t.Errorf("the membership loader read %d memberships of the shared user, want the company's only (%v)", len(got), err)
	}
	if got, err := l.memberships.Load(ctx, stranger); err != nil || len(got) != 0 {
		t.Errorf("the membership loader read %d memberships outside the viewer's scope (%v)", len(got), err)
	}
}
