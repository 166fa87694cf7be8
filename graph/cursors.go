package graph

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"tenantadmin/domain"
)

// Cursors are sealed at the API's edge (issue 15.5). The storage layer
// writes a cursor as the sort key of a row and the kind of list it belongs
// to (db/cursor.go, eventCursor): readable, with internal IDs. Clients get
// it sealed with AES-256-GCM under a key derived from CURSOR_SECRET, so it
// is opaque (no ID, no key, no list name visible) and cannot be forged or
// edited: a cursor that does not open is INVALID_CURSOR, and one that opens
// is still checked by its list (another list's cursor is INVALID_CURSOR
// there). Every replica configured with the same secret opens the others'
// cursors.
//
// The sealing is one field middleware over the Relay names, which the
// schema lint (eslint.config.mjs, relay rules) holds every connection to:
// fields named cursor, startCursor and endCursor are sealed on the way out,
// String arguments named after and before are opened on the way in.
//
// The nonce is an HMAC of the cursor (a synthetic IV): the same row gives
// the same cursor on every replica and every request, and two different
// cursors never share a nonce. What that reveals is only that two cursors
// are equal, which the client knows anyway.

// DevelopmentCursorSecret seals cursors when CURSOR_SECRET is not set:
// development and tests only (the server refuses to start in production
// without CURSOR_SECRET). It is public, so it hides nothing.
const DevelopmentCursorSecret = "tenantadmin development cursor secret: not for production"

// MinCursorSecretLen is the shortest CURSOR_SECRET accepted.
const MinCursorSecretLen = 32

// maxSealedCursor bounds what a client may send as a cursor: ours carry a
// sort key of at most a few hundred characters (two 100-character names),
// and a longer string is refused before any work.
const maxSealedCursor = 4096

// cursorAAD binds a sealed cursor to this format.
var cursorAAD = []byte("tenantadmin cursor v1")

// Cursors seals cursors with the current secret and opens those sealed
// with it or with a previous one, so that a rotated CURSOR_SECRET does not
// break the pages clients have open: during a rotation every replica gets
// the new secret and the old one as CURSOR_SECRET_PREVIOUS, and once the old
// cursors have aged out the previous one is dropped.
type Cursors struct {
	keys []cursorKey // keys[0] seals

	// sealed caches Seal's answers (issue 17.1): a cursor always seals to
	// the same string under keys[0] (synthetic IV), and a users page seals
	// 52 of them, mostly the same rows page after page. The cache belongs
	// to this Cursors, so to its sealing secret alone: a Cursors made for
	// a rotated secret starts empty.
	sealed sealCache
}

// sealCacheSize bounds each of the seal cache's two generations: at most
// twice this many cursors (a few hundred bytes each) are held.
const sealCacheSize = 4096

// sealCache is a bounded map from storage cursor to sealed cursor, in two
// generations: entries go into cur; when cur is full it becomes old and
// the previous old is dropped, and a hit in old is moved back to cur. So
// the cursors in use stay, and memory is bounded, without the bookkeeping
// of an exact LRU on every hit.
type sealCache struct {
	mu       sync.Mutex
	cur, old map[string]string
}

func (c *sealCache) get(plain string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.cur[plain]; ok {
		return s, true
	}
	if s, ok := c.old[plain]; ok {
		c.putLocked(plain, s)
		return s, true
	}
	return "", false
}

func (c *sealCache) put(plain, sealed string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(plain, sealed)
}

func (c *sealCache) putLocked(plain, sealed string) {
	if c.cur == nil || len(c.cur) >= sealCacheSize {
		c.old, c.cur = c.cur, make(map[string]string, sealCacheSize)
	}
	c.cur[plain] = sealed
}

func (c *sealCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}

type cursorKey struct {
	aead     cipher.AEAD
	nonceKey []byte
}

// NewCursors derives the sealing keys from secret (CURSOR_SECRET) and the
// opening-only keys from previous (CURSOR_SECRET_PREVIOUS); an empty secret
// is DevelopmentCursorSecret.
func NewCursors(secret string, previous ...string) (*Cursors, error) {
	if secret == "" {
		secret = DevelopmentCursorSecret
	}
	c := &Cursors{}
	for i, s := range append([]string{secret}, previous...) {
		if s == "" {
			continue
		}
		name := "CURSOR_SECRET"
		if i > 0 {
			name = "CURSOR_SECRET_PREVIOUS"
		}
		if len(s) < MinCursorSecretLen {
			return nil, fmt.Errorf("%s must be at least %d characters", name, MinCursorSecretLen)
		}
		k, err := newCursorKey(s)
		if err != nil {
			return nil, err
		}
		c.keys = append(c.keys, k)
	}
	return c, nil
}

func newCursorKey(secret string) (cursorKey, error) {
	encKey, err := hkdf.Key(sha256.New, []byte(secret), nil, "tenantadmin cursor aes-256-gcm", 32)
	if err != nil {
		return cursorKey{}, err
	}
	nonceKey, err := hkdf.Key(sha256.New, []byte(secret), nil, "tenantadmin cursor nonce", 32)
	if err != nil {
		return cursorKey{}, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return cursorKey{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return cursorKey{}, err
	}
	return cursorKey{aead: aead, nonceKey: nonceKey}, nil
}

// Seal makes a storage cursor opaque. Storage cursors are base64url: their
// bytes are sealed (a leading 1), else the string itself (a leading 0).
// The answer is cached (sealed): sealing is deterministic, so a cached
// answer is the one sealing again would give.
func (c *Cursors) Seal(cursor string) string {
	if s, ok := c.sealed.get(cursor); ok {
		return s
	}
	s := c.seal(cursor)
	c.sealed.put(cursor, s)
	return s
}

// seal seals without the cache.
func (c *Cursors) seal(cursor string) string {
	plain := append([]byte{0}, cursor...)
	if raw, err := base64.RawURLEncoding.DecodeString(cursor); err == nil && base64.RawURLEncoding.EncodeToString(raw) == cursor {
		plain = append([]byte{1}, raw...)
	}
	k := c.keys[0]
	mac := hmac.New(sha256.New, k.nonceKey)
	mac.Write(plain)
	nonce := mac.Sum(nil)[:k.aead.NonceSize()]
	return base64.RawURLEncoding.EncodeToString(k.aead.Seal(nonce, nonce, plain, cursorAAD))
}

// Open returns the storage cursor of a sealed one, or false when it was not
// sealed with this secret, or was changed.
func (c *Cursors) Open(sealed string) (string, bool) {
	if len(sealed) > maxSealedCursor {
		return "", false
	}
	// Strict: one spelling per cursor (no stray bits in the last character).
	b, err := base64.RawURLEncoding.Strict().DecodeString(sealed)
	if err != nil {
		return "", false
	}
	var plain []byte
	for _, k := range c.keys {
		n := k.aead.NonceSize()
		if len(b) < n+k.aead.Overhead()+1 {
			return "", false
		}
		if p, err := k.aead.Open(nil, b[:n], b[n:], cursorAAD); err == nil {
			plain = p
			break
		}
	}
	if len(plain) == 0 {
		return "", false
	}
	switch plain[0] {
	case 0:
		return string(plain[1:]), true
	case 1:
		return base64.RawURLEncoding.EncodeToString(plain[1:]), true
	}
	return "", false
}

// cursorFields are the Relay fields that carry a cursor out.
var cursorFields = map[string]bool{"cursor": true, "startCursor": true, "endCursor": true}

// cursorArgs are the Relay arguments that bring one in.
var cursorArgs = []string{"after", "before"}

// middleware seals cursor fields and opens cursor arguments.
func (c *Cursors) middleware(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return next(ctx)
	}
	for _, name := range cursorArgs {
		arg := fc.Field.Definition.Arguments.ForName(name)
		if arg == nil || arg.Type.NamedType != "String" {
			continue
		}
		sealed, ok := fc.Args[name].(*string)
		if !ok || sealed == nil {
			continue
		}
		plain, ok := c.Open(*sealed)
		if !ok {
			return nil, &domain.Error{Code: domain.EINVALID, Field: name, Reason: "INVALID_CURSOR",
				Message: "The cursor is not valid: pass a cursor this API returned for this list."}
		}
		fc.Args[name] = &plain
	}
	res, err := next(ctx)
	if err != nil || !cursorFields[fc.Field.Name] || fc.Field.Definition.Type.NamedType != "String" {
		return res, err
	}
	switch v := res.(type) {
	case string:
		return c.Seal(v), nil
	case *string:
		if v != nil {
			sealed := c.Seal(*v)
			return &sealed, nil
		}
	}
	return res, err
}
