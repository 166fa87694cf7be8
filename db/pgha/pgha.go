// Package pgha runs a private PostgreSQL primary and a streaming standby
// (made with pg_basebackup -R) for tests of replicas and failover: real
// server processes on free ports, data directories in a temporary folder,
// removed at cleanup. It uses the PostgreSQL binaries of the machine
// (PG_BINDIR, else the newest /usr/lib/postgresql/N/bin with initdb).
// PostgreSQL refuses to run as root, so under root the servers run as the
// postgres (or nobody) user.
package pgha

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options of a cluster.
type Options struct {
	// Synchronous makes the primary wait for the standby to flush each
	// commit (synchronous_standby_names = '*'): no acknowledged commit is
	// lost when the primary crashes and the standby is promoted.
	Synchronous bool
	// RetrieveRetryInterval, when set, is the standby's
	// wal_retrieve_retry_interval (PostgreSQL's default 5s): how long it
	// waits before asking for WAL again once its primary is gone, which can
	// delay a promotion by as much.
	RetrieveRetryInterval string
}

// Node is one PostgreSQL server of the cluster.
type Node struct {
	Name    string
	Port    int
	DataDir string
	cmd     *exec.Cmd
	done    chan struct{}
	c       *Cluster
}

// Cluster is a primary and its standby.
type Cluster struct {
	Primary, Standby *Node
	bin              string
	dir              string
	cred             *syscall.Credential
	tb               testing.TB
}

// binDir is PG_BINDIR, else the newest Debian PostgreSQL with a server.
func binDir() string {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	best, bestVersion := "/usr/lib/postgresql/15/bin", 0
	for _, d := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(d))))
		if err == nil && v > bestVersion {
			best, bestVersion = filepath.Dir(d), v
		}
	}
	return best
}

// Start initialises and starts a primary, takes a base backup of it and
// starts the standby streaming from it. Without the PostgreSQL binaries the
// test fails under CI=true and skips elsewhere.
func Start(tb testing.TB, opt Options) *Cluster {
	tb.Helper()
	bin := binDir()
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL binaries not found in %s (set PG_BINDIR): %v", bin, err)
		}
		tb.Skipf("PostgreSQL binaries not found in %s (set PG_BINDIR): %v", bin, err)
	}
	c := &Cluster{bin: bin, tb: tb}
	dir, err := os.MkdirTemp("", "pgha-")
	if err != nil {
		tb.Fatal(err)
	}
	c.dir = dir
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		c.cred = serverUser(tb)
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			tb.Fatal(err)
		}
	}

	c.Primary = &Node{Name: "primary", Port: freePort(tb), DataDir: filepath.Join(dir, "primary"), c: c}
	c.Standby = &Node{Name: "standby", Port: freePort(tb), DataDir: filepath.Join(dir, "standby"), c: c}
	c.run("initdb", "-D", c.Primary.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	conf := []string{
		"listen_addresses = '127.0.0.1'",
		"wal_level = replica",
		"max_wal_senders = 10",
		"wal_keep_size = '256MB'",
		"hot_standby = on",
		"hot_standby_feedback = on",
		"fsync = off",
		"full_page_writes = off",
		"shared_buffers = '32MB'",
		"max_connections = 100",
		"log_min_messages = warning",
		"logging_collector = off",
	}
	if opt.Synchronous {
		conf = append(conf, "synchronous_standby_names = '*'", "synchronous_commit = on")
	}
	appendFile(tb, filepath.Join(c.Primary.DataDir, "postgresql.conf"), strings.Join(conf, "\n")+"\n")
	c.Primary.start()
	tb.Cleanup(func() { c.Primary.Kill() })
	c.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Primary.Port), "-U", "postgres",
		"-D", c.Standby.DataDir, "-R", "-X", "stream", "-c", "fast", "--no-sync")
	// The standby, once promoted, has no standby of its own: it must not
	// wait for a synchronous one (its commits would hang).
	standbyConf := "synchronous_standby_names = ''\n"
	if opt.RetrieveRetryInterval != "" {
		standbyConf += "wal_retrieve_retry_interval = '" + opt.RetrieveRetryInterval + "'\n"
	}
	appendFile(tb, filepath.Join(c.Standby.DataDir, "postgresql.conf"), standbyConf)
	c.Standby.start()
	tb.Cleanup(func() { c.Standby.Kill() })
	c.waitStreaming()
	return c
}

func serverUser(tb testing.TB) *syscall.Credential {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	tb.Skip("running as root without a postgres or nobody user to run PostgreSQL as")
	return nil
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

func (c *Cluster) run(name string, args ...string) {
	c.tb.Helper()
	out, err := c.command(name, args...).CombinedOutput()
	if err != nil {
		c.tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func (n *Node) start() {
	tb := n.c.tb
	tb.Helper()
	log, err := os.Create(filepath.Join(n.c.dir, n.Name+".log"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd := n.c.command("postgres", "-D", n.DataDir, "-p", strconv.Itoa(n.Port),
		"-c", "unix_socket_directories="+n.DataDir, "-c", "listen_addresses=127.0.0.1")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	n.cmd, n.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(n.done) }() // stopped or killed on purpose: the exit status tells nothing
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), n.URL("postgres"))
		if err == nil {
			conn.Close(context.Background())
			return
		}
		select {
		case <-n.done:
			b, _ := os.ReadFile(log.Name())
			tb.Fatalf("%s exited at start: %s", n.Name, b)
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not accept connections: %v", n.Name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the node's URL for database.
func (n *Node) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", n.Port, database)
}

// HostPort is the node's address, for multi-host URLs.
func (n *Node) HostPort() string { return fmt.Sprintf("127.0.0.1:%d", n.Port) }

// Kill ends the server at once (SIGKILL of the postmaster: a crash, no
// shutdown checkpoint, nothing more sent to standbys), and waits for it.
func (n *Node) Kill() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	select {
	case <-n.done:
		return
	default:
	}
	// PostgreSQL's children each call setsid(), so the process group holds
	// only the postmaster. Freeze it (no new children), kill every child
	// (backends, WAL senders), then it: nothing more is written or sent.
	pid := n.cmd.Process.Pid
	// Errors below are ESRCH at most: a process that already exited.
	_ = syscall.Kill(pid, syscall.SIGSTOP)
	for _, child := range childrenOf(pid) {
		_ = syscall.Kill(child, syscall.SIGKILL)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	<-n.done
}

// Exec runs statements on the node's postgres database.
func (n *Node) Exec(tb testing.TB, sql string) {
	tb.Helper()
	conn, err := pgx.Connect(context.Background(), n.URL("postgres"))
	if err != nil {
		tb.Fatalf("%s: %v", n.Name, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		tb.Fatalf("%s: %s: %v", n.Name, sql, err)
	}
}

// PauseReplay stops the standby applying WAL (it still receives and
// flushes it): reads on the standby stay at the moment of the pause, a lag
// that grows with time.
func (c *Cluster) PauseReplay(tb testing.TB) {
	tb.Helper()
	c.Standby.Exec(tb, "SELECT pg_wal_replay_pause()")
}

// ResumeReplay lets the standby catch up again.
func (c *Cluster) ResumeReplay(tb testing.TB) {
	tb.Helper()
	c.Standby.Exec(tb, "SELECT pg_wal_replay_resume()")
}

// Promote makes the standby a primary and waits until it accepts writes.
func (c *Cluster) Promote(tb testing.TB) {
	tb.Helper()
	c.Standby.Exec(tb, "SELECT pg_promote(true, 60)")
}

// CreateDatabase creates a database on the primary and waits until the
// standby has it.
func (c *Cluster) CreateDatabase(tb testing.TB, name string) {
	tb.Helper()
	c.Primary.Exec(tb, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	c.WaitReplayed(tb)
}

// WaitReplayed waits until the standby has replayed everything the primary
// has written so far.
func (c *Cluster) WaitReplayed(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	p, err := pgx.Connect(ctx, c.Primary.URL("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer p.Close(ctx)
	var lsn string
	if err := p.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		tb.Fatal(err)
	}
	s, err := pgx.Connect(ctx, c.Standby.URL("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		if err := s.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&ok); err != nil {
			tb.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("standby did not replay up to %s", lsn)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *Cluster) waitStreaming() {
	c.tb.Helper()
	ctx := context.Background()
	p, err := pgx.Connect(ctx, c.Primary.URL("postgres"))
	if err != nil {
		c.tb.Fatal(err)
	}
	defer p.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := p.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&n); err != nil {
			c.tb.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			c.tb.Fatal("the standby is not streaming")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func appendFile(tb testing.TB, path, text string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		tb.Fatal(err)
	}
}

// childrenOf lists the processes whose parent is pid (from /proc).
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}
