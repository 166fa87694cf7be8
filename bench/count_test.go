package bench

import (
	"context"
	"log/slog"
	"testing"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// BenchmarkUsersCount compares a users list's exact count with the bounded
// count (exact up to db.DefaultExactCountLimit, then PostgreSQL's estimate)
// on the platform-wide lists, whose exact count grows with the data (issue
// 17.2). Run on datasets of several sizes:
//
//	go run ./cmd/datagen -reset -scale 0.1 -audit-events 0 -database-url postgres://…/countbench_0_1
//	BENCH_DATABASE_URL=postgres://…/countbench_0_1 go test ./bench -run '^$' -bench UsersCount -count 5
func BenchmarkUsersCount(b *testing.B) {
	ctx := context.Background()
	d, err := db.Open(ctx, DatabaseURL(b), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	users := db.NewUserService(d)
	suspended, search := domain.UserStatus("SUSPENDED"), "mar"
	filters := []struct {
		name string
		f    domain.UserFilter
	}{
		{"Platform", domain.UserFilter{Scope: domain.Scope{All: true}}},
		{"PlatformActive", domain.UserFilter{Scope: domain.Scope{All: true}, Status: func() *domain.UserStatus { s := domain.UserStatus("ACTIVE"); return &s }()}},
		{"PlatformSuspended", domain.UserFilter{Scope: domain.Scope{All: true}, Status: &suspended}},
		{"PlatformSearch", domain.UserFilter{Scope: domain.Scope{All: true}, Search: &search}},
	}
	for _, f := range filters {
		b.Run(f.name+"/Exact", func(b *testing.B) {
			var n int
			for b.Loop() {
				if n, err = users.CountUsers(ctx, f.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "users")
		})
		b.Run(f.name+"/Bounded", func(b *testing.B) {
			var c domain.Count
			for b.Loop() {
				if c, err = users.EstimateUsers(ctx, f.f, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.N), "users")
			exact := 0.0
			if c.Exact {
				exact = 1
			}
			b.ReportMetric(exact, "exact")
		})
	}
}
