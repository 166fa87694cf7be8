package kv

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Mode is the shape of the Redis deployment a REDIS_URL names.
type Mode string

// Modes of Open.
const (
	ModeInProcess Mode = "in-process"
	ModeSingle    Mode = "single"
	ModeCluster   Mode = "cluster"
	ModeSentinel  Mode = "sentinel"
)

// Config is a parsed REDIS_URL: exactly one of Single, Cluster and
// Sentinel is set, matching Mode.
type Config struct {
	Mode     Mode
	Single   *redis.Options
	Cluster  *redis.ClusterOptions
	Sentinel *redis.FailoverOptions
	// Ack is how writes that must survive a failover are acknowledged.
	Ack Ack
}

// Default ports of a Redis node and of a Sentinel.
const (
	defaultRedisPort    = "6379"
	defaultSentinelPort = "26379"
	defaultWaitTimeout  = time.Second
)

// ParseURL reads a REDIS_URL:
//
//	redis://[user:pass@]host:port[/db][?opts]       one node (rediss:// for TLS, unix:// for a socket)
//	redis-cluster://[user:pass@]h1:p1,h2:p2[/][?opts] Redis Cluster, any reachable nodes as seeds (rediss-cluster:// for TLS)
//	redis-sentinel://[user:pass@]s1:p1,s2:p2/master[/db][?opts] the master named master, found through the Sentinels (rediss-sentinel:// for TLS)
//
// The user and password are those of the Redis nodes; the Sentinels' own
// are the sentinel_username and sentinel_password options. Besides
// go-redis's options (dial_timeout, read_timeout, pool_size, ...), every
// form takes wait_replicas=N and wait_timeout=DURATION (see Ack). Unknown
// options, empty or malformed addresses, a database number on a cluster
// and a missing master name are errors.
func ParseURL(raw string) (*Config, error) {
	if strings.TrimSpace(raw) != raw || raw == "" {
		return nil, errors.New("REDIS_URL: empty or surrounded by spaces")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("REDIS_URL: no scheme; want redis://, rediss://, unix://, redis-cluster:// or redis-sentinel://")
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "redis", "rediss", "unix":
		q, ack, err := splitAck(raw)
		if err != nil {
			return nil, err
		}
		opt, err := redis.ParseURL(q)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opt.MaintNotificationsConfig = noMaintNotifications()
		return &Config{Mode: ModeSingle, Single: opt, Ack: ack}, nil
	case "redis-cluster", "rediss-cluster", "redis-sentinel", "rediss-sentinel":
	default:
		return nil, fmt.Errorf("REDIS_URL: unknown scheme %q; want redis://, rediss://, unix://, redis-cluster:// or redis-sentinel://", scheme)
	}
	tls := strings.HasPrefix(scheme, "rediss")
	sentinel := strings.HasSuffix(scheme, "-sentinel")

	// authority / path ? query, read by hand: url.Parse does not take a
	// list of hosts.
	authority, pathQuery := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, pathQuery = rest[:i], rest[i:]
	}
	if strings.Contains(pathQuery, "#") {
		return nil, errors.New("REDIS_URL: a fragment (#...) is not allowed")
	}
	path, rawQuery, _ := strings.Cut(pathQuery, "?")
	var user *url.Userinfo
	hosts := authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		u, err := url.Parse("x://" + authority[:i+1] + "h")
		if err != nil {
			return nil, errors.New("REDIS_URL: malformed user:password (percent-encode special characters)")
		}
		user, hosts = u.User, authority[i+1:]
	}
	defPort := defaultRedisPort
	if sentinel {
		defPort = defaultSentinelPort
	}
	addrs, err := parseAddrs(hosts, defPort)
	if err != nil {
		return nil, err
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: malformed options: %v", err)
	}
	ack, err := takeAck(query)
	if err != nil {
		return nil, err
	}
	for _, reserved := range []string{"addr", "master_name", "username", "password", "db"} {
		if query.Has(reserved) {
			return nil, fmt.Errorf("REDIS_URL: option %q is not allowed here; put it in the URL itself", reserved)
		}
	}
	base := "redis"
	if tls {
		base = "rediss"
	}

	if !sentinel {
		if path != "" && path != "/" {
			return nil, fmt.Errorf("REDIS_URL: Redis Cluster has only database 0; remove the path %q", path)
		}
		for _, a := range addrs[1:] {
			query.Add("addr", a)
		}
		u := &url.URL{Scheme: base, User: user, Host: addrs[0], RawQuery: query.Encode()}
		opt, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		opt.MaintNotificationsConfig = noMaintNotifications()
		return &Config{Mode: ModeCluster, Cluster: opt, Ack: ack}, nil
	}

	segs := strings.Split(strings.Trim(path, "/"), "/")
	if segs[0] == "" {
		return nil, errors.New("REDIS_URL: redis-sentinel:// needs the master's name as its path, e.g. redis-sentinel://s1:26379,s2:26379/mymaster")
	}
	if len(segs) > 2 {
		return nil, fmt.Errorf("REDIS_URL: path %q: want /MASTER or /MASTER/DB", path)
	}
	master, err := url.PathUnescape(segs[0])
	if err != nil || master == "" {
		return nil, fmt.Errorf("REDIS_URL: bad master name %q", segs[0])
	}
	dbPath := ""
	if len(segs) == 2 {
		n, err := strconv.Atoi(segs[1])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("REDIS_URL: bad database number %q", segs[1])
		}
		dbPath = "/" + segs[1]
	}
	sentinelUser, sentinelPass := query.Get("sentinel_username"), query.Get("sentinel_password")
	query.Del("sentinel_username")
	query.Del("sentinel_password")
	for _, a := range addrs[1:] {
		query.Add("addr", a)
	}
	query.Set("master_name", master)
	u := &url.URL{Scheme: base, Host: addrs[0], Path: dbPath, RawQuery: query.Encode()}
	opt, err := redis.ParseFailoverURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	opt.SentinelUsername, opt.SentinelPassword = sentinelUser, sentinelPass
	if user != nil {
		opt.Username = user.Username()
		opt.Password, _ = user.Password()
	}
	return &Config{Mode: ModeSentinel, Sentinel: opt, Ack: ack}, nil
}

// noMaintNotifications turns off go-redis's maintenance notifications
// (a Redis Enterprise / Redis Cloud feature). Left on "auto", each new
// connection tries a handshake that Redis Community refuses, an extra
// round trip, and go-redis then rewrites the options that every
// dedicated connection (node.Conn(), used by Write) shares, while others
// read them: a data race (TestConcurrentFreshConnections). Sentinel
// clients have them off already.
func noMaintNotifications() *maintnotifications.Config {
	return &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
}

// parseAddrs splits "h1:p1,h2:p2" into host:port pairs, adding defPort
// where a port is missing.
func parseAddrs(list, defPort string) ([]string, error) {
	if list == "" {
		return nil, errors.New("REDIS_URL: no host; list one or more host:port separated by commas")
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(list, ",") {
		if a == "" {
			return nil, fmt.Errorf("REDIS_URL: empty address in %q", list)
		}
		host, port := a, defPort
		if h, p, err := net.SplitHostPort(a); err == nil {
			host, port = h, p
		} else if strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]") {
			host = a[1 : len(a)-1]
		} else if strings.Contains(a, ":") {
			return nil, fmt.Errorf("REDIS_URL: malformed address %q (IPv6 addresses go in brackets: [::1]:6379)", a)
		}
		if host == "" || strings.ContainsAny(host, "/@?# ") {
			return nil, fmt.Errorf("REDIS_URL: malformed address %q", a)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("REDIS_URL: bad port in address %q", a)
		}
		addr := net.JoinHostPort(host, port)
		if seen[addr] {
			return nil, fmt.Errorf("REDIS_URL: address %s listed twice", addr)
		}
		seen[addr] = true
		out = append(out, addr)
	}
	return out, nil
}

// splitAck removes wait_replicas and wait_timeout from a single-node URL.
func splitAck(raw string) (string, Ack, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", Ack{}, fmt.Errorf("REDIS_URL: %v", err)
	}
	q := u.Query()
	ack, err := takeAck(q)
	if err != nil {
		return "", Ack{}, err
	}
	u.RawQuery = q.Encode()
	return u.String(), ack, nil
}

func takeAck(q url.Values) (Ack, error) {
	ack := Ack{Timeout: defaultWaitTimeout}
	if q.Has("wait_replicas") {
		n, err := strconv.Atoi(q.Get("wait_replicas"))
		if err != nil || n < 0 || n > 16 {
			return Ack{}, fmt.Errorf("REDIS_URL: wait_replicas=%q: want a number of replicas from 0 to 16", q.Get("wait_replicas"))
		}
		ack.Replicas = n
	}
	if q.Has("wait_timeout") {
		d, err := time.ParseDuration(q.Get("wait_timeout"))
		if err != nil || d <= 0 || d > time.Minute {
			return Ack{}, fmt.Errorf("REDIS_URL: wait_timeout=%q: want a duration such as 500ms, at most 1m", q.Get("wait_timeout"))
		}
		ack.Timeout = d
	}
	q.Del("wait_replicas")
	q.Del("wait_timeout")
	return ack, nil
}
