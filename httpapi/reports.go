package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"tenantadmin/app"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/globalid"
	"tenantadmin/report"
)

// The CSV reports (R24, issue 16.6, issue 19): session cookie or bearer
// token, like /graphql; streamed as PostgreSQL sends the rows.

// reportHandler streams a CSV report of one tenant (R24) to a viewer who
// may report on it: a tenant they administer or one of its first-level
// children. Personal-data columns follow the viewer's personal-data scope
// (R12).
func (h *Handlers) reportHandler(report db.Report) http.Handler {
	return h.csvHandler(string(report), db.ReportHeader[report], func(r *http.Request, _ *domain.Viewer, tenantID int64) (csvStream, error) {
		return h.App.UseCases().TenantReport(r.Context(), report, tenantID)
	})
}

// failedLoginsReport is a tenant's failed sign-ins as CSV (issue 16.6), for
// whoever oversees the tenant, with the filters of Tenant.failedLogins as
// parameters: from and to (RFC 3339), user (a User ID), os, browser, ip.
func (h *Handlers) failedLoginsReport() http.Handler {
	return h.csvHandler("failed-logins", db.FailedLoginReportHeader, func(r *http.Request, _ *domain.Viewer, tenantID int64) (csvStream, error) {
		return h.App.UseCases().FailedLoginsReport(r.Context(), tenantID, func() (domain.FailedLoginFilter, error) {
			q := r.URL.Query()
			f := domain.FailedLoginFilter{OperatingSystem: q.Get("os"), Browser: q.Get("browser"), IP: q.Get("ip")}
			for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
				if raw := q.Get(name); raw != "" {
					at, err := time.Parse(time.RFC3339, raw)
					if err != nil {
						return f, domain.FieldError(name, domain.ReasonInvalidFilter, "Give times in RFC 3339, e.g. 2026-11-01T00:00:00Z.")
					}
					*dst = &at
				}
			}
			if raw := q.Get("user"); raw != "" {
				id, err := globalid.Decode("User", raw, "user")
				if err != nil {
					return f, err
				}
				f.UserID = &id
			}
			return f, nil
		})
	})
}

// csvStream writes a report's rows through row.
type csvStream = app.Stream

// csvHandler serves a CSV download of one tenant (?tenant=ID): prepare
// authorizes the viewer and reads the request's parameters before anything
// is sent, so refusals are JSON errors with their status; then the rows go
// out as PostgreSQL sends them, flushed every 2,000: memory stays flat.
func (h *Handlers) csvHandler(name string, header []string, prepare func(*http.Request, *domain.Viewer, int64) (csvStream, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := app.ViewerFrom(ctx)
		fail := func(err error) {
			status := map[string]int{domain.EUNAUTHENTICATED: http.StatusUnauthorized, domain.EFORBIDDEN: http.StatusForbidden,
				domain.ENOTFOUND: http.StatusNotFound, domain.EINVALID: http.StatusBadRequest, domain.EUNAVAILABLE: http.StatusServiceUnavailable}[domain.ErrorCode(err)]
			if status == 0 {
				status = http.StatusInternalServerError
				h.Logger.ErrorContext(ctx, "report", "report", name, "error", err)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": domain.ErrorCode(err), "message": domain.ErrorMessage(err)}}) // the status is sent: nothing left to tell the client
		}
		if err := domain.RequireViewer(v); err != nil {
			fail(err)
			return
		}
		tenantID, err := globalid.Decode("Tenant", r.URL.Query().Get("tenant"), "tenant")
		if err != nil {
			fail(err)
			return
		}
		stream, err := prepare(r, v, tenantID)
		if err != nil {
			fail(err)
			return
		}
		tenant, err := h.App.UseCases().TenantByID.FindTenantByID(ctx, tenantID)
		if err != nil {
			fail(err)
			return
		}

		hdr := w.Header()
		hdr.Set("Content-Type", "text/csv; charset=utf-8")
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
			"filename": fmt.Sprintf("%s-%s-%s.csv", name, slug(tenant.Name), time.Now().UTC().Format("2006-01-02"))}))
		hdr.Set("Cache-Control", "no-store")
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
				h.Logger.ErrorContext(ctx, "report stream", "report", name, "error", err, "rows", rows)
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
