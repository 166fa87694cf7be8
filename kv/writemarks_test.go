package kv_test

import (
	"context"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
)

// TestWriteMarksKeepTheLargest: two requests of one writer finishing out of
// order never lower the writer's mark, and a mark expires.
func TestWriteMarksKeepTheLargest(t *testing.T) {
	ctx := context.Background()
	rdb, prefix := dbtest.MustRedis(t)
	marks := kv.NewWriteMarks(rdb, prefix)
	if lsn, err := marks.Get(ctx, "user:1"); err != nil || lsn != 0 {
		t.Fatalf("no mark: %d, %v", lsn, err)
	}
	// 0x1_0000_0000 > 0xFFFF_FFFF: numeric order, not text order of X/Y.
	for _, lsn := range []uint64{0xFFFF_FFFF, 0x1_0000_0000, 0x20, 0xFFFF_FFFF} {
		if err := marks.Raise(ctx, "user:1", lsn, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if lsn, err := marks.Get(ctx, "user:1"); err != nil || lsn != 0x1_0000_0000 {
		t.Fatalf("mark = %#x, %v", lsn, err)
	}
	if lsn, _ := marks.Get(ctx, "user:2"); lsn != 0 {
		t.Fatalf("another writer's mark = %#x", lsn)
	}
	if err := marks.Raise(ctx, "user:3", 7, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		lsn, err := marks.Get(ctx, "user:3")
		if err != nil {
			t.Fatal(err)
		}
		if lsn == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the mark never expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
