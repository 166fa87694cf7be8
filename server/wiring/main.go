// Package wiring wires the tenantadmin server: configuration, the
// database, the store, the GraphQL and REST handlers, background jobs and
// the HTTP listeners. Command tenantadmin (package server) parses its flags
// and runs it; package servertest runs it in-process for end-to-end tests.
package wiring

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/db/embedded"
	"tenantadmin/domain"
	"tenantadmin/events"
	"tenantadmin/graph"
	"tenantadmin/jobs"
	"tenantadmin/kv"
	"tenantadmin/mail"
)

// Main wires the program; end-to-end tests run it on port 0.
type Main struct {
	Config Config
	Logger *slog.Logger
	// LogOutput receives the JSON log (os.Stderr when nil); tests read it
	// to check that no secret is ever logged.
	LogOutput io.Writer

	DB       *db.DB
	KV       *kv.Store
	App      *graph.App
	Sessions *auth.SessionStore
	// RateLimiter applies the rate limits of R19 in Redis.
	RateLimiter *auth.RateLimiter
	// hints let a session's requests look it up, read its viewer and
	// count its buckets at once (session_overlap.go).
	hints sessionHints
	// Mailer delivers the email outbox when SMTP_URL is set.
	Mailer *mail.Worker

	// SetupToken is the one-time token printed at a first start, kept for tests.
	SetupToken string

	// Events: the relay (nil when disabled), the hub and retention (R26, R28).
	Relay *events.Relay
	Hub   *events.Hub
	// RelayOptions tune the relay; tests set hooks before Run.
	RelayOptions events.RelayOptions
	stopEvents   context.CancelFunc
	eventsDone   sync.WaitGroup

	postgres   *embedded.Postgres
	listener   net.Listener
	httpServer *http.Server
	jobs       *jobs.Scheduler
	// pprofServer serves runtime profiles when PPROF_ADDR is set.
	pprofServer *http.Server
	pprofAddr   string
}

// NewMain returns a Main with a JSON logger on stderr.
func NewMain() *Main {
	return &Main{Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
}

// Run starts every part and begins serving; it returns once listening.
func (m *Main) Run(ctx context.Context) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err == nil {
		out := m.LogOutput
		if out == nil {
			out = os.Stderr
		}
		m.Logger = slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}))
	}
	m.Logger = slog.New(requestIDLogHandler{m.Logger.Handler()})

	dsn := m.Config.DatabaseURL
	if dsn == "" {
		dataDir, err := filepath.Abs(filepath.Join(m.Config.DataDir, "postgres"))
		if err != nil {
			return err
		}
		m.Logger.Info("DATABASE_URL is not set: starting the embedded PostgreSQL", "dataDir", dataDir)
		pg, err := embedded.Start(ctx, embedded.Options{DataDir: dataDir, Logger: m.Logger})
		if err != nil {
			return fmt.Errorf("embedded PostgreSQL: %w", err)
		}
		m.postgres = pg
		dsn = pg.DSN()
	}
	var err error
	if m.DB, err = db.Open(ctx, dsn, m.Logger); err != nil {
		return err
	}
	if err := m.DB.Migrate(ctx); err != nil {
		return err
	}
	catalog := db.DefaultCatalog
	if m.Config.CatalogFile != "" {
		if catalog, err = os.ReadFile(m.Config.CatalogFile); err != nil {
			return fmt.Errorf("catalog: %w", err)
		}
	}
	if err := m.DB.LoadCatalog(ctx, catalog); err != nil {
		return err
	}
	if m.KV, err = kv.Open(ctx, m.Config.RedisURL, m.Logger); err != nil {
		return err
	}
	// Writes that must survive a Redis failover wait for REDIS_URL's
	// wait_replicas (docs/ha.md).
	m.Sessions = auth.NewSessionStore(m.KV, m.Config.KeyPrefix, m.Config.SessionIdle, m.Config.SessionMaxAge).WithAck(m.KV.Ack)

	if m.Config.DatabaseReplicaURL != "" {
		// Lag-tolerant reads on replicas; each user's writes are marked in
		// Redis so that their next requests, on any replica of this
		// server, read them (docs/ha.md).
		if err := m.DB.OpenReplicas(ctx, db.ReplicaOptions{URLs: m.Config.DatabaseReplicaURL, MaxLag: m.Config.ReplicaMaxLag,
			Marks: kv.NewWriteMarks(m.KV, m.Config.KeyPrefix)}); err != nil {
			return err
		}
	}
	m.RateLimiter = auth.NewRateLimiter(m.KV, m.Config.KeyPrefix+"rate:").WithAck(m.KV.Ack)

	cursors, err := graph.NewCursors(m.Config.CursorSecret, m.Config.CursorSecretPrevious)
	if err != nil {
		return err
	}
	if m.Config.CursorSecret == "" {
		m.Logger.Info("CURSOR_SECRET is not set: cursors are sealed with the public development key (set it, the same on every replica, in production)")
	}
	tenants := db.NewTenantService(m.DB)
	m.App = &graph.App{
		Cursors:    cursors,
		Tenants:    tenants,
		Users:      db.NewUserService(m.DB),
		Catalog:    db.NewCatalogService(m.DB),
		Setup:      db.NewSetupService(m.DB),
		Groups:     db.NewGroupService(m.DB),
		Authorizer: &domain.Authorizer{Hierarchy: tenants},
		Logger:     m.Logger,

		Credentials:            db.NewCredentialService(m.DB),
		Sessions:               m.Sessions,
		RateLimiter:            m.RateLimiter,
		LoginRates:             graph.LoginRates{PerAccount: m.Config.RateLoginAccount, PerIP: m.Config.RateLoginIP},
		Mailbox:                db.NewMailboxService(m.DB),
		SMTPConfigured:         m.Config.SMTPURL != "",
		DevMailbox:             m.Config.DevMailbox,
		RecoveryMinDuration:    m.Config.RecoveryMinDuration,
		FailedLoginMinDuration: m.Config.FailedLoginMinDuration,
		PasswordLifetime:       m.Config.PasswordLifetime,
		ExactCountLimit:        m.Config.ExactCountLimit,
		Hashing:                auth.NewHashPool(m.Config.HashConcurrency, m.Config.HashQueue, m.Config.HashMaxWait),
	}
	m.startEvents()
	if err := m.wireOversight(); err != nil {
		return err
	}

	if m.listener, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	if m.Config.PublicURL == "" {
		m.Config.PublicURL = "http://" + m.listener.Addr().String()
	}
	m.App.PublicURL = strings.TrimRight(m.Config.PublicURL, "/")
	if err := m.startMailer(); err != nil {
		return err
	}
	if err := m.announceSetup(ctx); err != nil {
		return err
	}
	m.httpServer = &http.Server{
		Handler:           m.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := m.httpServer.Serve(m.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server", "error", err)
		}
	}()
	m.startJobs()
	if m.Config.PprofAddr != "" {
		if err := m.servePprof(); err != nil {
			return err
		}
	}
	m.Logger.Info("serving", "url", m.Config.PublicURL, "graphql", m.Config.PublicURL+"/graphql",
		"embeddedPostgres", m.postgres != nil, "inProcessStore", m.KV.InProcess)
	return nil
}

// announceSetup prints a one-time setup link while no platform
// administrator exists: there is never a default password.
func (m *Main) announceSetup(ctx context.Context) error {
	needs, err := m.App.Setup.NeedsSetup(ctx)
	if err != nil || !needs {
		return err
	}
	token, hash := auth.NewToken()
	if err := m.App.Setup.IssueSetupToken(ctx, hash); err != nil {
		return err
	}
	m.SetupToken = token
	link := strings.TrimRight(m.Config.PublicURL, "/") + "/setup#token=" + token
	m.Logger.Warn("no platform administrator yet: open the one-time setup link (valid 24 h, printed once)", "setupURL", link)
	fmt.Fprintf(os.Stderr, "\n  First start: create the platform administrator at\n  %s\n\n", link)
	return nil
}

// startMailer delivers the email outbox over SMTP when SMTP_URL is set;
// otherwise mail stays in the outbox, readable as the developer mailbox.
func (m *Main) startMailer() error {
	if m.Config.SMTPURL == "" {
		m.Logger.Info("SMTP_URL is not set: emails stay in the developer mailbox (query developerMailbox as a platform administrator)")
		return nil
	}
	sender, err := mail.ParseSMTPURL(m.Config.SMTPURL)
	if err != nil {
		return err
	}
	from := m.Config.SMTPFrom
	if from == "" {
		host := "localhost"
		if u, err := url.Parse(m.Config.PublicURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		from = "Tenant admin <no-reply@" + host + ">"
	}
	m.Mailer = &mail.Worker{DB: m.DB, Sender: sender, From: from, Logger: m.Logger, Interval: m.Config.MailPollInterval}
	m.Mailer.Start()
	m.App.MailQueued = m.Mailer.Wake
	return nil
}

// Addr is the address the server listens on (useful with port 0).
func (m *Main) Addr() string { return m.listener.Addr().String() }

// PprofAddr is the address of the runtime profiles' listener, "" when
// PPROF_ADDR is not set.
func (m *Main) PprofAddr() string { return m.pprofAddr }

// EmbeddedPostgres reports whether Run started the embedded PostgreSQL
// (no DATABASE_URL).
func (m *Main) EmbeddedPostgres() bool { return m.postgres != nil }

// Jobs is the scheduler of the background jobs (nil before Run); tests
// run them explicitly.
func (m *Main) Jobs() *jobs.Scheduler { return m.jobs }

// startEvents wires change events (R28), the audit trail (R26) and service
// accounts (R27), and starts the relay, the hub and retention.
func (m *Main) startEvents() {
	stream := m.Config.KeyPrefix + "events"
	m.Hub = events.NewHub(m.DB, m.KV, stream, m.Logger, events.HubOptions{Buffer: m.Config.SubscriptionBuffer})
	m.App.Events = m.Hub
	m.App.Audit = db.NewAuditService(m.DB)
	m.App.ServiceAccounts = db.NewServiceAccountService(m.DB)
	m.App.CredentialLive = m.credentialLive
	m.App.SessionsAlive = m.Sessions.AliveMany
	m.App.SubscriptionRecheck = m.Config.SubscriptionRecheck

	ctx, cancel := context.WithCancel(context.Background())
	m.stopEvents = cancel
	run := func(f func(context.Context)) {
		m.eventsDone.Add(1)
		go func() { defer m.eventsDone.Done(); f(ctx) }()
	}
	run(m.Hub.Run)
	if m.Config.EventRelay {
		m.Relay = events.NewRelay(m.DB, m.KV, stream, m.Logger, m.RelayOptions)
		run(m.Relay.Run)
	}
	retention := &events.Retention{Store: db.NewEventStore(m.DB), Audit: m.Config.AuditRetention,
		Events: m.Config.EventRetention, Logger: m.Logger}
	run(retention.Run)
}

// Close stops serving (letting requests finish) and releases everything.
func (m *Main) Close() error {
	var errs []error
	if m.stopEvents != nil {
		// Subscriptions end with SHUTTING_DOWN: clients resubscribe on
		// another replica with their last cursor.
		m.stopEvents()
		m.eventsDone.Wait()
	}
	m.stopJobs()
	if m.httpServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.httpServer.Shutdown(ctx))
		cancel()
	}
	if m.pprofServer != nil {
		errs = append(errs, m.pprofServer.Close())
	}
	if m.Mailer != nil {
		m.Mailer.Stop()
	}
	if m.KV != nil {
		errs = append(errs, m.KV.Close())
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	if m.postgres != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		errs = append(errs, m.postgres.Stop(ctx))
		cancel()
	}
	return errors.Join(errs...)
}

// servePprof serves the runtime profiles on their own listener (keep it on
// loopback): profiles of a running server for diagnosis.
func (m *Main) servePprof() error {
	ln, err := net.Listen("tcp", m.Config.PprofAddr)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	m.pprofAddr = ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	m.pprofServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := m.pprofServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("pprof server", "error", err)
		}
	}()
	m.Logger.Info("serving pprof", "url", "http://"+m.pprofAddr+"/debug/pprof/")
	return nil
}
