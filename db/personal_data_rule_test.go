package db_test

import (
	"context"
	"fmt"
	"testing"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestPersonalDataRuleAgreesWithDomain: the personal-data rule is written
// twice, in Go (domain.CanSeePersonalData, for GraphQL fields) and in SQL
// (db.PersonalDataRule, for streamed CSV reports). In a small world of 4
// tenants and 6 people with overlapping memberships, for every viewer,
// every personal-data scope (each subset of the tenants, and all) and every
// report tenant, each report row shows personal data exactly when the Go
// rule says so (issue 14, item 4).
func TestPersonalDataRuleAgreesWithDomain(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	f := dbtest.NewFixture(t, d)
	tenants := []int64{f.Tenant("A", 0), 0, 0, f.Tenant("D", 0)}
	tenants[1] = f.Tenant("B", tenants[0])
	tenants[2] = f.Tenant("C", tenants[1])
	// memberships[i] are the tenants (indexes) of person i.
	memberships := [][]int{{0}, {1}, {2}, {0, 3}, {1, 2}, {3}}
	people := make([]int64, len(memberships))
	tenantsOf := map[int64][]int64{}
	for i, ms := range memberships {
		people[i] = f.User(fmt.Sprintf("person%d", i), tenants[ms[0]])
		for _, m := range ms {
			f.Assign(people[i], tenants[m], "segmenti", "user")
			tenantsOf[people[i]] = append(tenantsOf[people[i]], tenants[m])
		}
	}
	reports := db.NewOversightService(d)
	checked := 0
	for subset := 0; subset <= 1<<len(tenants); subset++ {
		scope := domain.Scope{All: subset == 1<<len(tenants), TenantIDs: []int64{}}
		for i, id := range tenants {
			if subset&(1<<i) != 0 {
				scope.TenantIDs = append(scope.TenantIDs, id)
			}
		}
		for _, viewer := range people {
			v := &domain.Viewer{UserID: viewer}
			for _, tenant := range tenants {
				rule := db.PersonalDataRuleFor(viewer, scope, tenant)
				shown := map[string]bool{}
				err := reports.StreamReport(ctx, db.ReportUsers, tenant, rule, func(row []string) error {
					shown[row[0]] = row[1] != "" // username, given name
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				for i, person := range people {
					username := fmt.Sprintf("person%d", i)
					member := false
					for _, m := range tenantsOf[person] {
						member = member || m == tenant
					}
					got, listed := shown[username]
					if listed != member {
						t.Fatalf("report of tenant %d lists %s: %v, member: %v", tenant, username, listed, member)
					}
					if !member {
						continue
					}
					if want := domain.CanSeePersonalData(v, scope, person, tenantsOf[person]); got != want {
						t.Fatalf("viewer %d, scope %+v, report of tenant %d, %s: SQL shows personal data %v, Go says %v",
							viewer, scope, tenant, username, got, want)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d combinations agree", checked)
}
