package wiring

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/httpapi"
	"tenantadmin/jobs"
)

// Oversight (issue 6): the services of nominations (R20), reports (R24)
// and the monthly digest (R25); their endpoints are in package httpapi, the
// background jobs in package jobs.

// wireOversight adds the oversight services to the App.
func (m *Main) wireOversight() error {
	m.App.Nominations = db.NewNominationService(m.DB)
	m.App.Oversight = db.NewOversightService(m.DB)
	if m.Config.NominationTrustRoots == "" {
		m.Logger.Warn("NOMINATION_TRUST_ROOTS is not set: signed nominations are verified and their certificate recorded, but any issuer is accepted")
		return nil
	}
	pemBytes, err := os.ReadFile(m.Config.NominationTrustRoots)
	if err != nil {
		return fmt.Errorf("nomination trust roots: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return fmt.Errorf("nomination trust roots: no PEM certificate in %s", m.Config.NominationTrustRoots)
	}
	m.App.NominationRoots = pool
	return nil
}

// oversightRoutes registers the endpoints of package httpapi.
func (m *Main) oversightRoutes(mux *http.ServeMux, metrics *httpMetrics) {
	api := &httpapi.Handlers{App: m.App, Logger: m.Logger, Authenticate: m.authenticate,
		Instrument: metrics.instrument, AuditContext: requestAuditContext}
	api.Register(mux)
}

// requestAuditContext is what is recorded of a request made without an
// account (a nomination link's holder).
func requestAuditContext(r *http.Request) domain.AuditContext {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return domain.AuditContext{IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 512), RequestID: id}
}

func (m *Main) startJobs() {
	m.jobs = &jobs.Scheduler{App: m.App.UseCases(), Logger: m.Logger, Interval: m.Config.DigestInterval}
	m.jobs.Start()
}

func (m *Main) stopJobs() {
	if m.jobs != nil {
		m.jobs.Stop()
	}
}
