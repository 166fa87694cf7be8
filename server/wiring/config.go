package wiring

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph"
	"tenantadmin/kv"
	"tenantadmin/mail"
)

// Config is the server's configuration, from flags with environment
// variables as defaults. See the README's configuration table.
type Config struct {
	Addr        string
	PublicURL   string
	DatabaseURL string
	// DatabaseReplicaURL lists streaming replicas for lag-tolerant reads;
	// ReplicaMaxLag is the largest lag at which one is read (docs/ha.md).
	DatabaseReplicaURL string
	ReplicaMaxLag      time.Duration
	RedisURL           string
	DataDir            string
	KeyPrefix          string
	CORSOrigins        []string
	Introspection      bool
	Production         bool
	CatalogFile        string
	LogLevel           string
	SessionIdle        time.Duration
	SessionMaxAge      time.Duration
	MaxRequestSize     int64

	// Mail (issue 3): SMTP delivery, or the developer mailbox.
	SMTPURL          string
	SMTPFrom         string
	DevMailbox       bool
	MailPollInterval time.Duration

	// Rate limits (R19), GCRA in Redis; the zero Rate is unlimited.
	RateLoginAccount auth.Rate
	RateLoginIP      auth.Rate
	RateAPISession   auth.Rate
	RateAPITenant    auth.Rate
	RateAPIIP        auth.Rate
	RateWSConnectIP  auth.Rate
	// Events, audit retention and subscriptions (R26, R28).
	EventRelay          bool
	AuditRetention      time.Duration
	EventRetention      time.Duration
	SubscriptionBuffer  int
	SubscriptionRecheck time.Duration
	// FailedLoginMinDuration and RecoveryMinDuration pad the answers that
	// must not tell whether an account exists (R16).
	FailedLoginMinDuration, RecoveryMinDuration time.Duration
	// HashConcurrency, HashQueue and HashMaxWait bound the argon2id work
	// of sign-ins and password changes (issue 17.4): so many at once, so
	// many waiting, each waiting so long; beyond, RATE_LIMITED.
	HashConcurrency, HashQueue int
	HashMaxWait                time.Duration
	// ExactCountLimit bounds the exact count of a users list (issue 17.2).
	ExactCountLimit int
	// CursorSecret seals the cursors clients get (issue 15.5): the same on
	// every replica, required in production.
	CursorSecret string
	// CursorSecretPrevious still opens cursors sealed before CURSOR_SECRET
	// was rotated (new cursors are sealed with CursorSecret only).
	CursorSecretPrevious string
	// WebsocketInitTimeout closes a WebSocket that sends no connection_init.
	WebsocketInitTimeout time.Duration
	// Oversight (issue 6).
	NominationTrustRoots string
	DigestInterval       time.Duration
	// PprofAddr, when set, serves net/http/pprof on its own listener
	// (keep it on loopback): profiles of a running server for diagnosis.
	PprofAddr string
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies trustedProxies
	// PasswordLifetime bounds the password lifetime tenants may set.
	PasswordLifetime domain.PasswordLifetimeBounds
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// ParseFlags reads the configuration from args and the environment.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("tenantadmin", flag.ContinueOnError)
	c := &m.Config
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address (ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", ""), "external base URL used in emailed links (PUBLIC_URL); default http://ADDR")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (DATABASE_URL); empty runs an embedded PostgreSQL")
	fs.StringVar(&c.DatabaseReplicaURL, "database-replica-url", env("DATABASE_REPLICA_URL", ""), "streaming replicas for reads that tolerate lag (DATABASE_REPLICA_URL): postgres:// URLs separated by commas, each possibly multi-host; empty reads everything from DATABASE_URL")
	fs.DurationVar(&c.ReplicaMaxLag, "replica-max-lag", durationEnv("REPLICA_MAX_LAG", db.DefaultReplicaMaxLag), "a replica further behind the primary than this is not read (REPLICA_MAX_LAG)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL (REDIS_URL): redis://host:port/db, redis-cluster://h1:p1,h2:p2, redis-sentinel://s1:p1,s2:p2/master, options wait_replicas=N&wait_timeout=1s; empty uses the in-process single-node store")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", "data"), "folder of the embedded PostgreSQL's data (DATA_DIR)")
	fs.StringVar(&c.KeyPrefix, "key-prefix", env("KEY_PREFIX", "ta:"), "prefix of every Redis key (KEY_PREFIX)")
	origins := fs.String("cors-origins", env("CORS_ORIGINS", ""), "comma-separated browser origins allowed to call the API with credentials (CORS_ORIGINS)")
	fs.BoolVar(&c.Production, "production", env("APP_ENV", "") == "production", "production mode: introspection off unless enabled, Secure cookies (APP_ENV=production)")
	introspection := fs.String("introspection", env("INTROSPECTION", ""), "true/false; default true except in production (INTROSPECTION)")
	fs.StringVar(&c.CatalogFile, "catalog", env("CATALOG_FILE", ""), "product and role catalog YAML (CATALOG_FILE); default the built-in sample")
	fs.StringVar(&c.LogLevel, "log-level", env("LOG_LEVEL", "info"), "debug, info, warn or error (LOG_LEVEL)")
	fs.DurationVar(&c.SessionIdle, "session-idle", durationEnv("SESSION_IDLE", 30*time.Minute), "idle timeout of sessions (SESSION_IDLE)")
	fs.DurationVar(&c.SessionMaxAge, "session-max-age", durationEnv("SESSION_MAX_AGE", 12*time.Hour), "absolute lifetime of sessions (SESSION_MAX_AGE)")
	fs.Int64Var(&c.MaxRequestSize, "max-request-size", 1<<20, "largest accepted request body in bytes")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("SMTP_URL", ""), "SMTP relay (SMTP_URL): smtp://user:pass@host:587 (STARTTLS), smtps://…:465, smtp+insecure://host:25; empty keeps mail in the developer mailbox")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("SMTP_FROM", ""), "From address of emails (SMTP_FROM); default no-reply@ the PUBLIC_URL host")
	fs.BoolVar(&c.DevMailbox, "dev-mailbox", env("DEV_MAILBOX", "") == "true", "development only: anyone may read the developer mailbox (DEV_MAILBOX=true)")
	fs.DurationVar(&c.MailPollInterval, "mail-poll-interval", durationEnv("MAIL_POLL_INTERVAL", 2*time.Second), "how often the mailer looks for due emails (MAIL_POLL_INTERVAL)")
	rates := []struct {
		dst        *auth.Rate
		flag, env  string
		def, usage string
	}{
		{&c.RateLoginAccount, "rate-login-account", "RATE_LOGIN_ACCOUNT", "10/1m", "sign-in and reset attempts per account"},
		{&c.RateLoginIP, "rate-login-ip", "RATE_LOGIN_IP", "60/1m", "sign-in, reset and invitation-link attempts per client IP"},
		{&c.RateAPISession, "rate-api-session", "RATE_API_SESSION", "1200/1m", "API requests per session or bearer token"},
		{&c.RateAPITenant, "rate-api-tenant", "RATE_API_TENANT", "12000/1m", "API requests per tenant (of the viewer's roles)"},
		{&c.RateAPIIP, "rate-api-ip", "RATE_API_IP", "600/1m", "anonymous API requests per client IP"},
		{&c.RateWSConnectIP, "rate-ws-connect-ip", "RATE_WS_CONNECT_IP", "1200/1m", "WebSocket connections opened per client IP (each operation on a connection counts under the API limits of its viewer)"},
	}
	rateStrs := make([]*string, len(rates))
	for i, r := range rates {
		rateStrs[i] = fs.String(r.flag, env(r.env, r.def), r.usage+" as COUNT/PERIOD[:BURST], 0 disables ("+r.env+")")
	}
	fs.BoolVar(&c.EventRelay, "event-relay", env("EVENT_RELAY", "true") != "false", "run the event relay in this replica; one replica at a time publishes (EVENT_RELAY)")
	fs.DurationVar(&c.AuditRetention, "audit-retention", durationEnv("AUDIT_RETENTION", 0), "delete audit events older than this, e.g. 2160h; 0 keeps them forever (AUDIT_RETENTION)")
	fs.DurationVar(&c.EventRetention, "event-retention", durationEnv("EVENT_RETENTION", 7*24*time.Hour), "keep published change events this long for resuming subscriptions; 0 forever (EVENT_RETENTION)")
	fs.IntVar(&c.SubscriptionBuffer, "subscription-buffer", 16, "event batches a subscriber may have waiting before it is dropped as too slow")
	fs.DurationVar(&c.FailedLoginMinDuration, "failed-login-min-duration", durationEnv("FAILED_LOGIN_MIN_DURATION", 150*time.Millisecond), "every wrong sign-in answers after at least this long, known account or not; keep it above a password hash plus a failure's transaction (FAILED_LOGIN_MIN_DURATION)")
	fs.DurationVar(&c.RecoveryMinDuration, "recovery-min-duration", durationEnv("RECOVERY_MIN_DURATION", 300*time.Millisecond), "account recovery answers after at least this long, account or not (RECOVERY_MIN_DURATION)")
	fs.DurationVar(&c.WebsocketInitTimeout, "ws-init-timeout", durationEnv("WS_INIT_TIMEOUT", 5*time.Second), "close a WebSocket that sends no connection_init within this time, with 4408 (WS_INIT_TIMEOUT)")
	fs.DurationVar(&c.SubscriptionRecheck, "subscription-recheck", durationEnv("SUBSCRIPTION_RECHECK", 5*time.Second), "how often subscriptions re-check their viewer's session and roles (SUBSCRIPTION_RECHECK)")
	fs.StringVar(&c.NominationTrustRoots, "nomination-trust-roots", env("NOMINATION_TRUST_ROOTS", ""), "PEM file of the certification authorities trusted for signed nominations (NOMINATION_TRUST_ROOTS); empty accepts any issuer")
	fs.IntVar(&c.ExactCountLimit, "exact-count-limit", intEnv("EXACT_COUNT_LIMIT", db.DefaultExactCountLimit), "users lists count exactly up to this many matches, then report PostgreSQL's estimate with totalCountIsExact false, so a count costs the same at any size; -1: always exact (EXACT_COUNT_LIMIT)")
	fs.IntVar(&c.HashConcurrency, "hash-concurrency", intEnv("HASH_CONCURRENCY", auth.DefaultHashConcurrency()), "password hashes (argon2id, one core each) running at once; default half the cores, so a burst of sign-ins leaves the other half to the rest of the traffic (HASH_CONCURRENCY)")
	fs.IntVar(&c.HashQueue, "hash-queue", intEnv("HASH_QUEUE", 32), "sign-ins and password changes that may wait for a hashing slot; beyond, they get RATE_LIMITED with retryAfter (HASH_QUEUE)")
	fs.DurationVar(&c.HashMaxWait, "hash-max-wait", durationEnv("HASH_MAX_WAIT", time.Second), "longest wait for a hashing slot before RATE_LIMITED (HASH_MAX_WAIT)")
	fs.DurationVar(&c.DigestInterval, "digest-interval", durationEnv("DIGEST_INTERVAL", time.Hour), "how often a replica checks whether last month's digest and nomination expiries are due (DIGEST_INTERVAL); 0 disables")
	fs.StringVar(&c.CursorSecret, "cursor-secret", env("CURSOR_SECRET", ""), "secret sealing the list cursors clients get, at least 32 characters, the same on every replica (CURSOR_SECRET); required in production, else a public development key")
	fs.StringVar(&c.CursorSecretPrevious, "cursor-secret-previous", env("CURSOR_SECRET_PREVIOUS", ""), "during a rotation of CURSOR_SECRET, the secret it replaces: cursors sealed with it still open until it is removed (CURSOR_SECRET_PREVIOUS)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("PPROF_ADDR", ""), "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (PPROF_ADDR); empty: off")
	lifetime := fs.String("password-lifetime-bounds", env("PASSWORD_LIFETIME_BOUNDS", fmt.Sprintf("%d-%d",
		domain.DefaultPasswordLifetimeBounds.MinDays, domain.DefaultPasswordLifetimeBounds.MaxDays)),
		"MIN-MAX days of password lifetime a tenant's administrators may set (PASSWORD_LIFETIME_BOUNDS)")
	proxies := fs.String("trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated addresses or CIDR prefixes of the load balancers whose X-Forwarded-For gives the client address (TRUSTED_PROXIES); empty: the TCP peer is the client")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if c.TrustedProxies, err = parseTrustedProxies(*proxies); err != nil {
		return err
	}
	if _, err := fmt.Sscanf(*lifetime, "%d-%d", &c.PasswordLifetime.MinDays, &c.PasswordLifetime.MaxDays); err != nil ||
		c.PasswordLifetime.MinDays < 1 || c.PasswordLifetime.MaxDays < c.PasswordLifetime.MinDays {
		return fmt.Errorf("PASSWORD_LIFETIME_BOUNDS: want MIN-MAX days with 1 <= MIN <= MAX, got %q", *lifetime)
	}
	for i, r := range rates {
		rate, err := auth.ParseRate(*rateStrs[i])
		if err != nil {
			return fmt.Errorf("%s: %w", r.env, err)
		}
		*r.dst = rate
	}
	if c.DevMailbox && c.Production {
		return fmt.Errorf("DEV_MAILBOX=true is for development only; it cannot run in production")
	}
	if c.RedisURL == "" && c.Production {
		// The in-process store is a stand-in for Redis that lets the
		// development default run with one command: one process, nothing
		// shared, sessions gone at restart.
		return fmt.Errorf("REDIS_URL is required in production: the in-process store is for development (one replica, nothing kept across restarts)")
	}
	if c.CursorSecret == "" && c.Production {
		return fmt.Errorf("CURSOR_SECRET is required in production: every replica seals and opens cursors with it (at least %d characters)", graph.MinCursorSecretLen)
	}
	if _, err := graph.NewCursors(c.CursorSecret, c.CursorSecretPrevious); err != nil {
		return err
	}
	if c.RedisURL != "" {
		if _, err := kv.ParseURL(c.RedisURL); err != nil {
			return err
		}
	}
	if c.DatabaseReplicaURL != "" && c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_REPLICA_URL needs DATABASE_URL: the embedded PostgreSQL has no replicas")
	}
	if c.ReplicaMaxLag <= 0 {
		return fmt.Errorf("REPLICA_MAX_LAG must be positive")
	}
	if err := db.CheckReplicaURLs(c.DatabaseReplicaURL); err != nil {
		return err
	}
	if c.SMTPURL != "" {
		if _, err := mail.ParseSMTPURL(c.SMTPURL); err != nil {
			return err
		}
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			if o == "*" {
				return fmt.Errorf("CORS_ORIGINS cannot be * : the API uses credentials; list the origins")
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	switch *introspection {
	case "":
		c.Introspection = !c.Production
	case "true", "1":
		c.Introspection = true
	case "false", "0":
		c.Introspection = false
	default:
		return fmt.Errorf("INTROSPECTION must be true or false")
	}
	return nil
}

func durationEnv(key string, def time.Duration) time.Duration {
	if v := os.Getenv(key); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

// intEnv is the integer in the environment variable key, else def (like
// durationEnv).
func intEnv(key string, def int) int {
	if v := os.Getenv(key); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}
