// Package httpapi serves the endpoints that are not GraphQL: the
// nomination link of R20 (HTML for a browser, JSON for programs) and the CSV
// reports of R24. It calls the same services and authorizer as the GraphQL
// resolvers, so a refusal here is the refusal there.
package httpapi

import (
	"log/slog"
	"net/http"

	"tenantadmin/app"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// UseCases gives the application layer the endpoints call, as the GraphQL
// resolvers do. httpapi is a transport beside graph, not above it: it must
// not import graph (deps_test.go). The server's graph.App is one; it
// builds the use cases from its wiring at each call, so that wiring done
// after the routes are registered (the nomination trust roots) is seen.
type UseCases interface {
	UseCases() *app.App
}

// Handlers holds what the endpoints need from the server's wiring.
type Handlers struct {
	App    UseCases
	Logger *slog.Logger
	// Authenticate resolves the session cookie or bearer token into the
	// request's viewer, as for /graphql.
	Authenticate func(http.Handler) http.Handler
	// Instrument counts and times requests under a route name.
	Instrument func(name string, next http.Handler) http.Handler
	// AuditContext is the client's address, user agent and request ID
	// recorded with what a link's holder does.
	AuditContext func(*http.Request) domain.AuditContext
}

// Register adds the endpoints to mux.
func (h *Handlers) Register(mux *http.ServeMux) {
	link := func(f http.HandlerFunc) http.Handler { return h.Instrument("nomination", f) }
	mux.Handle("GET /nominations/{token}", link(h.nominationPage))
	mux.Handle("GET /nominations/{token}/form.pdf", link(h.nominationForm))
	mux.Handle("POST /nominations/{token}/signed", link(h.nominationSigned))
	mux.Handle("POST /nominations/{token}/reject", link(h.nominationReject))

	csv := func(next http.Handler) http.Handler { return h.Instrument("report", h.Authenticate(next)) }
	mux.Handle("GET /reports/users.csv", csv(h.reportHandler(db.ReportUsers)))
	mux.Handle("GET /reports/permissions.csv", csv(h.reportHandler(db.ReportPermissions)))
	mux.Handle("GET /reports/failed-logins.csv", csv(h.failedLoginsReport()))
	mux.Handle("GET /reports/user-list.csv", csv(h.userListReport()))
}
