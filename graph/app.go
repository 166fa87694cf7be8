package graph

import (
	"context"
	"crypto/x509"
	"log/slog"
	"sync"
	"time"

	usecase "tenantadmin/app"
	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/events"
)

// App is what resolvers call: storage services and the authorizer. The
// server wires one App per process.
type App struct {
	Tenants    *db.TenantService
	Users      *db.UserService
	Catalog    *db.CatalogService
	Setup      *db.SetupService
	Authorizer *domain.Authorizer
	Logger     *slog.Logger
	// Cursors seals the cursors clients get and opens those they send
	// (nil: the development key).
	Cursors *Cursors
	// PublicURL is the external base URL for links in emails.
	PublicURL string

	// Authentication (issue 3): credentials, sessions, rate limits, mail.
	Credentials *db.CredentialService
	Sessions    *auth.SessionStore
	RateLimiter *auth.RateLimiter
	LoginRates  LoginRates
	Mailbox     *db.MailboxService
	// SMTPConfigured hides the developer mailbox; DevMailbox opens it to
	// anonymous readers (development and browser tests only).
	SMTPConfigured bool
	DevMailbox     bool
	// MailQueued wakes the mail worker after a mutation queued mail.
	MailQueued func()
	// RecoveryMinDuration pads requestAccountRecovery's answer so that it
	// takes as long whether or not the account exists.
	RecoveryMinDuration time.Duration
	// FailedLoginMinDuration pads every INVALID_CREDENTIALS answer, so that
	// recording a known account's failure (a transaction) does not make it
	// slower than an unknown account's.
	FailedLoginMinDuration time.Duration
	// PasswordLifetime bounds the password lifetime tenants may set.
	PasswordLifetime domain.PasswordLifetimeBounds
	// ExactCountLimit is how many users a users list counts exactly before
	// it estimates (0: db.DefaultExactCountLimit; negative: always exact).
	ExactCountLimit int
	// Hashing bounds the argon2id work running at once (sign-ins, password
	// changes): beyond it callers get RATE_LIMITED instead of starving the
	// rest of the traffic. Nil hashes without a bound.
	Hashing *auth.HashPool

	// Groups reads and changes the groups of R11.
	Groups *db.GroupService

	// Events fans change events out to this replica's subscriptions (R28).
	Events *events.Hub
	// Audit reads the audit trail (R26).
	Audit *db.AuditService
	// ServiceAccounts stores service accounts and their tokens (R27).
	ServiceAccounts *db.ServiceAccountService
	// CredentialLive fails with UNAUTHENTICATED when the session or
	// service account token a subscriber authenticated with has ended.
	CredentialLive func(ctx context.Context, v *domain.Viewer) error
	// SubscriptionRecheck is how often subscriptions re-check their viewer
	// (they also do at once on events about the viewer).
	SubscriptionRecheck time.Duration
	// SessionsAlive, when set, answers for many sessions in one look-up:
	// the periodic re-checks of subscriptions share it (recheck_batch.go).
	SessionsAlive func(ctx context.Context, ids []string) (map[string]bool, error)

	access            accessCache
	sessionChecksOnce sync.Once
	sessionChecks     *sessionBatcher

	// Oversight (issue 6): nominations, findings, reports, digest.
	Nominations *db.NominationService
	Oversight   *db.OversightService
	// NominationRoots are the trusted certification authorities of
	// nomination signatures; nil accepts any issuer (the certificate is
	// still recorded).
	NominationRoots *x509.CertPool
}

// UseCases is the application layer over this App's stores: what the
// mutation resolvers call once they have decoded their input. It is built
// from the fields at each call, so that wiring done after New (PublicURL,
// the oversight services) is seen.
func (app *App) UseCases() *usecase.App {
	uc := &usecase.App{Users: app.Users, Groups: app.Groups, Tenants: app.Tenants, Catalog: app.Catalog,
		Authorizer: app.Authorizer, Hashing: app.Hashing, Logger: app.Logger, PublicURL: app.PublicURL,
		PasswordLifetime: app.PasswordLifetime, Viewers: app.Users, LoginRates: app.LoginRates, MailQueued: app.MailQueued,
		RecoveryMinDuration: app.RecoveryMinDuration, FailedLoginMinDuration: app.FailedLoginMinDuration,
		Directory: app.Users, TenantByID: app.Tenants, NominationRoots: app.NominationRoots, UsersPageLink: app.UsersPageLink}
	// Nil services stay nil interfaces (the use cases test them).
	if app.Sessions != nil {
		uc.Sessions = app.Sessions
	}
	if app.Credentials != nil {
		uc.Credentials, uc.FailedLogins = app.Credentials, app.Credentials
	}
	if app.RateLimiter != nil {
		uc.RateLimiter = app.RateLimiter
	}
	if app.Nominations != nil {
		uc.Nominations = app.Nominations
	}
	if app.Oversight != nil {
		uc.Digests, uc.Reports = app.Oversight, app.Oversight
	}
	if app.Users != nil {
		uc.UserLists = app.Users
	}
	if app.Setup != nil {
		uc.Setup = app.Setup
	}
	if app.ServiceAccounts != nil {
		uc.ServiceAccounts = app.ServiceAccounts
	}
	return uc
}

// WithViewer returns a context carrying the authenticated viewer; the HTTP
// and WebSocket authentication layers call it.
func WithViewer(ctx context.Context, v *domain.Viewer) context.Context {
	return usecase.WithViewer(ctx, v)
}

// ViewerFrom returns the viewer of the request, nil when anonymous.
func ViewerFrom(ctx context.Context) *domain.Viewer { return usecase.ViewerFrom(ctx) }
