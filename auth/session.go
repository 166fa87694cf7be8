package auth

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/kv"
)

// Session is one signed-in device or API client. Its ID is the hex SHA-256
// of the token: the token itself is never stored.
type Session struct {
	ID        string    `json:"id"`
	UserID    int64     `json:"userId"`
	CreatedAt time.Time `json:"createdAt"`
	LastSeen  time.Time `json:"lastSeen"`
	ExpiresAt time.Time `json:"expiresAt"` // absolute limit
	IP        string    `json:"ip"`
	UserAgent string    `json:"userAgent"`
	// Kind is "cookie" for the SPA or "bearer" for API clients.
	Kind string `json:"kind"`
	// CSRF is the anti-forgery token of a cookie session: the SPA reads it
	// from the csrf_token cookie and sends it back in X-CSRF-Token (and in
	// the WebSocket connection_init payload); a cross-site page cannot.
	CSRF string `json:"csrf,omitempty"`
}

// Session kinds.
const (
	KindCookie = "cookie"
	KindBearer = "bearer"
)

// SessionStore keeps sessions in Redis so that every replica sees them and
// a revocation takes effect everywhere at once.
type SessionStore struct {
	rdb      redis.UniversalClient
	ack      kv.Ack
	prefix   string
	idle     time.Duration
	absolute time.Duration
}

// NewSessionStore returns a store whose keys start with prefix (tests use
// a per-test prefix) and whose sessions end after idle inactivity or at the
// absolute limit, whichever comes first.
func NewSessionStore(rdb redis.UniversalClient, prefix string, idle, absolute time.Duration) *SessionStore {
	return &SessionStore{rdb: rdb, prefix: prefix, idle: idle, absolute: absolute}
}

// WithAck makes creations and revocations wait for ack's replicas
// (REDIS_URL's wait_replicas): a session acknowledged to its user, or a
// revocation acknowledged to an administrator, survives a Redis failover.
func (s *SessionStore) WithAck(ack kv.Ack) *SessionStore {
	s.ack = ack
	return s
}

// Keys. On a Redis Cluster a session and its user's index are never
// written in one command or transaction (they live in different slots: the
// session is found by its ID alone, the index by the user's): Create adds
// to the index before the session exists (on one node it writes both in
// one transaction), and revocations delete the session
// before they touch the index, so every live session is always in its
// user's index and RevokeAll finds it, on a cluster as on one node. The
// names are those of single-node deployments, unchanged: no session is
// lost when one upgrades.
func (s *SessionStore) key(id string) string { return s.prefix + "session:" + id }
func (s *SessionStore) userKey(userID int64) string {
	return fmt.Sprintf("%suser-sessions:%d", s.prefix, userID)
}

// ErrNoSession is returned for unknown, expired or revoked tokens.
var ErrNoSession = errors.New("auth: no such session")

// Create starts a session and returns its token, to be given to the client
// once.
func (s *SessionStore) Create(ctx context.Context, userID int64, kind, ip, userAgent string) (string, *Session, error) {
	token, hash := NewToken()
	now := time.Now().UTC()
	sess := &Session{ID: hex.EncodeToString(hash), UserID: userID, CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.absolute), IP: ip, UserAgent: userAgent, Kind: kind}
	if kind == KindCookie {
		sess.CSRF, _ = NewToken()
	}
	b, _ := json.Marshal(sess)
	index, key := s.userKey(userID), s.key(sess.ID)
	if !isCluster(s.rdb) {
		// One node (or Sentinel, or the in-process store): the index and
		// the session in one transaction, one round trip (issue 17.5).
		if err := kv.Write(ctx, s.rdb, s.ack, key, func(c redis.Cmdable) error {
			_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SAdd(ctx, index, sess.ID)
				p.Expire(ctx, index, s.absolute)
				p.Set(ctx, key, b, s.idle)
				return nil
			})
			return err
		}); err != nil {
			return "", nil, err
		}
		return token, sess, nil
	}
	if err := kv.Write(ctx, s.rdb, s.ack, index, func(c redis.Cmdable) error {
		_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.SAdd(ctx, index, sess.ID)
			p.Expire(ctx, index, s.absolute)
			return nil
		})
		return err
	}); err != nil {
		return "", nil, err
	}
	if err := kv.Write(ctx, s.rdb, s.ack, key, func(c redis.Cmdable) error {
		return c.Set(ctx, key, b, s.idle).Err()
	}); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// SessionID is the ID of the session a token would open: what the session
// is stored under, and what its rate-limit bucket counts for. It says
// nothing of whether such a session lives (Lookup does).
func SessionID(token string) string { return hex.EncodeToString(HashToken(token)) }

// Lookup returns the live session of a token and slides its idle timeout.
func (s *SessionStore) Lookup(ctx context.Context, token string) (*Session, error) {
	if token == "" || len(token) > 128 {
		return nil, ErrNoSession
	}
	id := SessionID(token)
	b, err := s.rdb.Get(ctx, s.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNoSession
	} else if err != nil {
		return nil, err
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	if now.After(sess.ExpiresAt) {
		_ = s.Revoke(ctx, sess.UserID, sess.ID)
		return nil, ErrNoSession
	}
	// Refresh the idle timeout at most once a minute (or a quarter of the
	// idle timeout, when shorter) to spare Redis writes.
	if now.Sub(sess.LastSeen) > min(time.Minute, s.idle/4) {
		sess.LastSeen = now
		ttl := min(s.idle, time.Until(sess.ExpiresAt))
		b, _ = json.Marshal(sess)
		// XX: only while the session exists. A revocation between the read
		// above and this write must not bring the session back.
		err := s.rdb.SetArgs(ctx, s.key(id), b, redis.SetArgs{Mode: "XX", TTL: ttl}).Err()
		if errors.Is(err, redis.Nil) {
			return nil, ErrNoSession
		} else if err != nil {
			return nil, err
		}
	}
	return &sess, nil
}

// List returns the user's live sessions.
func (s *SessionStore) List(ctx context.Context, userID int64) ([]*Session, error) {
	ids, err := s.rdb.SMembers(ctx, s.userKey(userID)).Result()
	if err != nil {
		return nil, err
	}
	var out []*Session
	for _, id := range ids {
		b, err := s.rdb.Get(ctx, s.key(id)).Bytes()
		if errors.Is(err, redis.Nil) {
			s.rdb.SRem(ctx, s.userKey(userID), id) // expired: forget it
			continue
		} else if err != nil {
			return nil, err
		}
		var sess Session
		if json.Unmarshal(b, &sess) == nil {
			out = append(out, &sess)
		}
	}
	return out, nil
}

// Revoke ends one session of the user.
func (s *SessionStore) Revoke(ctx context.Context, userID int64, id string) error {
	if err := s.del(ctx, id); err != nil {
		return err
	}
	return s.rdb.SRem(ctx, s.userKey(userID), id).Err()
}

// del deletes one session, acknowledged as s.ack says.
func (s *SessionStore) del(ctx context.Context, id string) error {
	key := s.key(id)
	return kv.Write(ctx, s.rdb, s.ack, key, func(c redis.Cmdable) error {
		return c.Del(ctx, key).Err()
	})
}

// RevokeOwned ends one session if it belongs to the user, and reports
// whether it did: a user never ends someone else's session by its ID.
func (s *SessionStore) RevokeOwned(ctx context.Context, userID int64, id string) (bool, error) {
	if len(id) != 64 {
		return false, nil
	}
	owned, err := s.rdb.SIsMember(ctx, s.userKey(userID), id).Result()
	if err != nil || !owned {
		return false, err
	}
	n, err := s.rdb.Exists(ctx, s.key(id)).Result()
	if err != nil {
		return false, err
	}
	return n == 1, s.Revoke(ctx, userID, id)
}

// RevokeOthers ends every session of the user but keep, and returns how
// many it ended.
func (s *SessionStore) RevokeOthers(ctx context.Context, userID int64, keep string) (int, error) {
	list, err := s.List(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sess := range list {
		if sess.ID == keep {
			continue
		}
		if err := s.Revoke(ctx, userID, sess.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Absolute is the absolute lifetime of new sessions.
func (s *SessionStore) Absolute() time.Duration { return s.absolute }

// RevokeAll ends every session of the user at once (suspension, lock,
// password reset, removal: R18).
func (s *SessionStore) RevokeAll(ctx context.Context, userID int64) error {
	ids, err := s.rdb.SMembers(ctx, s.userKey(userID)).Result()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.del(ctx, id); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// Forget only what was revoked: a session created meanwhile stays
	// indexed, so a later RevokeAll still finds it.
	members := make([]any, len(ids))
	for i, id := range ids {
		members[i] = id
	}
	return s.rdb.SRem(ctx, s.userKey(userID), members...).Err()
}
