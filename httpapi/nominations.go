package httpapi

import (
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"time"

	"tenantadmin/domain"
	"tenantadmin/nomination"
)

// The nomination link's endpoints (R20): behind the emailed link there is
// no account, the token is the credential.

var nominationPath = regexp.MustCompile(`^/nominations/[^/]+`)

// RedactPath keeps link tokens out of the request log.
func RedactPath(p string) string {
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
func (h *Handlers) nominationResult(w http.ResponseWriter, r *http.Request, n *domain.Nomination, err error) {
	status := http.StatusOK
	body := map[string]any{}
	if err != nil {
		status = linkStatus(err)
		if status == http.StatusInternalServerError {
			h.Logger.ErrorContext(r.Context(), "nomination link", "error", err)
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
			h.Logger.DebugContext(r.Context(), "nomination result page", "error", terr) // mostly a client gone away
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
func (h *Handlers) nominationForm(w http.ResponseWriter, r *http.Request) {
	link, err := h.App.UseCases().NominationByToken(r.Context(), r.PathValue("token"))
	if err == nil {
		err = openLink(link.Nomination)
	}
	if err != nil {
		h.nominationResult(w, r, nil, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/pdf")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": nomination.RequestReference(link.Nomination.ID) + ".pdf"}))
	hdr.Set("Cache-Control", "no-store")
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
func (h *Handlers) nominationSigned(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, nomination.MaxSignatureSize*2)
	var body []byte
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		file, _, ferr := r.FormFile("file")
		if ferr != nil {
			h.nominationResult(w, r, nil, domain.FieldError("file", "FILE_MISSING", "Attach the signed .p7m file as \"file\"."))
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
		h.nominationResult(w, r, nil, domain.FieldError("file", "UNREADABLE", "The upload could not be read."))
		return
	}
	der, err := nomination.DecodeSignature(body)
	if err != nil {
		h.nominationResult(w, r, nil, err)
		return
	}
	n, err := h.App.UseCases().ApproveNomination(r.Context(), r.PathValue("token"), der, h.AuditContext(r))
	h.nominationResult(w, r, n, err)
}

// nominationReject lets the legal representative refuse the nomination.
func (h *Handlers) nominationReject(w http.ResponseWriter, r *http.Request) {
	reason := ""
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var in struct{ Reason string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<10)).Decode(&in); err != nil {
			h.nominationResult(w, r, nil, domain.Errorf(domain.EINVALID, "The body is not valid JSON."))
			return
		}
		reason = in.Reason
	} else {
		reason = r.PostFormValue("reason")
	}
	n, err := h.App.UseCases().RejectNominationByLink(r.Context(), r.PathValue("token"), &reason, h.AuditContext(r))
	h.nominationResult(w, r, n, err)
}

// nominationPage is what the emailed link opens: the request, the form to
// download, the upload of the signed file and the refusal.
func (h *Handlers) nominationPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	link, err := h.App.UseCases().NominationByToken(r.Context(), token)
	if err != nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(linkStatus(err))
		if terr := resultPage.Execute(w, map[string]string{"Message": domain.ErrorMessage(err)}); terr != nil {
			h.Logger.DebugContext(r.Context(), "nomination page", "error", terr) // mostly a client gone away
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
		h.Logger.DebugContext(r.Context(), "nomination page", "error", err) // mostly a client gone away
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
