package auth

import "tenantadmin/domain"

// serviceTokenHintLen is how much of a service account token is kept in
// clear as its hint: the prefix and 6 of its 43 random characters.
const serviceTokenHintLen = len(domain.ServiceTokenPrefix) + 6

// NewServiceToken returns a new service account token ("sat_" and 32 random
// bytes), its stored hash and its hint (R27). The token itself is shown to
// the administrator once and never stored.
func NewServiceToken() (token string, hash []byte, hint string) {
	random, _ := NewToken()
	token = domain.ServiceTokenPrefix + random
	return token, HashToken(token), token[:serviceTokenHintLen]
}
