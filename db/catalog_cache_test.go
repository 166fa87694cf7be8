package db_test

import (
	"context"
	"slices"
	"testing"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestCatalogCache: the catalog is read from memory between loads, and a
// LoadCatalog through the same handle is seen at once.
func TestCatalogCache(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	svc := db.NewCatalogService(d)
	name := func() string {
		products, err := svc.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(products, func(p *domain.Product) bool { return p.Code == "segmenti" })
		if i < 0 {
			t.Fatal("no product segmenti")
		}
		return products[i].Name
	}
	before := name()
	queries := d.QueryCount()
	if name() != before || d.QueryCount() != queries {
		t.Fatalf("a second read ran %d queries", d.QueryCount()-queries)
	}
	// A change outside LoadCatalog is not seen until the copy expires: the
	// catalog is written only by LoadCatalog.
	if _, err := d.ExecContext(ctx, "UPDATE products SET name = 'Renamed by hand' WHERE code = 'segmenti'"); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != before {
		t.Fatalf("read %q from the database, want the cached %q", got, before)
	}
	doc := []byte("products:\n  - code: segmenti\n    name: Segmenti rinominati\n    roles:\n      - {code: admin, name: Amministratore, category: ADMIN}\n")
	if err := d.LoadCatalog(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "Segmenti rinominati" {
		t.Fatalf("after LoadCatalog: %q", got)
	}
	roles, err := svc.Roles(ctx)
	if err != nil || len(roles) == 0 {
		t.Fatalf("roles %d, %v", len(roles), err)
	}
}
