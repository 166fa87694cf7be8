// Package nomination is the cryptographic and document side of the admin
// nomination workflow (R20): the nomination form as a deterministic PDF, and
// the verification of the CAdES (.p7m) file the legal representative signs it
// into. It does no I/O and knows no SQL; storage and transport call it.
package nomination

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"tenantadmin/domain"
)

// labels of the form, per language of the tenant.
var labels = map[string]map[string]string{
	"it": {
		"title":     "Modulo di nomina dell'amministratore",
		"request":   "Richiesta n.",
		"date":      "Data della richiesta",
		"tenant":    "Ente",
		"nominee":   "Amministratore nominato",
		"username":  "Nome utente",
		"taxCode":   "Codice fiscale",
		"product":   "Prodotto",
		"role":      "Ruolo",
		"legalRep":  "Legale rappresentante",
		"expires":   "Da firmare entro il",
		"statement": "Il legale rappresentante sopra indicato nomina la persona sopra indicata amministratore del prodotto per l'ente. Firmare digitalmente questo documento in formato CAdES (.p7m) senza modificarlo.",
		"hash":      "SHA-256 del contenuto",
	},
	"fr": {
		"title":     "Formulaire de nomination d'un administrateur",
		"request":   "Demande n°",
		"date":      "Date de la demande",
		"tenant":    "Organisation",
		"nominee":   "Administrateur nommé",
		"username":  "Identifiant",
		"taxCode":   "Numéro fiscal",
		"product":   "Produit",
		"role":      "Rôle",
		"legalRep":  "Représentant légal",
		"expires":   "À signer avant le",
		"statement": "Le représentant légal ci-dessus nomme la personne ci-dessus administrateur du produit pour l'organisation. Signez ce document électroniquement au format CAdES (.p7m) sans le modifier.",
		"hash":      "SHA-256 du contenu",
	},
	"en": {
		"title":     "Administrator nomination form",
		"request":   "Request no.",
		"date":      "Date of the request",
		"tenant":    "Organisation",
		"nominee":   "Nominated administrator",
		"username":  "Username",
		"taxCode":   "Tax code",
		"product":   "Product",
		"role":      "Role",
		"legalRep":  "Legal representative",
		"expires":   "To be signed by",
		"statement": "The legal representative named above nominates the person named above administrator of the product for the organisation. Sign this document digitally as CAdES (.p7m) without changing it.",
		"hash":      "SHA-256 of the content",
	},
}

// RequestReference is the human-readable reference of a request.
func RequestReference(id int64) string { return fmt.Sprintf("NOM-%08d", id) }

// Canonical returns the canonical content of a form: one "key: value" line
// per field, in a fixed order, UTF-8, LF-terminated. Its SHA-256 is printed
// on the form, so that a printed or signed copy can be tied to the request.
func Canonical(f domain.NominationForm) []byte {
	var b strings.Builder
	line := func(k, v string) {
		// Values are single-line: newlines would forge extra fields.
		v = strings.Join(strings.Fields(v), " ")
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	line("request", RequestReference(f.RequestID))
	line("requestedAt", f.RequestedAt.UTC().Format(time.RFC3339))
	line("expiresAt", f.ExpiresAt.UTC().Format(time.RFC3339))
	line("tenant", f.TenantName)
	line("tenantTaxCode", f.TenantTaxCode)
	line("nominee", f.NomineeName)
	line("nomineeUsername", f.NomineeUsername)
	line("nomineeTaxCode", f.NomineeTaxCode)
	line("product", f.ProductName)
	line("role", f.RoleName)
	line("legalRepresentative", f.LegalRepresentative.FullName())
	line("legalRepresentativeTaxCode", f.LegalRepresentative.TaxCode)
	return []byte(b.String())
}

// ContentHash is the SHA-256 of the canonical content.
func ContentHash(f domain.NominationForm) []byte {
	h := sha256.Sum256(Canonical(f))
	return h[:]
}

// FormPDF renders the nomination form as a one-page PDF in the given
// language (it, fr or en). The bytes depend only on the form and language:
// rendering the same request twice gives identical files.
func FormPDF(f domain.NominationForm, language string) []byte {
	l, ok := labels[language]
	if !ok {
		l = labels["en"]
	}
	withTax := func(name, tax string) string {
		if tax == "" {
			return name
		}
		return name + " (" + tax + ")"
	}
	date := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	lines := []pdfLine{
		{text: l["title"], size: 16, gap: 28},
		{text: l["request"] + " " + RequestReference(f.RequestID), size: 11, gap: 22},
		{text: l["date"] + ": " + date(f.RequestedAt) + " (UTC " + f.RequestedAt.UTC().Format("15:04:05") + ")", size: 11, gap: 16},
		{text: l["tenant"] + ": " + withTax(f.TenantName, f.TenantTaxCode), size: 11, gap: 22},
		{text: l["nominee"] + ": " + f.NomineeName, size: 11, gap: 16},
		{text: "    " + l["username"] + ": " + f.NomineeUsername, size: 11, gap: 16},
		{text: "    " + l["taxCode"] + ": " + f.NomineeTaxCode, size: 11, gap: 16},
		{text: l["product"] + ": " + f.ProductName, size: 11, gap: 22},
		{text: l["role"] + ": " + f.RoleName, size: 11, gap: 16},
		{text: l["legalRep"] + ": " + withTax(f.LegalRepresentative.FullName(), f.LegalRepresentative.TaxCode), size: 11, gap: 22},
		{text: l["expires"] + ": " + date(f.ExpiresAt), size: 11, gap: 16},
	}
	for i, w := range wrap(l["statement"], 90) {
		gap := 14
		if i == 0 {
			gap = 28
		}
		lines = append(lines, pdfLine{text: w, size: 10, gap: gap})
	}
	lines = append(lines,
		pdfLine{text: l["hash"] + ":", size: 9, gap: 30},
		pdfLine{text: hex.EncodeToString(ContentHash(f)), size: 9, gap: 12, mono: true},
	)
	info := pdfInfo{
		title:   l["title"] + " " + RequestReference(f.RequestID),
		created: f.RequestedAt,
		id:      ContentHash(f)[:16],
	}
	return renderPDF(lines, info)
}

// wrap splits text into lines of at most width characters at spaces.
func wrap(text string, width int) []string {
	var out []string
	var cur []string
	n := 0
	for _, w := range strings.Fields(text) {
		if n > 0 && n+1+len([]rune(w)) > width {
			out = append(out, strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if n > 0 {
			n++
		}
		cur = append(cur, w)
		n += len([]rune(w))
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}
