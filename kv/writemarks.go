package kv

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// WriteMarks keep each writer's latest WAL position (db.WriteMarks) under
// KEY_PREFIX + "writemark:" + key, so that every server process sends the
// writer's lag-tolerant reads to the primary until a replica has replayed
// it (docs/ha.md). A mark is one key: fine on a cluster.
type WriteMarks struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewWriteMarks keeps marks in rdb under prefix.
func NewWriteMarks(rdb redis.UniversalClient, prefix string) *WriteMarks {
	return &WriteMarks{rdb: rdb, prefix: prefix + "writemark:"}
}

// raiseScript keeps the larger of the stored and the new position (as 16
// hex digits, so that string order is numeric order): two requests of one
// writer finishing out of order never lower the mark.
var raiseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur and cur >= ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`)

// Raise records lsn for key unless a larger position is recorded.
func (w *WriteMarks) Raise(ctx context.Context, key string, lsn uint64, ttl time.Duration) error {
	return raiseScript.Run(ctx, w.rdb, []string{w.prefix + key}, fmt.Sprintf("%016x", lsn), ttl.Milliseconds()).Err()
}

// Get returns key's recorded position, 0 when none.
func (w *WriteMarks) Get(ctx context.Context, key string) (uint64, error) {
	v, err := w.rdb.Get(ctx, w.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(v, 16, 64)
}
