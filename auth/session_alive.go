package auth

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Alive reports whether the session with this ID still exists (not
// expired, revoked or signed out). Long-lived subscriptions re-check their
// session with it; it does not slide the idle timeout.
func (s *SessionStore) Alive(ctx context.Context, id string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.key(id)).Result()
	return n == 1, err
}

// AliveMany is Alive for many sessions in one round trip (a pipeline of
// EXISTS: sessions live in different Redis Cluster slots, which one MGET
// could not span). The answer has an entry for every ID asked.
func (s *SessionStore) AliveMany(ctx context.Context, ids []string) (map[string]bool, error) {
	cmds := make([]*redis.IntCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.Exists(ctx, s.key(id))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	alive := make(map[string]bool, len(ids))
	for i, id := range ids {
		alive[id] = cmds[i].Val() == 1
	}
	return alive, nil
}
