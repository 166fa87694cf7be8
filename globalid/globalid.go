// Package globalid is the codec of the opaque IDs clients see:
// base64url("Type:id"), opaque to clients, typed for the server. Both
// transports (graph and httpapi) decode the IDs they are given with it, so
// that an ID means the same thing at /graphql and at the CSV endpoints. It
// depends on nothing but domain (for its errors).
package globalid

import (
	"encoding/base64"
	"strconv"
	"strings"

	"tenantadmin/domain"
)

// Encode is the global ID of the row id of type typ.
func Encode(typ string, id int64) string {
	var enc [96]byte
	return string(AppendEncode(enc[:0], typ, id))
}

// AppendEncode appends the global ID of the row id of type typ to dst: a
// users page writes hundreds of IDs straight into its answer. The ID is
// base64url, so it needs no escaping inside a JSON string.
func AppendEncode(dst []byte, typ string, id int64) []byte {
	var raw [64]byte
	plain := strconv.AppendInt(append(append(raw[:0], typ...), ':'), id, 10)
	return base64.RawURLEncoding.AppendEncode(dst, plain)
}

// EncodeKeyed is the global ID of an object known by a string key rather
// than a row id (a session): unique across types like every other ID, so
// that clients' caches (Relay, Apollo) never confuse two objects.
func EncodeKeyed(typ, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + key))
}

// ParseKeyed returns the key of an EncodeKeyed ID of type typ.
func ParseKeyed(typ, gid string) (string, bool) {
	if len(gid) > 256 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", false
	}
	key, ok := strings.CutPrefix(string(b), typ+":")
	return key, ok && key != ""
}

// Parse decodes any global ID into its type and database id.
func Parse(gid string) (typ string, id int64, err error) {
	invalid := domain.Errorf(domain.EINVALID, "Invalid ID.")
	if len(gid) > 64 {
		return "", 0, invalid
	}
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", 0, invalid
	}
	typ, num, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", 0, invalid
	}
	id, err = strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, invalid
	}
	return typ, id, nil
}

// Decode decodes a global ID that must be of the given type; field names
// the input for the error (INVALID_ID).
func Decode(typ, gid, field string) (int64, error) {
	t, id, err := Parse(gid)
	if err != nil || t != typ {
		return 0, domain.FieldError(field, "INVALID_ID", "Not a valid %s ID.", typ)
	}
	return id, nil
}

// DecodeOptional is Decode of an optional input: nil stays nil.
func DecodeOptional(typ string, gid *string, field string) (*int64, error) {
	if gid == nil {
		return nil, nil
	}
	id, err := Decode(typ, *gid, field)
	if err != nil {
		return nil, err
	}
	return &id, nil
}
