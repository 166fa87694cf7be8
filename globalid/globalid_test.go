package globalid

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"testing"

	"tenantadmin/domain"
)

func TestDecode(t *testing.T) {
	gid := Encode("Tenant", 42)
	if id, err := Decode("Tenant", gid, "tenant"); err != nil || id != 42 {
		t.Fatalf("round trip: %d, %v", id, err)
	}
	for name, in := range map[string]string{"another type": Encode("User", 42), "not base64": "!!", "empty": "",
		"no id": EncodeKeyed("Tenant", "x"), "zero": Encode("Tenant", 0), "too long": Encode("Tenant", 42) + string(make([]byte, 64))} {
		_, err := Decode("Tenant", in, "tenant")
		if e := domain.AsError(err); e == nil || e.Reason != "INVALID_ID" || e.Field != "tenant" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if id, err := DecodeOptional("Tenant", nil, "tenant"); id != nil || err != nil {
		t.Errorf("nil: %v, %v", id, err)
	}
	if key, ok := ParseKeyed("Session", EncodeKeyed("Session", "abc")); !ok || key != "abc" {
		t.Errorf("keyed: %q %v", key, ok)
	}
	if _, ok := ParseKeyed("Session", EncodeKeyed("Tenant", "abc")); ok {
		t.Error("keyed ID of another type accepted")
	}
}

// Encode builds IDs in stack buffers; they must be the plain base64 of
// "Type:id" for any type name length and id.
func TestEncodeIsBase64OfTypeAndID(t *testing.T) {
	for _, typ := range []string{"User", "RoleAssignment", strings.Repeat("LongTypeName", 8)} {
		for _, id := range []int64{0, 1, 42, -7, math.MaxInt64, math.MinInt64} {
			want := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d", typ, id)))
			if got := Encode(typ, id); got != want {
				t.Fatalf("Encode(%q, %d) = %q, want %q", typ, id, got, want)
			}
			// Appended after what dst holds, as the users page writes it.
			if got := string(AppendEncode([]byte(`{"id":"`), typ, id)); got != `{"id":"`+want {
				t.Fatalf("AppendEncode(%q, %d) = %q, want the prefix then %q", typ, id, got, want)
			}
		}
	}
}
