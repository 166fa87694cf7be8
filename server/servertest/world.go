package servertest

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"tenantadmin/bench"
	"tenantadmin/db/dbtest"
)

// UsersPageQuery is the document the read-path benchmarks measure.
const UsersPageQuery = bench.UsersPageQuery

// UsersPage decodes UsersPageQuery.
type UsersPage struct {
	Users struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage, HasPreviousPage bool
			EndCursor, StartCursor       string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				ID, Username, Status                  string
				GivenName, FamilyName, Email, TaxCode *string
				HomeTenant                            *struct{ ID, Name string }
				Memberships                           []struct {
					ID              string
					Tenant          struct{ ID, Name string }
					RoleAssignments []struct {
						Status  string
						Role    struct{ Name, Category string }
						Product struct{ Code string }
					}
				}
			}
		}
	}
}

// World is a small organisation: a holding with a child company and its
// site, and an unrelated organisation.
type World struct {
	M                                                  *Main
	F                                                  *dbtest.Fixture
	Holding, Company, Site, Other                      int64
	HoldingAdmin, CompanyAdmin, OtherAdmin, Technician int64
}

// NewWorld runs a server and builds the world in its database.
func NewWorld(t *testing.T) *World {
	return NewWorldOn(t, MustRunMain(t))
}

// NewWorldOn builds the world in the database of an already running server.
func NewWorldOn(t *testing.T, m *Main) *World {
	f := dbtest.NewFixture(t, m.DB)
	w := &World{M: m, F: f}
	w.Holding = f.Tenant("Holding Spa", 0)
	w.Company = f.Tenant("Filiale Srl", w.Holding)
	w.Site = f.Tenant("Sede operativa Torino", w.Company)
	w.Other = f.Tenant("Altra Azienda", 0)
	w.HoldingAdmin = f.User("holding.admin", w.Holding)
	f.Assign(w.HoldingAdmin, w.Holding, "segmenti", "admin")
	w.CompanyAdmin = f.User("company.admin", w.Company)
	f.Assign(w.CompanyAdmin, w.Company, "segmenti", "admin")
	w.OtherAdmin = f.User("other.admin", w.Other)
	f.Assign(w.OtherAdmin, w.Other, "segmenti", "admin")
	w.Technician = f.User("tech.amisgest", w.Company)
	f.Assign(w.Technician, w.Company, "amisgest", "external-technician")
	return w
}

// GlobalID is the GraphQL global ID of an object of type typ.
func GlobalID(typ string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d", typ, id)))
}

// Int64 runs a query returning one integer.
func (w *World) Int64(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.M.DB.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Text runs a query returning one string.
func (w *World) Text(t *testing.T, query string, args ...any) string {
	t.Helper()
	var s string
	if err := w.M.DB.QueryRowContext(context.Background(), query, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return s
}

// RestrictedAdmin adds an administrator of the company whose role (the
// clienti product's admin, made restricted for this world) has no
// personal-data access (R12), and returns its user ID.
func (w *World) RestrictedAdmin(t *testing.T) int64 {
	t.Helper()
	w.F.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'admin'
		AND product_id = (SELECT id FROM products WHERE code = 'clienti')`)
	restricted := w.F.User("restricted.admin", w.Company)
	w.F.Assign(restricted, w.Company, "clienti", "admin")
	return restricted
}
