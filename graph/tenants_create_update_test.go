package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

// TestTenantsCreateAndUpdate: platform staff onboard tenants; a parent's
// admin adds sites below and administers them; updates take versions.
func TestTenantsCreateAndUpdate(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	staff := w.Token(t, w.Staff)
	sel := "tenant { id name country taxCode certifiedEmail version parent { id } viewerCan { update updateIdentity createSite manageableProducts { code } } }"
	create := func(token string, in map[string]any) *servertest.Payload {
		return w.Mutate(t, token, "createTenant", "CreateTenantInput", sel, in)
	}
	update := func(token string, id int64, version int, fields map[string]any) *servertest.Payload {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", id), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.Mutate(t, token, "updateTenant", "UpdateTenantInput", sel, in)
	}
	var site2 int64
	t.Run("StaffOnboardsAnOrganisation", func(t *testing.T) {
		d := create(staff, map[string]any{"name": "Transports Martin", "country": "fr", "taxCode": "477 280 846", "certifiedEmail": "PEC@Martin.FR"}).OK(t)
		if servertest.Dig(d, "tenant", "country") != "FR" || servertest.Dig(d, "tenant", "taxCode") != "477280846" || servertest.Dig(d, "tenant", "certifiedEmail") != "PEC@martin.fr" {
			t.Fatalf("got %v", d)
		}
		var id int64
		w.Scalar(t, &id, "SELECT id FROM tenants WHERE name = 'Transports Martin'")
		w.WantAudit(t, "tenant.create", id, w.Staff, "TENANT_CREATED", id)
	})
	t.Run("AdminAddsASiteAndAdministersIt", func(t *testing.T) {
		d := create(admin, map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Sede Milano"}).OK(t)
		if servertest.Dig(d, "tenant", "parent", "id") != servertest.GlobalID("Tenant", w.Company) {
			t.Fatalf("got %v", d)
		}
		w.Scalar(t, &site2, "SELECT id FROM tenants WHERE name = 'Sede Milano'")
		// The creator administers the new site on the products it
		// administers in the parent (R6 would leave it read-only).
		caps := servertest.Dig(d, "tenant", "viewerCan").(map[string]any)
		if caps["update"] != true || caps["updateIdentity"] != false || len(caps["manageableProducts"].([]any)) != 1 {
			t.Fatalf("capabilities = %v", caps)
		}
		w.Mutate(t, admin, "createGroup", "CreateGroupInput", "group { id }", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", site2), "productId": w.Product(t, "segmenti"), "name": "Milano"}).OK(t)
		if w.Events(t, "TENANT_CREATED", w.Company, site2) != 1 {
			t.Fatal("the parent's dashboards are not told")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := create(admin, map[string]any{"name": "Rogue root"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("admin onboards a root: %q", c)
		}
		if c := create(w.Token(t, w.HoldingAdmin), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Below child"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin adds below a child: %q", c)
		}
		if c := create(w.Token(t, w.OtherAdmin), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Other's"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant: %q", c)
		}
		if c := create(w.Token(t, w.Operator), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Operator's"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("operator: %q", c)
		}
		w.Unchanged(t, before)
	})
	for _, c := range []struct {
		name, code string
		in         map[string]any
	}{
		{"ErrInvalidName", "INVALID_NAME", map[string]any{"name": " "}},
		{"ErrInvalidCountry", "INVALID_COUNTRY", map[string]any{"name": "X", "country": "France"}},
		{"ErrInvalidTaxCode", "INVALID_TAX_CODE", map[string]any{"name": "X", "country": "FR", "taxCode": "477280847"}},
		{"ErrInvalidEmail", "INVALID_EMAIL", map[string]any{"name": "X", "certifiedEmail": "pec"}},
		{"ErrTenantTaxCodeTaken", "TENANT_TAX_CODE_TAKEN", map[string]any{"name": "Copy", "country": "FR", "taxCode": "477280846"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			if got := create(staff, c.in).UserError(t); got != c.code {
				t.Fatalf("code = %q, want %q", got, c.code)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("Update", func(t *testing.T) {
		d := update(admin, site2, 1, map[string]any{"name": "Sede di Milano"}).OK(t)
		if servertest.Dig(d, "tenant", "name") != "Sede di Milano" || servertest.Dig(d, "tenant", "version") != 2.0 {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "tenant.update", site2, w.CompanyAdmin, "TENANT_UPDATED", site2)
	})
	t.Run("ErrUpdateConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, site2, 1, map[string]any{"name": "Lost update"}).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrUpdateIdentityForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, site2, 2, map[string]any{"certifiedEmail": "mine@example.test"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := update(w.Token(t, w.HoldingAdmin), w.Company, 1, map[string]any{"name": "Renamed by parent"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin renames child: %q", c)
		}
		if c := update(w.Token(t, w.OtherAdmin), w.Company, 1, map[string]any{"name": "Renamed by other"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant renames: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("StaffUpdatesIdentity", func(t *testing.T) {
		d := update(staff, site2, 2, map[string]any{"taxCode": "01234560017", "certifiedEmail": "milano@pec.example.it"}).OK(t)
		if servertest.Dig(d, "tenant", "taxCode") != "01234560017" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrUpdateInvalid", func(t *testing.T) {
		if c := update(staff, site2, 3, map[string]any{"taxCode": "01234560018"}).UserError(t); c != "INVALID_TAX_CODE" {
			t.Fatalf("code = %q", c)
		}
	})
}
