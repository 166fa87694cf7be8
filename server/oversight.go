package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph"
	"tenantadmin/nomination"
	"tenantadmin/report"
)

// Oversight (issue 6): the nomination link's endpoints (R20), the CSV
// reports (R24) and the background jobs (monthly digest R25, expiry of
// nominations).

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

// oversightRoutes registers the plain HTTP endpoints of oversight.
func (m *Main) oversightRoutes(mux *http.ServeMux, metrics *httpMetrics) {
	// Behind the emailed link: no account, the token is the credential.
	mux.Handle("GET /nominations/{token}", metrics.instrument("nomination", http.HandlerFunc(m.nominationPage)))
	mux.Handle("GET /nominations/{token}/form.pdf", metrics.instrument("nomination", http.HandlerFunc(m.nominationForm)))
	mux.Handle("POST /nominations/{token}/signed", metrics.instrument("nomination", http.HandlerFunc(m.nominationSigned)))
	mux.Handle("POST /nominations/{token}/reject", metrics.instrument("nomination", http.HandlerFunc(m.nominationReject)))
	// Reports: session cookie or bearer token, like /graphql.
	mux.Handle("GET /reports/users.csv", metrics.instrument("report", m.authenticate(m.reportHandler(db.ReportUsers))))
	mux.Handle("GET /reports/permissions.csv", metrics.instrument("report", m.authenticate(m.reportHandler(db.ReportPermissions))))
	mux.Handle("GET /reports/failed-logins.csv", metrics.instrument("report", m.authenticate(m.failedLoginsReport())))
	mux.Handle("GET /reports/user-list.csv", metrics.instrument("report", m.authenticate(m.userListReport())))
}

var nominationPath = regexp.MustCompile(`^/nominations/[^/]+`)

// redactPath keeps link tokens out of the request log.
func redactPath(p string) string {
	return nominationPath.ReplaceAllString(p, "/nominations/{token}")
}

// linkStatus maps the refusals of a nomination link to HTTP statuses.
func linkStatus(err error) int {
	e := domain.AsError(err)
	switch {
	case e == nil:
		return http.StatusInternalServerError
	case e.Reason == "NOMINATION_LINK_INVALID":
		return http.StatusNotFound
	case e.Reason == "NOMINATION_EXPIRED" || e.Reason == "NOMINATION_CLOSED":
		return http.StatusGone
	case e.Code == domain.ERATELIMITED:
		return http.StatusTooManyRequests
	case e.Code == domain.ECONFLICT:
		return http.StatusConflict
	case e.Code == domain.EINVALID:
		return http.StatusUnprocessableEntity
	case e.Code == domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// nominationResult answers an action on a link: JSON for programs, a
// short page for a browser's form post.
func (m *Main) nominationResult(w http.ResponseWriter, r *http.Request, n *domain.Nomination, err error) {
	status := http.StatusOK
	body := map[string]any{}
	if err != nil {
		status = linkStatus(err)
		if status == http.StatusInternalServerError {
			m.Logger.ErrorContext(r.Context(), "nomination link", "error", err)
		}
		e := domain.AsError(err)
		code, reason := domain.ErrorCode(err), ""
		if e != nil {
			reason = e.Reason
		}
		body["error"] = map[string]any{"code": code, "reason": reason, "message": domain.ErrorMessage(err)}
	} else {
		body["reference"] = nomination.RequestReference(n.ID)
		body["status"] = n.Status
		if n.Signer != nil {
			body["signer"] = map[string]any{"subject": n.Signer.Subject, "issuer": n.Signer.Issuer,
				"serialNumber": n.Signer.SerialNumber, "sha256Fingerprint": n.Signer.SHA256Fingerprint,
				"taxCode": n.Signer.TaxCode, "signedAt": n.Signer.SignedAt}
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	if wantsHTML(r) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		msg := "Done: the request is now " + string(nStatus(n)) + "."
		if err != nil {
			msg = domain.ErrorMessage(err)
		}
		if terr := resultPage.Execute(w, map[string]string{"Message": msg}); terr != nil {
			m.Logger.DebugContext(r.Context(), "nomination result page", "error", terr) // mostly a client gone away
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the status is sent: nothing left to tell the client
}

func nStatus(n *domain.Nomination) domain.NominationStatus {
	if n == nil {
		return ""
	}
	return n.Status
}

// nominationForm serves the issued PDF, byte for byte, while the request
// is open.
func (m *Main) nominationForm(w http.ResponseWriter, r *http.Request) {
	link, err := m.App.Nominations.NominationByToken(r.Context(), auth.HashToken(r.PathValue("token")))
	if err == nil {
		err = openLink(link.Nomination)
	}
	if err != nil {
		m.nominationResult(w, r, nil, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": nomination.RequestReference(link.Nomination.ID) + ".pdf"}))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(link.FormPDF) // a client gone away mid-download: nothing to do
}

func openLink(n *domain.Nomination) error {
	switch n.EffectiveStatus(time.Now()) {
	case domain.NominationPending:
		return nil
	case domain.NominationExpired:
		return &domain.Error{Code: domain.ECONFLICT, Reason: "NOMINATION_EXPIRED", Message: "This nomination request has expired; ask the administrator for a new one."}
	}
	return &domain.Error{Code: domain.ECONFLICT, Reason: "NOMINATION_CLOSED", Message: "This nomination was already decided; the link cannot be used again."}
}

// nominationSigned receives the signed form (.p7m as the raw body, DER,
// PEM or base64, or as the "file" field of a multipart form), verifies it
// and grants the role.
func (m *Main) nominationSigned(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, nomination.MaxSignatureSize*2)
	var body []byte
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		file, _, ferr := r.FormFile("file")
		if ferr != nil {
			m.nominationResult(w, r, nil, domain.FieldError("file", "FILE_MISSING", "Attach the signed .p7m file as \"file\"."))
			return
		}
		defer file.Close()
		body, err = io.ReadAll(io.LimitReader(file, nomination.MaxSignatureSize+1))
	} else {
		body, err = io.ReadAll(r.Body)
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	} else if err != nil {
		m.nominationResult(w, r, nil, domain.FieldError("file", "UNREADABLE", "The upload could not be read."))
		return
	}
	der, err := nomination.DecodeSignature(body)
	if err != nil {
		m.nominationResult(w, r, nil, err)
		return
	}
	n, err := m.App.Nominations.Approve(r.Context(), auth.HashToken(r.PathValue("token")), der, m.App.NominationRoots, linkAudit(r))
	m.nominationResult(w, r, n, err)
}

// nominationReject lets the legal representative refuse the nomination.
func (m *Main) nominationReject(w http.ResponseWriter, r *http.Request) {
	reason := ""
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var in struct{ Reason string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&in); err != nil {
			m.nominationResult(w, r, nil, domain.Errorf(domain.EINVALID, "The body is not valid JSON."))
			return
		}
		reason = in.Reason
	} else {
		reason = r.PostFormValue("reason")
	}
	if reason = strings.TrimSpace(reason); len(reason) > 500 {
		m.nominationResult(w, r, nil, domain.FieldError("reason", "REASON_TOO_LONG", "The reason is at most 500 characters."))
		return
	}
	n, err := m.App.Nominations.Reject(r.Context(), auth.HashToken(r.PathValue("token")), reason, linkAudit(r))
	m.nominationResult(w, r, n, err)
}

func linkAudit(r *http.Request) domain.AuditContext {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return domain.AuditContext{IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 512), RequestID: id}
}

// nominationPage is what the emailed link opens: the request, the form to
// download, the upload of the signed file and the refusal.
func (m *Main) nominationPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	link, err := m.App.Nominations.NominationByToken(r.Context(), auth.HashToken(token))
	if err != nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(linkStatus(err))
		if terr := resultPage.Execute(w, map[string]string{"Message": domain.ErrorMessage(err)}); terr != nil {
			m.Logger.DebugContext(r.Context(), "nomination page", "error", terr) // mostly a client gone away
		}
		return
	}
	n := link.Nomination
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err = nominationPageTmpl.Execute(w, map[string]any{
		"L": pageLabels[link.Language], "Lang": link.Language, "Base": "/nominations/" + token,
		"Open": openLink(n) == nil, "Status": n.EffectiveStatus(time.Now()),
		"Reference": nomination.RequestReference(n.ID), "Tenant": link.TenantName, "Nominee": link.NomineeName,
		"Product": link.ProductName, "Role": link.RoleName, "Rep": n.LegalRepresentative.FullName(),
		"Expires": n.ExpiresAt.UTC().Format("2006-01-02"),
	})
	if err != nil {
		m.Logger.DebugContext(r.Context(), "nomination page", "error", err) // mostly a client gone away
	}
}

var pageLabels = map[string]map[string]string{
	"it": {"title": "Nomina dell'amministratore", "tenant": "Ente", "nominee": "Amministratore", "product": "Prodotto",
		"role": "Ruolo", "rep": "Legale rappresentante", "expires": "Scadenza", "download": "Scarica il modulo di nomina (PDF)",
		"sign": "Firma il modulo digitalmente (CAdES, .p7m) senza modificarlo e caricalo qui:", "upload": "Carica il modulo firmato",
		"reject": "Rifiuta la nomina", "reason": "Motivo (facoltativo)", "closed": "La richiesta non è più aperta:"},
	"fr": {"title": "Nomination d'un administrateur", "tenant": "Organisation", "nominee": "Administrateur", "product": "Produit",
		"role": "Rôle", "rep": "Représentant légal", "expires": "Échéance", "download": "Télécharger le formulaire de nomination (PDF)",
		"sign": "Signez le formulaire électroniquement (CAdES, .p7m) sans le modifier, puis déposez-le ici :", "upload": "Déposer le formulaire signé",
		"reject": "Refuser la nomination", "reason": "Motif (facultatif)", "closed": "La demande n'est plus ouverte :"},
	"en": {"title": "Administrator nomination", "tenant": "Organisation", "nominee": "Administrator", "product": "Product",
		"role": "Role", "rep": "Legal representative", "expires": "Expires", "download": "Download the nomination form (PDF)",
		"sign": "Sign the form digitally (CAdES, .p7m) without changing it, then upload it here:", "upload": "Upload the signed form",
		"reject": "Refuse the nomination", "reason": "Reason (optional)", "closed": "The request is no longer open:"},
}

var nominationPageTmpl = template.Must(template.New("nomination").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.L.title}} {{.Reference}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}dt{font-weight:600}form{margin:1.5rem 0}</style>
</head><body><h1>{{.L.title}} {{.Reference}}</h1>
<dl><dt>{{.L.tenant}}</dt><dd>{{.Tenant}}</dd><dt>{{.L.nominee}}</dt><dd>{{.Nominee}}</dd>
<dt>{{.L.product}}</dt><dd>{{.Product}}</dd><dt>{{.L.role}}</dt><dd>{{.Role}}</dd>
<dt>{{.L.rep}}</dt><dd>{{.Rep}}</dd><dt>{{.L.expires}}</dt><dd>{{.Expires}}</dd></dl>
{{if .Open}}<p><a href="{{.Base}}/form.pdf" data-testid="download-form">{{.L.download}}</a></p>
<form method="post" action="{{.Base}}/signed" enctype="multipart/form-data"><p>{{.L.sign}}</p>
<input type="file" name="file" accept=".p7m,application/pkcs7-mime" required> <button type="submit">{{.L.upload}}</button></form>
<form method="post" action="{{.Base}}/reject"><label>{{.L.reason}} <input name="reason" maxlength="500"></label>
<button type="submit">{{.L.reject}}</button></form>
{{else}}<p>{{.L.closed}} {{.Status}}</p>{{end}}
</body></html>`))

var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Nomination</title></head><body><p>{{.Message}}</p></body></html>`))

// reportHandler streams a CSV report of one tenant (R24) to a viewer who
// may report on it: a tenant they administer or one of its first-level
// children. Personal-data columns follow the viewer's personal-data scope
// (R12).
func (m *Main) reportHandler(report db.Report) http.Handler {
	return m.csvHandler(string(report), db.ReportHeader[report], func(r *http.Request, v *domain.Viewer, tenantID int64) (csvStream, error) {
		ctx := r.Context()
		if err := m.App.Authorizer.CanReport(ctx, v, tenantID); err != nil {
			return nil, err
		}
		scope, err := m.App.Authorizer.PersonalDataScope(ctx, v)
		if err != nil {
			return nil, err
		}
		rule := db.PersonalDataRuleFor(v.UserID, scope, tenantID)
		return func(row func([]string) error) error {
			return m.App.Oversight.StreamReport(ctx, report, tenantID, rule, row)
		}, nil
	})
}

// failedLoginsReport is a tenant's failed sign-ins as CSV (issue 16.6), for
// whoever oversees the tenant, with the filters of Tenant.failedLogins as
// parameters: from and to (RFC 3339), user (a User ID), os, browser, ip.
func (m *Main) failedLoginsReport() http.Handler {
	return m.csvHandler("failed-logins", db.FailedLoginReportHeader, func(r *http.Request, v *domain.Viewer, tenantID int64) (csvStream, error) {
		ctx := r.Context()
		if err := m.App.Authorizer.CanOversee(ctx, v, tenantID); err != nil {
			return nil, err
		}
		q := r.URL.Query()
		f := domain.FailedLoginFilter{OperatingSystem: q.Get("os"), Browser: q.Get("browser"), IP: q.Get("ip")}
		for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
			if raw := q.Get(name); raw != "" {
				at, err := time.Parse(time.RFC3339, raw)
				if err != nil {
					return nil, domain.FieldError(name, domain.ReasonInvalidFilter, "Give times in RFC 3339, e.g. 2026-11-01T00:00:00Z.")
				}
				*dst = &at
			}
		}
		if raw := q.Get("user"); raw != "" {
			id, err := graph.DecodeUserID(raw)
			if err != nil {
				return nil, err
			}
			f.UserID = &id
		}
		if err := f.Normalize(); err != nil {
			return nil, err
		}
		return func(row func([]string) error) error {
			return m.App.Credentials.StreamTenantFailedLogins(ctx, tenantID, f, row)
		}, nil
	})
}

// csvStream writes a report's rows through row.
type csvStream func(row func([]string) error) error

// csvHandler serves a CSV download of one tenant (?tenant=ID): prepare
// authorizes the viewer and reads the request's parameters before anything
// is sent, so refusals are JSON errors with their status; then the rows go
// out as PostgreSQL sends them, flushed every 2,000: memory stays flat.
func (m *Main) csvHandler(name string, header []string, prepare func(*http.Request, *domain.Viewer, int64) (csvStream, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := graph.ViewerFrom(ctx)
		fail := func(err error) {
			status := map[string]int{domain.EUNAUTHENTICATED: http.StatusUnauthorized, domain.EFORBIDDEN: http.StatusForbidden,
				domain.ENOTFOUND: http.StatusNotFound, domain.EINVALID: http.StatusBadRequest, domain.EUNAVAILABLE: http.StatusServiceUnavailable}[domain.ErrorCode(err)]
			if status == 0 {
				status = http.StatusInternalServerError
				m.Logger.ErrorContext(ctx, "report", "report", name, "error", err)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": domain.ErrorCode(err), "message": domain.ErrorMessage(err)}}) // the status is sent: nothing left to tell the client
		}
		if err := domain.RequireViewer(v); err != nil {
			fail(err)
			return
		}
		tenantID, err := graph.DecodeTenantID(r.URL.Query().Get("tenant"))
		if err != nil {
			fail(err)
			return
		}
		stream, err := prepare(r, v, tenantID)
		if err != nil {
			fail(err)
			return
		}
		tenant, err := m.App.Tenants.FindTenantByID(ctx, tenantID)
		if err != nil {
			fail(err)
			return
		}

		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
			"filename": fmt.Sprintf("%s-%s-%s.csv", name, slug(tenant.Name), time.Now().UTC().Format("2006-01-02"))}))
		h.Set("Cache-Control", "no-store")
		cw, err := reportWriter(w, header)
		if err != nil {
			return
		}
		flusher := http.NewResponseController(w)
		rows := 0
		err = stream(func(row []string) error {
			if err := cw.Write(row); err != nil {
				return err
			}
			if rows++; rows%2000 == 0 {
				if err := cw.Flush(); err != nil {
					return err
				}
				_ = flusher.Flush()
			}
			return nil
		})
		if err == nil {
			err = cw.Flush()
		}
		if err != nil {
			// The status line is gone: cut the connection so that the
			// client sees a failed download, not a short report.
			if ctx.Err() == nil {
				m.Logger.ErrorContext(ctx, "report stream", "report", name, "error", err, "rows", rows)
			}
			panic(http.ErrAbortHandler)
		}
	})
}

func reportWriter(w io.Writer, header []string) (*report.Writer, error) {
	return report.NewWriter(w, header)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an ASCII file name part from a tenant name.
func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "tenant"
	}
	return s
}

// jobs are the background duties of every replica: expire nominations and
// send the monthly digest once the month is over. Several replicas may run
// them at once: the storage makes each digest happen once.
type jobs struct {
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func (m *Main) startJobs() {
	if m.Config.DigestInterval <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.jobs = &jobs{cancel: cancel}
	m.jobs.done.Add(1)
	go func() {
		defer m.jobs.done.Done()
		// A first check soon after start (deployments restart more often
		// than the interval), then at every interval.
		wait := min(m.Config.DigestInterval, time.Minute)
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			m.runJobs(ctx, time.Now())
			wait = m.Config.DigestInterval
		}
	}()
}

func (m *Main) stopJobs() {
	if m.jobs != nil {
		m.jobs.cancel()
		m.jobs.done.Wait()
		m.jobs = nil
	}
}

// runJobs expires overdue nominations and sends last month's digest to
// the tenants that have not had it.
func (m *Main) runJobs(ctx context.Context, now time.Time) {
	ac := domain.AuditContext{ActorLabel: "system"}
	if n, err := m.App.Nominations.ExpireDue(ctx, ac); err != nil {
		if ctx.Err() == nil {
			m.Logger.Error("expire nominations", "error", err)
		}
	} else if n > 0 {
		m.Logger.Info("nominations expired", "count", n)
	}
	p := domain.PeriodOf(now).Previous()
	pending, err := m.App.Oversight.DigestPending(ctx, p)
	if err != nil || !pending {
		if err != nil && ctx.Err() == nil {
			m.Logger.Error("monthly digest", "error", err)
		}
		return
	}
	res, err := m.App.Oversight.RunDigest(ctx, p, m.App.UsersPageLink, domain.AuditContext{ActorLabel: "system:monthly-digest"})
	if err != nil && ctx.Err() == nil {
		m.Logger.Error("monthly digest", "period", p.String(), "error", err)
	}
	m.Logger.Info("monthly digest", "period", p.String(), "sent", res.Sent, "alreadySent", res.AlreadySent, "noAddress", res.NoAddress)
}
