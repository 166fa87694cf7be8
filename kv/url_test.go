package kv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9/maintnotifications"

	"tenantadmin/kv"
)

func TestParseURL(t *testing.T) {
	t.Run("Single", func(t *testing.T) {
		c, err := kv.ParseURL("redis://:secret@10.0.0.1:6380/2?dial_timeout=2s&wait_replicas=1&wait_timeout=250ms")
		if err != nil {
			t.Fatal(err)
		}
		if c.Mode != kv.ModeSingle || c.Single.Addr != "10.0.0.1:6380" || c.Single.DB != 2 || c.Single.Password != "secret" ||
			c.Single.DialTimeout != 2*time.Second || c.Ack != (kv.Ack{Replicas: 1, Timeout: 250 * time.Millisecond}) {
			t.Fatalf("%+v %+v", c, c.Single)
		}
	})
	t.Run("Cluster", func(t *testing.T) {
		c, err := kv.ParseURL("redis-cluster://app:p%40ss@h1:7000,h2,[::1]:7002/?read_timeout=1s&wait_replicas=1")
		if err != nil {
			t.Fatal(err)
		}
		o := c.Cluster
		if c.Mode != kv.ModeCluster || strings.Join(o.Addrs, " ") != "h1:7000 h2:6379 [::1]:7002" ||
			o.Username != "app" || o.Password != "p@ss" || o.ReadTimeout != time.Second || o.TLSConfig != nil ||
			c.Ack != (kv.Ack{Replicas: 1, Timeout: time.Second}) {
			t.Fatalf("%+v %+v", c, o)
		}
		c, err = kv.ParseURL("rediss-cluster://h1:7000")
		if err != nil || c.Cluster.TLSConfig == nil || c.Ack.Replicas != 0 {
			t.Fatalf("TLS cluster: %+v %v", c, err)
		}
	})
	t.Run("Sentinel", func(t *testing.T) {
		c, err := kv.ParseURL("redis-sentinel://:nodepw@s1,s2:26380/my%20master/3?sentinel_password=sp&dial_timeout=1s")
		if err != nil {
			t.Fatal(err)
		}
		o := c.Sentinel
		if c.Mode != kv.ModeSentinel || strings.Join(o.SentinelAddrs, " ") != "s1:26379 s2:26380" || o.MasterName != "my master" ||
			o.DB != 3 || o.Password != "nodepw" || o.SentinelPassword != "sp" || o.DialTimeout != time.Second {
			t.Fatalf("%+v %+v", c, o)
		}
	})
	t.Run("NoMaintNotifications", func(t *testing.T) {
		// See TestConcurrentFreshConnections.
		single, err1 := kv.ParseURL("redis://h:1/0")
		cluster, err2 := kv.ParseURL("redis-cluster://h1:7000")
		if err1 != nil || err2 != nil ||
			single.Single.MaintNotificationsConfig == nil || single.Single.MaintNotificationsConfig.Mode != maintnotifications.ModeDisabled ||
			cluster.Cluster.MaintNotificationsConfig == nil || cluster.Cluster.MaintNotificationsConfig.Mode != maintnotifications.ModeDisabled {
			t.Fatalf("maintenance notifications not off: %v %v %+v %+v", err1, err2, single, cluster)
		}
	})
	t.Run("ErrBad", func(t *testing.T) {
		for in, want := range map[string]string{
			"":                                       "empty",
			" redis://h:1":                           "spaces",
			"localhost:6379":                         "no scheme",
			"memcached://h:1":                        "unknown scheme",
			"redis://h:1/0?bogus=1":                  "unexpected option",
			"redis://h:1/0?wait_replicas=-1":         "wait_replicas",
			"redis://h:1/0?wait_replicas=x":          "wait_replicas",
			"redis://h:1/0?wait_timeout=0s":          "wait_timeout",
			"redis-cluster://":                       "no host",
			"redis-cluster://h1:7000,,h2:7001":       "empty address",
			"redis-cluster://h1:7000,":               "empty address",
			"redis-cluster://h1:70000":               "bad port",
			"redis-cluster://h1:x":                   "bad port",
			"redis-cluster://::1:7000":               "brackets",
			"redis-cluster://h1:7000,h1:7000":        "twice",
			"redis-cluster://h1:7000/1":              "only database 0",
			"redis-cluster://h1:7000/?addr=h2:7001":  "not allowed",
			"redis-cluster://h1:7000/?pool_sise=3":   "unexpected option",
			"redis-cluster://h1:7000#x":              "fragment",
			"redis-sentinel://s1:26379":              "master's name",
			"redis-sentinel://s1:26379/":             "master's name",
			"redis-sentinel://s1:26379/m/x":          "database number",
			"redis-sentinel://s1:26379/m/0/1":        "want /MASTER",
			"redis-sentinel://s1/m?master_name=x":    "not allowed",
			"redis-sentinel://s1/m?password=x":       "not allowed",
			"redis-sentinel://s1/m?wait_timeout=2m":  "wait_timeout",
			"redis-sentinel://s1/m?read_timeout=bad": "read_timeout",
		} {
			if c, err := kv.ParseURL(in); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "REDIS_URL") {
				t.Errorf("%q: %+v, %v; want an error about %q", in, c, err, want)
			}
		}
	})
}
