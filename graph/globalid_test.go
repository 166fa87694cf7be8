package graph

import (
	"strings"
	"testing"
)

func TestGlobalIDRoundTrip(t *testing.T) {
	for _, typ := range []string{"User", "Tenant", "RoleAssignment"} {
		gid := globalID(typ, 12345)
		gotTyp, id, err := parseGlobalID(gid)
		if err != nil || gotTyp != typ || id != 12345 {
			t.Fatalf("%s: %q %d %v", gid, gotTyp, id, err)
		}
		if _, err := decodeID("Other", gid, "id"); err == nil {
			t.Fatalf("%s decoded as another type", gid)
		}
	}
	for _, bad := range []string{"", "!!", "VXNlcjo", "VXNlcjotMQ", "VXNlcjow", strings.Repeat("A", 100)} {
		if _, _, err := parseGlobalID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzParseGlobalID: decoding never panics, accepted IDs are positive and
// re-encode to the same ID.
func FuzzParseGlobalID(f *testing.F) {
	f.Add(globalID("User", 1))
	f.Add("VXNlcjotMQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, gid string) {
		typ, id, err := parseGlobalID(gid)
		if err != nil {
			return
		}
		if id <= 0 {
			t.Fatalf("accepted non-positive id %d", id)
		}
		if again := globalID(typ, id); again != gid {
			// Different spellings of one number (leading zeros, "+") decode too;
			// they must decode to the same object.
			typ2, id2, err := parseGlobalID(again)
			if err != nil || typ2 != typ || id2 != id {
				t.Fatalf("re-encoding %q gave %q", gid, again)
			}
		}
	})
}
