package graph

import (
	"context"
	"crypto/x509"
	"log/slog"

	"tenantadmin/db"
	"tenantadmin/domain"
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
	// PublicURL is the external base URL for links in emails.
	PublicURL string
	// Oversight (issue 6): nominations, findings, reports, digest.
	Nominations *db.NominationService
	Oversight   *db.OversightService
	// NominationRoots are the trusted certification authorities of
	// nomination signatures; nil accepts any issuer (the certificate is
	// still recorded).
	NominationRoots *x509.CertPool
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
