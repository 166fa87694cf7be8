package model

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"tenantadmin/domain"
)

// MarshalDateTime writes an RFC 3339 time with nanoseconds, in UTC as stored.
func MarshalDateTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalDateTime reads an RFC 3339 time; anything else is the client's
// mistake (BAD_USER_INPUT), not an internal error.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, domain.Errorf(domain.EINVALID, "A DateTime is an RFC 3339 string such as 2026-12-05T08:00:00Z.")
}
