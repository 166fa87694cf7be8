// Package app holds the use cases: one method per user intention
// (CreateUser, AssignRole, SetAccountStatuses …). A use case takes plain
// input (decoded IDs, no transport types), authorizes through
// domain.Authorizer, and calls the stores, which open the transaction and
// record the audit entry and the change event in it. The stores are the
// small interfaces of stores.go; package db implements them, the tests of
// this package fake them.
//
// Transports (graph, httpapi, jobs) decode their input, call a use case and
// build their answer from its result.
package app

import (
	"context"
	"crypto/x509"
	"log/slog"
	"time"

	"tenantadmin/auth"
	"tenantadmin/domain"
)

// App is the use cases and what they need. Transports build one per
// process (graph.App.UseCases).
type App struct {
	Users   UserStore
	Groups  GroupStore
	Tenants TenantStore
	Catalog Catalog
	// Authorizer decides every permission; a request may carry its own
	// (memoising the tenant tree for the request, WithAuthorizer).
	Authorizer *domain.Authorizer
	// Sessions are the sign-in sessions; admin changes end those of the
	// accounts they suspend or delete (nil: no session store).
	Sessions SessionStore
	// Authentication (R14–R19): credentials, rate limits, viewers of new
	// sessions.
	Credentials CredentialStore
	Viewers     ViewerLoader
	RateLimiter RateLimiter
	LoginRates  LoginRates
	// MailQueued wakes the mail worker after a change queued mail.
	MailQueued func()
	// RecoveryMinDuration pads requestAccountRecovery's answer so that it
	// takes as long whether or not the account exists.
	RecoveryMinDuration time.Duration
	// FailedLoginMinDuration pads every INVALID_CREDENTIALS answer, so that
	// recording a known account's failure (a transaction) does not make it
	// slower than an unknown account's.
	FailedLoginMinDuration time.Duration

	// Oversight (issue 6): nominations (R20) and the monthly digest (R25).
	Nominations NominationStore
	Digests     DigestStore
	Directory   UserDirectory
	TenantByID  TenantFinder
	// NominationRoots are the trusted certification authorities of
	// nomination signatures; nil accepts any issuer (the certificate is
	// still recorded).
	NominationRoots *x509.CertPool
	// UsersPageLink is the SPA's users page of a tenant, linked from
	// digests.
	UsersPageLink func(tenantID int64) string
	// Setup creates the first platform administrator.
	Setup SetupStore
	// ServiceAccounts stores service accounts and their tokens (R27).
	ServiceAccounts ServiceAccountStore
	// Reports (R24, issue 16.6).
	Reports      ReportStore
	FailedLogins FailedLoginStore
	// UserLists streams the users-list export (issue 19).
	UserLists UserListStore
	// Hashing bounds the argon2id work running at once; nil hashes without
	// a bound.
	Hashing *auth.HashPool
	Logger  *slog.Logger
	// PublicURL is the external base URL for links in emails.
	PublicURL string
	// PasswordLifetime bounds the password lifetime tenants may set.
	PasswordLifetime domain.PasswordLifetimeBounds
}

type viewerKey struct{}

// WithViewer returns a context carrying the authenticated viewer; the HTTP
// and WebSocket authentication layers call it.
func WithViewer(ctx context.Context, v *domain.Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the viewer of the request, nil when anonymous.
func ViewerFrom(ctx context.Context) *domain.Viewer {
	v, _ := ctx.Value(viewerKey{}).(*domain.Viewer)
	return v
}

type requestInfoKey struct{}

// RequestInfo is where a request comes from, for the audit trail.
type RequestInfo struct {
	IP        string
	UserAgent string
	RequestID string
}

// WithRequestInfo attaches the request's origin to the context.
func WithRequestInfo(ctx context.Context, info RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom is where the request of ctx comes from (zero when unknown).
func RequestInfoFrom(ctx context.Context) RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(RequestInfo)
	return info
}

// AuditContext describes who makes a change, from where.
func AuditContext(ctx context.Context) domain.AuditContext {
	info := RequestInfoFrom(ctx)
	ac := domain.AuditContext{IP: info.IP, UserAgent: info.UserAgent, RequestID: info.RequestID}
	if v := ViewerFrom(ctx); v != nil {
		ac.ActorID = &v.UserID
		ac.ActorLabel = v.Username
	}
	return ac
}

type authorizerKey struct{}

// WithAuthorizer gives the request its own authorizer (graph's, which
// memoises the tenant tree for the request and its reads).
func WithAuthorizer(ctx context.Context, az *domain.Authorizer) context.Context {
	return context.WithValue(ctx, authorizerKey{}, az)
}

// Actor is who makes a change: the signed-in viewer, the authorizer that
// decides for them, and what the audit trail records of the request.
type Actor struct {
	Viewer *domain.Viewer
	Authz  *domain.Authorizer
	Audit  domain.AuditContext
}

// actor returns the signed-in viewer of ctx (UNAUTHENTICATED otherwise).
func (a *App) actor(ctx context.Context) (Actor, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return Actor{}, err
	}
	az, _ := ctx.Value(authorizerKey{}).(*domain.Authorizer)
	if az == nil {
		az = a.Authorizer
	}
	return Actor{Viewer: v, Authz: az, Audit: AuditContext(ctx)}, nil
}
