package auth_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db/dbtest"
)

// BenchmarkSessionMemory measures the Redis memory one session costs
// (its key and its share of the user's index), for docs/sizing.md:
//
//	BENCH_SESSION_MEMORY=1 go test ./auth -run '^$' -bench SessionMemory -benchtime 1x
func BenchmarkSessionMemory(b *testing.B) {
	if os.Getenv("BENCH_SESSION_MEMORY") == "" {
		b.Skip("set BENCH_SESSION_MEMORY=1 to run")
	}
	rdb, prefix := dbtest.MustRedis(b)
	store := auth.NewSessionStore(rdb, prefix, 30*time.Minute, 12*time.Hour)
	ctx := context.Background()
	const users, perUser = 2000, 2
	ua := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
	for u := 1; u <= users; u++ {
		for i := 0; i < perUser; i++ {
			kind := auth.KindCookie
			if i == 1 {
				kind = "bearer"
			}
			if _, _, err := store.Create(ctx, int64(u), kind, "203.0.113.7", ua); err != nil {
				b.Fatal(err)
			}
		}
	}
	var total, keys int64
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		n, err := rdb.MemoryUsage(ctx, iter.Val()).Result()
		if err != nil {
			b.Fatal(err)
		}
		total += n
		keys++
	}
	fmt.Printf("%d sessions of %d users (half cookie, half bearer): %d keys, %d bytes, %.0f bytes per session (MEMORY USAGE, key and index share)\n",
		users*perUser, users, keys, total, float64(total)/float64(users*perUser))
}
