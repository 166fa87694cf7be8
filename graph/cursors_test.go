package graph

import (
	"encoding/base64"
	"fmt"
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

// TestCursorSealCache (issue 17.1): Seal answers from a bounded cache; a
// cached seal is the one sealing afresh gives (and another replica with the
// same secret gives), the cache is consulted, it stays bounded, and a
// Cursors for a rotated secret never answers from the old secret's cache.
func TestCursorSealCache(t *testing.T) {
	const oldSecret, newSecret = "the secret before the rotation, 0123456789", "the secret after the rotation, 0123456789"
	c, err := NewCursors(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := NewCursors(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	storage := base64.RawURLEncoding.EncodeToString([]byte(`userCursor:{"u":"mario.rossi"}`))
	for _, plain := range []string{storage, "ev:42 not base64"} {
		first := c.Seal(plain)
		if cached, ok := c.sealed.get(plain); !ok || cached != first {
			t.Fatalf("%q is not in the cache after sealing: %q %v", plain, cached, ok)
		}
		if again := c.Seal(plain); again != first || again != c.seal(plain) || again != replica.Seal(plain) {
			t.Errorf("%q: cached seal %q, fresh %q, replica %q", plain, again, c.seal(plain), replica.Seal(plain))
		}
		if got, ok := c.Open(first); !ok || got != plain {
			t.Errorf("the cached seal of %q opens to %q %v", plain, got, ok)
		}
	}

	// Seal answers from the cache when it has the cursor.
	c.sealed.put("cursor:marked", "marked")
	if got := c.Seal("cursor:marked"); got != "marked" {
		t.Errorf("Seal did not consult its cache: %q", got)
	}

	// After a rotation the new Cursors seals with the new secret, though
	// the old one has the same cursor cached.
	rotated, err := NewCursors(newSecret, oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	old := c.Seal(storage)
	sealed := rotated.Seal(storage)
	if sealed == old || sealed != rotated.seal(storage) {
		t.Fatalf("the rotated Cursors sealed %q (old secret's %q, fresh %q)", sealed, old, rotated.seal(storage))
	}
	if _, ok := c.Open(sealed); ok {
		t.Error("the old secret opens what the rotated Cursors sealed")
	}
	if got, ok := rotated.Open(old); !ok || got != storage {
		t.Errorf("the previous secret's cursor does not open during the rotation: %q %v", got, ok)
	}

	// Bounded: many distinct cursors keep at most two generations, and a
	// cursor in use stays cached.
	hot := c.Seal(storage)
	for i := range 3 * sealCacheSize {
		c.Seal(fmt.Sprintf("cursor:%d", i))
		if i%1000 == 0 {
			c.Seal(storage)
		}
	}
	if n := c.sealed.len(); n > 2*sealCacheSize {
		t.Errorf("%d cursors cached, bound %d", n, 2*sealCacheSize)
	}
	if got, ok := c.sealed.get(storage); !ok || got != hot {
		t.Errorf("the cursor in use left the cache: %q %v", got, ok)
	}
}
