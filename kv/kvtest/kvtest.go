// Package kvtest starts real Redis Cluster and Sentinel deployments from
// the local redis-server and redis-cli binaries (no containers), on free
// ports in a test's temporary folder, for tests of the kv package and of
// the packages that keep keys in Redis.
//
// Without the binaries, or with a redis-server built without cluster
// support, tests skip, except under CI=true where they fail.
package kvtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// NodeTimeout is the cluster-node-timeout of started clusters: a master
// unreachable this long is failed over (Redis's default is 15 s).
const NodeTimeout = 2 * time.Second

// unavailable skips the test, or fails it under CI.
func unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("under CI=true: "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Require skips (or, under CI, fails) the test unless redis-server and
// redis-cli are installed.
func Require(tb testing.TB) {
	tb.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			unavailable(tb, "%s not installed: %v", bin, err)
		}
	}
}

// Node is one redis-server process.
type Node struct {
	Addr string
	Port int
	dir  string
	args []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

var portMu sync.Mutex

// freePort returns a port p such that p and p+10000 (the cluster bus) are
// free now.
func freePort(tb testing.TB) int {
	portMu.Lock()
	defer portMu.Unlock()
	for range 200 {
		p := 20000 + rand.IntN(25000)
		a, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+10000))
		a.Close()
		if err != nil {
			continue
		}
		b.Close()
		return p
	}
	tb.Fatal("no free port pair")
	return 0
}

func startNode(tb testing.TB, root string, extra ...string) *Node {
	tb.Helper()
	port := freePort(tb)
	dir := filepath.Join(root, strconv.Itoa(port))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	n := &Node{Addr: fmt.Sprintf("127.0.0.1:%d", port), Port: port, dir: dir,
		args: append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
			"--logfile", filepath.Join(dir, "redis.log"),
			"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}, extra...)}
	if err := n.start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(n.Stop)
	if err := n.waitUp(10 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		if strings.Contains(string(log), "cluster") || strings.Contains(string(log), "Bad directive") {
			unavailable(tb, "redis-server cannot run this mode: %v\n%s", err, tail(string(log)))
		}
		tb.Fatalf("redis-server on %s: %v\n%s", n.Addr, err, tail(string(log)))
	}
	return n
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-10):], "\n")
}

func (n *Node) start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	cmd := exec.Command("redis-server", n.args...)
	cmd.Dir = n.dir
	if err := cmd.Start(); err != nil {
		return err
	}
	n.cmd, n.done = cmd, make(chan struct{})
	done := n.done
	go func() { _ = cmd.Wait(); close(done) }() // killed on purpose: the exit status tells nothing
	return nil
}

func (n *Node) waitUp(limit time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: n.Addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(limit)
	for {
		err := c.Ping(context.Background()).Err()
		if err == nil {
			return nil
		}
		select {
		case <-n.done:
			return fmt.Errorf("redis-server exited")
		default:
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill ends the process with SIGKILL (no shutdown, no save) and waits for
// it to exit.
func (n *Node) Kill() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL) // fails only if it already exited; done closes either way
	<-done
}

// Pause stops the process (SIGSTOP) for d, then lets it go on: a
// replica that stalls (a slow disk, a paused VM) and falls behind its
// master.
func (n *Node) Pause(d time.Duration) {
	n.mu.Lock()
	cmd := n.cmd
	n.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGSTOP) // fails only if it exited: nothing left to pause
	time.Sleep(d)
	_ = cmd.Process.Signal(syscall.SIGCONT)
}

// ReplicaOf returns the running replicas of master, as they report.
func (c *Cluster) ReplicaOf(master *Node) []*Node {
	var out []*Node
	for _, n := range c.Nodes {
		if n == master || !n.alive() {
			continue
		}
		cl := n.Client()
		rep, err := cl.Info(context.Background(), "replication").Result()
		cl.Close()
		if err == nil && info(rep)["role"] == "slave" && info(rep)["master_port"] == strconv.Itoa(master.Port) {
			out = append(out, n)
		}
	}
	return out
}

// Restart starts a killed node again with its configuration (for a
// cluster node, its nodes.conf: it rejoins as a replica of whoever took
// its slots).
func (n *Node) Restart(tb testing.TB) {
	tb.Helper()
	if err := n.start(); err != nil {
		tb.Fatal(err)
	}
	if err := n.waitUp(10 * time.Second); err != nil {
		tb.Fatalf("restart %s: %v", n.Addr, err)
	}
}

// Stop kills the node if it runs.
func (n *Node) Stop() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
	default:
		_ = cmd.Process.Signal(syscall.SIGKILL) // fails only if it exited meanwhile; done closes either way
		<-done
	}
}

// Client is a plain client of this node alone.
func (n *Node) Client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: n.Addr, MaxRetries: -1, DialTimeout: 300 * time.Millisecond,
		ReadTimeout: time.Second})
}

// Cluster is a Redis Cluster of local processes.
type Cluster struct {
	Nodes []*Node
	tb    testing.TB
}

// StartCluster starts masters*(1+replicas) cluster-enabled nodes, joins
// them with redis-cli --cluster create and waits until every slot is
// served and every replica is in sync. The processes are killed at the
// test's cleanup.
func StartCluster(tb testing.TB, masters, replicas int) *Cluster {
	tb.Helper()
	Require(tb)
	root := tb.TempDir()
	c := &Cluster{tb: tb}
	total := masters * (1 + replicas)
	args := []string{"--cluster", "create"}
	for range total {
		n := startNode(tb, root, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", strconv.Itoa(int(NodeTimeout/time.Millisecond)))
		c.Nodes = append(c.Nodes, n)
		args = append(args, n.Addr)
	}
	args = append(args, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	out, err := exec.Command("redis-cli", args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	if err := c.WaitHealthy(30 * time.Second); err != nil {
		tb.Fatal(err)
	}
	return c
}

// Seeds is the comma-separated address list of a redis-cluster:// URL.
func (c *Cluster) Seeds() string {
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Addr)
	}
	return strings.Join(addrs, ",")
}

// URL is the REDIS_URL of the cluster, with options (e.g.
// "wait_replicas=1").
func (c *Cluster) URL(options string) string {
	u := "redis-cluster://" + c.Seeds()
	if options != "" {
		u += "/?" + options
	}
	return u
}

// Node returns the node listening on addr.
func (c *Cluster) Node(addr string) *Node {
	for _, n := range c.Nodes {
		if n.Addr == addr {
			return n
		}
	}
	return nil
}

// alive reports whether the process of n runs.
func (n *Node) alive() bool {
	n.mu.Lock()
	done := n.done
	n.mu.Unlock()
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// info returns the fields of a CLUSTER INFO or INFO reply.
func info(text string) map[string]string {
	m := map[string]string{}
	s := bufio.NewScanner(strings.NewReader(text))
	for s.Scan() {
		if k, v, ok := strings.Cut(strings.TrimSpace(s.Text()), ":"); ok {
			m[k] = v
		}
	}
	return m
}

// WaitHealthy waits until every running node sees cluster_state:ok with
// all slots served, and every running replica's link to its master is up.
func (c *Cluster) WaitHealthy(limit time.Duration) error {
	ctx := context.Background()
	deadline := time.Now().Add(limit)
	var why string
	for time.Now().Before(deadline) {
		why = ""
		for _, n := range c.Nodes {
			if !n.alive() {
				continue
			}
			cl := n.Client()
			ci, err := cl.ClusterInfo(ctx).Result()
			rep, err2 := cl.Info(ctx, "replication").Result()
			cl.Close()
			if err != nil || err2 != nil {
				why = fmt.Sprintf("%s: %v %v", n.Addr, err, err2)
				break
			}
			f, r := info(ci), info(rep)
			if f["cluster_state"] != "ok" || f["cluster_slots_ok"] != "16384" {
				why = fmt.Sprintf("%s: cluster_state %s, slots ok %s", n.Addr, f["cluster_state"], f["cluster_slots_ok"])
				break
			}
			if r["role"] == "slave" && r["master_link_status"] != "up" {
				why = fmt.Sprintf("%s: replica link %s", n.Addr, r["master_link_status"])
				break
			}
		}
		if why == "" {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("cluster not healthy after %s: %s", limit, why)
}

// MasterOf returns the node that serves key's slot now, as the cluster
// itself says (CLUSTER SHARDS of a live node).
func (c *Cluster) MasterOf(key string) *Node {
	ctx := context.Background()
	for _, n := range c.Nodes {
		if !n.alive() {
			continue
		}
		cl := n.Client()
		slot, err := cl.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			cl.Close()
			continue
		}
		shards, err := cl.ClusterShards(ctx).Result()
		cl.Close()
		if err != nil {
			continue
		}
		for _, sh := range shards {
			for _, r := range sh.Slots {
				if r.Start > slot || slot > r.End {
					continue
				}
				for _, nd := range sh.Nodes {
					if nd.Role == "master" {
						return c.Node(net.JoinHostPort(nd.IP, strconv.FormatInt(nd.Port, 10)))
					}
				}
			}
		}
	}
	return nil
}

// Role returns "master" or "slave" as the node reports it.
func (n *Node) Role() string {
	cl := n.Client()
	defer cl.Close()
	rep, err := cl.Info(context.Background(), "replication").Result()
	if err != nil {
		return ""
	}
	return info(rep)["role"]
}

// Sentinel is a master, its replicas and three Sentinels watching them.
type Sentinel struct {
	Master    *Node
	Replicas  []*Node
	Sentinels []*Node
	Name      string
}

// StartSentinel starts a master with replicas and three Sentinels (quorum
// 2) that fail it over after DownAfter without replies.
func StartSentinel(tb testing.TB, replicas int) *Sentinel {
	tb.Helper()
	Require(tb)
	root := tb.TempDir()
	s := &Sentinel{Name: "tamaster"}
	s.Master = startNode(tb, root)
	for range replicas {
		s.Replicas = append(s.Replicas, startNode(tb, root, "--replicaof", "127.0.0.1", strconv.Itoa(s.Master.Port)))
	}
	for range 3 {
		port := freePort(tb)
		dir := filepath.Join(root, "sentinel-"+strconv.Itoa(port))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			tb.Fatal(err)
		}
		conf := filepath.Join(dir, "sentinel.conf")
		text := fmt.Sprintf("port %d\nbind 127.0.0.1\nprotected-mode no\ndir %s\nlogfile %s\n"+
			"sentinel monitor %s 127.0.0.1 %d 2\nsentinel down-after-milliseconds %s %d\n"+
			"sentinel failover-timeout %s 10000\nsentinel parallel-syncs %s 1\n",
			port, dir, filepath.Join(dir, "sentinel.log"), s.Name, s.Master.Port, s.Name, DownAfter.Milliseconds(), s.Name, s.Name)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
		n := &Node{Addr: fmt.Sprintf("127.0.0.1:%d", port), Port: port, dir: dir, args: []string{conf, "--sentinel"}}
		if err := n.start(); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(n.Stop)
		if err := n.waitUp(10 * time.Second); err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "sentinel.log"))
			unavailable(tb, "redis-server --sentinel: %v\n%s", err, tail(string(log)))
		}
		s.Sentinels = append(s.Sentinels, n)
	}
	// Wait until the replicas are in sync and every Sentinel knows them
	// and the other Sentinels.
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := true
		for _, r := range s.Replicas {
			cl := r.Client()
			rep, err := cl.Info(ctx, "replication").Result()
			cl.Close()
			if err != nil || info(rep)["master_link_status"] != "up" {
				ready = false
			}
		}
		for _, sn := range s.Sentinels {
			cl := redis.NewSentinelClient(&redis.Options{Addr: sn.Addr})
			m, err := cl.Master(ctx, s.Name).Result()
			cl.Close()
			if err != nil || m["num-slaves"] != strconv.Itoa(replicas) || m["num-other-sentinels"] != "2" {
				ready = false
			}
		}
		if ready {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatal("sentinels did not discover the deployment in 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// DownAfter is the Sentinels' down-after-milliseconds.
const DownAfter = time.Second

// URL is the REDIS_URL of the deployment, with options.
func (s *Sentinel) URL(options string) string {
	var addrs []string
	for _, n := range s.Sentinels {
		addrs = append(addrs, n.Addr)
	}
	u := "redis-sentinel://" + strings.Join(addrs, ",") + "/" + s.Name
	if options != "" {
		u += "?" + options
	}
	return u
}
