package graph

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestCursorSealing (issue 15.5): a sealed cursor opens to the storage
// cursor with the same secret only; every changed byte, another secret, a
// storage cursor sent as is, and a cursor cut short are refused; the same
// cursor always seals the same way (replicas agree) and shows nothing of
// what it carries.
func TestCursorSealing(t *testing.T) {
	c, err := NewCursors("the secret of this deployment, 0123456789")
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewCursors("the secret of another deployment, 0123456789")
	if err != nil {
		t.Fatal(err)
	}
	storage := base64.RawURLEncoding.EncodeToString([]byte(`tenantCursor:{"n":"Filiale Srl","i":4711}`))
	for _, plain := range []string{storage, "ev:42 not base64"} {
		sealed := c.Seal(plain)
		if got, ok := c.Open(sealed); !ok || got != plain {
			t.Fatalf("round trip of %q: %q %v", plain, got, ok)
		}
		if c.Seal(plain) != sealed {
			t.Error("the same cursor sealed twice differs: replicas would disagree")
		}
		if _, ok := other.Open(sealed); ok {
			t.Error("another secret opened the cursor")
		}
		raw, _ := base64.RawURLEncoding.DecodeString(sealed)
		for _, visible := range []string{"tenantCursor", "Filiale", "4711", "ev:42", storage[:12]} {
			if strings.Contains(string(raw), visible) || strings.Contains(sealed, visible) {
				t.Errorf("sealed cursor %q shows %q", sealed, visible)
			}
		}
		for i := range raw {
			changed := append([]byte(nil), raw...)
			changed[i] ^= 0x01
			if _, ok := c.Open(base64.RawURLEncoding.EncodeToString(changed)); ok {
				t.Errorf("byte %d changed and the cursor still opens", i)
			}
		}
		if _, ok := c.Open(sealed[:len(sealed)-1]); ok {
			t.Error("a cursor cut short opens")
		}
	}
	for _, bad := range []string{"", storage, "!!", strings.Repeat("A", maxSealedCursor+1)} {
		if _, ok := c.Open(bad); ok {
			t.Errorf("%.20q opens", bad)
		}
	}
	if _, err := NewCursors("short"); err == nil {
		t.Error("a short secret is accepted")
	}
	dev, _ := NewCursors("")
	if _, ok := dev.Open(c.Seal(storage)); ok {
		t.Error("the development key opens a deployment's cursor")
	}
}

// FuzzOpenCursor: whatever a client sends as a cursor, Open answers
// without panicking.
func FuzzOpenCursor(f *testing.F) {
	c, _ := NewCursors("")
	f.Add(c.Seal(base64.RawURLEncoding.EncodeToString([]byte(`userCursor:{"u":"mario.rossi"}`))))
	f.Add("")
	f.Add("!!")
	f.Fuzz(func(t *testing.T, s string) {
		if plain, ok := c.Open(s); ok && c.Seal(plain) != s {
			t.Fatalf("%q opened to %q, which seals to another cursor", s, plain)
		}
	})
}

// TestCursorSecretRotation: during a rotation (CURSOR_SECRET new,
// CURSOR_SECRET_PREVIOUS old) cursors sealed before it still open, new ones
// are sealed with the new secret only, and once the previous secret is
// dropped the old cursors are refused.
func TestCursorSecretRotation(t *testing.T) {
	const oldSecret, newSecret = "the secret before the rotation, 0123456789", "the secret after the rotation, 0123456789"
	before, err := NewCursors(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	during, err := NewCursors(newSecret, oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	after, err := NewCursors(newSecret)
	if err != nil {
		t.Fatal(err)
	}
	storage := base64.RawURLEncoding.EncodeToString([]byte(`userCursor:{"u":"mario.rossi"}`))
	old := before.Seal(storage)
	if got, ok := during.Open(old); !ok || got != storage {
		t.Fatalf("a cursor sealed before the rotation does not open during it: %q %v", got, ok)
	}
	sealed := during.Seal(storage)
	if sealed != after.Seal(storage) {
		t.Error("during the rotation cursors are not sealed with the new secret")
	}
	if _, ok := before.Open(sealed); ok {
		t.Error("the old secret opens a cursor sealed during the rotation")
	}
	if _, ok := after.Open(old); ok {
		t.Error("a cursor of the dropped secret still opens")
	}
	if _, err := NewCursors(newSecret, "short"); err == nil || !strings.Contains(err.Error(), "CURSOR_SECRET_PREVIOUS") {
		t.Errorf("a short previous secret: %v", err)
	}
}
