package db_test

import (
	"context"
	"testing"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestCatalogRetiresRolesItNoLongerLists (issue 16.2): a role a product's
// catalog entry drops is retired (its assignments stay, it is never given
// again); listed again, it is offered again. singleLevel follows the file.
func TestCatalogRetiresRolesItNoLongerLists(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	svc := db.NewCatalogService(d)
	state := func() (singleLevel bool, retired map[string]bool) {
		products, err := svc.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var send *domain.Product
		for _, p := range products {
			if p.Code == "send" {
				send = p
			}
		}
		roles, err := svc.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		retired = map[string]bool{}
		for _, r := range roles {
			if r.ProductID == send.ID {
				retired[r.Code] = r.Retired
				if r.SingleLevel != send.SingleLevel {
					t.Errorf("role %s: singleLevel %v, its product's %v", r.Code, r.SingleLevel, send.SingleLevel)
				}
			}
		}
		return send.SingleLevel, retired
	}
	single, retired := state()
	if !single || len(retired) != 3 || retired["default"] || retired["solo-statistiche"] {
		t.Fatalf("built-in catalog: singleLevel %v, roles %v", single, retired)
	}
	shorter := []byte(`products:
  - code: send
    name: Send
    roles:
      - {code: default, name: DEFAULT, category: ADMIN}
      - {code: solo-statistiche, name: SOLO STATISTICHE, category: OPERATOR}
`)
	if err := d.LoadCatalog(ctx, shorter); err != nil {
		t.Fatal(err)
	}
	single, retired = state()
	if single || !retired["nessuna-comunicazione"] || retired["default"] || retired["solo-statistiche"] {
		t.Fatalf("after dropping a role: singleLevel %v, retired %v", single, retired)
	}
	if err := d.LoadCatalog(ctx, db.DefaultCatalog); err != nil {
		t.Fatal(err)
	}
	single, retired = state()
	if !single || retired["nessuna-comunicazione"] {
		t.Fatalf("listed again: singleLevel %v, retired %v", single, retired)
	}
}
