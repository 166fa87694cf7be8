package graph

import "tenantadmin/globalid"

// Global IDs are base64url("Type:id"): opaque to clients, typed for us.
// The codec is package globalid, shared with httpapi; these are its short
// names in the resolvers.

func globalID(typ string, id int64) string { return globalid.Encode(typ, id) }

func keyedGlobalID(typ, key string) string { return globalid.EncodeKeyed(typ, key) }

func parseKeyedGlobalID(typ, gid string) (string, bool) { return globalid.ParseKeyed(typ, gid) }

func parseGlobalID(gid string) (typ string, id int64, err error) { return globalid.Parse(gid) }

func decodeID(typ, gid, field string) (int64, error) { return globalid.Decode(typ, gid, field) }

func decodeOptionalID(typ string, gid *string, field string) (*int64, error) {
	return globalid.DecodeOptional(typ, gid, field)
}
