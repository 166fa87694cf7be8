package db

import "testing"

// userModel.scanTarget(i) must be scanTargets()[i], column by column of
// userColumns: the users page scans its projection with it.
func TestUserScanTargetIsScanTargets(t *testing.T) {
	var m userModel
	all := m.scanTargets()
	if len(all) != len(userColumnFields) {
		t.Fatalf("%d scan targets for %d columns", len(all), len(userColumnFields))
	}
	for i, want := range all {
		if got := m.scanTarget(i); got != want {
			t.Fatalf("scanTarget(%d) = %T %p, scanTargets()[%d] = %T %p", i, got, got, i, want, want)
		}
	}
}
