package auth_test

import (
	"runtime"
	"testing"

	"tenantadmin/auth"
)

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestUnknownAccountCostsOneRealHash (R16, ASVS 2.2.1): checking a password
// for an account that does not exist runs one argon2id derivation of the
// same parameters as a real check. Measured by the memory argon2id must
// fill (19 MiB at the default cost), not by the clock.
func TestUnknownAccountCostsOneRealHash(t *testing.T) {
	hash, err := auth.HashPassword("the right password", auth.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	auth.VerifyPasswordOrDummy("", "warm-up") // the dummy hash is made once per process
	var known, unknown bool
	real := allocated(func() { known = auth.VerifyPasswordOrDummy(hash, "a wrong password") })
	dummy := allocated(func() { unknown = auth.VerifyPasswordOrDummy("", "the right password") })
	t.Logf("allocated by a wrong password: %d bytes; by an unknown account: %d bytes", real, dummy)
	if known || unknown {
		t.Fatalf("a wrong password or a missing account matched: %v %v", known, unknown)
	}
	if real < uint64(auth.DefaultArgon2.Memory)*1024 {
		t.Fatalf("a real check allocated %d bytes, less than argon2id's %d KiB", real, auth.DefaultArgon2.Memory)
	}
	if dummy < real*9/10 {
		t.Errorf("an unknown account costs %d bytes of argon2id work, a known one %d: the answer time tells whether the account exists", dummy, real)
	}
}
