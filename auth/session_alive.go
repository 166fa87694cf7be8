package auth

import "context"

// Alive reports whether the session with this ID still exists (not
// expired, revoked or signed out). Long-lived subscriptions re-check their
// session with it; it does not slide the idle timeout.
func (s *SessionStore) Alive(ctx context.Context, id string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.key(id)).Result()
	return n == 1, err
}
