package globalid

import (
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
