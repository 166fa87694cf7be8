package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config is the server's configuration, from flags with environment
// variables as defaults. See the README's configuration table.
type Config struct {
	Addr           string
	PublicURL      string
	DatabaseURL    string
	RedisURL       string
	DataDir        string
	KeyPrefix      string
	CORSOrigins    []string
	Introspection  bool
	Production     bool
	CatalogFile    string
	LogLevel       string
	SessionIdle    time.Duration
	SessionMaxAge  time.Duration
	MaxRequestSize int64
	// Oversight (issue 6).
	NominationTrustRoots string
	DigestInterval       time.Duration
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
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL (REDIS_URL); empty uses the in-process single-node store")
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
	fs.StringVar(&c.NominationTrustRoots, "nomination-trust-roots", env("NOMINATION_TRUST_ROOTS", ""), "PEM file of the certification authorities trusted for signed nominations (NOMINATION_TRUST_ROOTS); empty accepts any issuer")
	fs.DurationVar(&c.DigestInterval, "digest-interval", durationEnv("DIGEST_INTERVAL", time.Hour), "how often a replica checks whether last month's digest and nomination expiries are due (DIGEST_INTERVAL); 0 disables")
	if err := fs.Parse(args); err != nil {
		return err
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
