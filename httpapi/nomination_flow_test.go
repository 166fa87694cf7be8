package httpapi_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tenantadmin/nomination/nominationtest"
	"tenantadmin/server/servertest"
)

// Helpers shared by the oversight tests (issue 6).

type linkAnswer struct {
	status int
	body   []byte
	Error  struct{ Code, Reason, Message string }
	Status string
	Signer struct{ Subject, SHA256Fingerprint, TaxCode string }
}

func upload(t *testing.T, w *servertest.NominationWorld, token string, body []byte, contentType string) linkAnswer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.M.URL()+"/nominations/"+token+"/signed", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return doLink(t, req)
}

func doLink(t *testing.T, req *http.Request) linkAnswer {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a linkAnswer
	a.status = res.StatusCode
	a.body, _ = io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(a.body, &a); err != nil {
			t.Fatalf("%s", a.body)
		}
	}
	return a
}

func formPDF(t *testing.T, w *servertest.NominationWorld, token string) []byte {
	t.Helper()
	res, body := servertest.Get(t, w.M.URL()+"/nominations/"+token+"/form.pdf")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("form.pdf: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return []byte(body)
}

func TestNomination(t *testing.T) {
	ca := nominationtest.NewCA(t, "Test Qualified CA")
	roots := filepath.Join(t.TempDir(), "roots.pem")
	if err := os.WriteFile(roots, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("NOMINATION_TRUST_ROOTS", roots)
	w := servertest.NewNominationWorld(t)
	rep := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + servertest.RepTaxCode})

	t.Run("ErrNoCertifiedEmail", func(t *testing.T) {
		w.F.Exec("UPDATE tenants SET certified_email = NULL WHERE id = ?", w.Company)
		defer w.F.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.Company)
		if c := w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false)).StartNomination.Code(); c != "TENANT_HAS_NO_CERTIFIED_EMAIL" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), servertest.StartNominationMutation, w.Input(w.Nominee, w.Master, servertest.Mario(), false)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenAdminOfAnotherProduct", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), servertest.StartNominationMutation, w.Input(w.Nominee, w.Master, servertest.Mario(), false)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenParentAdmin", func(t *testing.T) {
		w.F.Assign(w.HoldingAdmin, w.Holding, "cob", "master")
		if c := w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), servertest.StartNominationMutation, w.Input(w.Nominee, w.Master, servertest.Mario(), false)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNominationNotRequired", func(t *testing.T) {
		if c := w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Operatore, servertest.Mario(), false)).StartNomination.Code(); c != "NOMINATION_NOT_REQUIRED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTaxCode", func(t *testing.T) {
		bad := servertest.Mario()
		bad["taxCode"] = "RSSMRA85T10A562X"
		out := w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, bad, false)).StartNomination
		if out.Code() != "INVALID_TAX_CODE" || strings.Join(out.UserErrors[0].Field, ".") != "input.legalRepresentative.taxCode" {
			t.Fatalf("userErrors = %+v", out.UserErrors)
		}
	})
	t.Run("ErrUserNotVisible", func(t *testing.T) {
		stranger := w.F.User("stranger", w.Other)
		if c := w.Start(t, w.CobAdmin, w.Input(stranger, w.Master, servertest.Mario(), false)).StartNomination.Code(); c != "USER_NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	if n := w.Int64(t, "SELECT count(*) FROM nominations"); n != 0 {
		t.Fatalf("failed attempts created %d nominations", n)
	}

	var first servertest.StartedNomination
	var token string
	t.Run("OK", func(t *testing.T) {
		first = w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false))
		n := first.StartNomination.Nomination
		if first.StartNomination.Code() != "" || n == nil || n.Status != "PENDING" || n.SentTo != "filiale@pec.example.test" ||
			n.LegalRepresentative.TaxCode != servertest.RepTaxCode || n.User.Username != "anna.verdi" || n.RequestedBy.Username != "cob.admin" ||
			!strings.HasPrefix(n.Reference, "NOM-") {
			t.Fatalf("payload = %+v", first.StartNomination)
		}
		token = w.LinkToken(t)
		if got := w.Text(t, "SELECT to_address || ' ' || language || ' ' || (data->>'request') FROM email_outbox WHERE template = 'nomination'"); got != "filiale@pec.example.test it "+n.Reference {
			t.Fatalf("email = %q", got)
		}
		if n := w.Int64(t, "SELECT count(*) FROM nominations WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token); n != 1 {
			t.Fatal("the token must be stored hashed")
		}
		if got := w.Text(t, "SELECT string_agg(action, ',' ORDER BY id) FROM audit_events"); got != "tenant.legal_representative.change,nomination.start" {
			t.Fatalf("audit = %s", got)
		}
		if got := w.Text(t, "SELECT string_agg(type, ',' ORDER BY id) FROM events"); got != "TENANT_UPDATED,NOMINATION_CREATED" {
			t.Fatalf("events = %s", got)
		}
		if got := w.Text(t, "SELECT legal_rep_tax_code FROM tenants WHERE id = ?", w.Company); got != servertest.RepTaxCode {
			t.Fatalf("legal representative not recorded: %s", got)
		}
	})
	t.Run("ErrAlreadyPending", func(t *testing.T) {
		if c := w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false)).StartNomination.Code(); c != "NOMINATION_PENDING" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrLegalRepresentativeChangeNeedsConfirmation", func(t *testing.T) {
		other := map[string]any{"givenName": "Anna", "familyName": "Bianchi", "taxCode": "BNCNNA80A41B157U"}
		if c := w.Start(t, w.CobAdmin, w.Input(w.Nominee2, w.Master, other, false)).StartNomination.Code(); c != "LEGAL_REPRESENTATIVE_CHANGE_NEEDS_CONFIRMATION" {
			t.Fatalf("code = %q", c)
		}
		if got := w.Text(t, "SELECT legal_rep_tax_code FROM tenants WHERE id = ?", w.Company); got != servertest.RepTaxCode {
			t.Fatalf("an unconfirmed change was recorded: %s", got)
		}
	})

	form := formPDF(t, w, token)
	t.Run("FormIsTheIssuedPDF", func(t *testing.T) {
		sum := sha256.Sum256(form)
		if hex.EncodeToString(sum[:]) != first.StartNomination.Nomination.FormSha256 || !bytes.HasPrefix(form, []byte("%PDF-1.4")) {
			t.Fatal("the served form is not the issued one")
		}
		if !bytes.Equal(form, formPDF(t, w, token)) {
			t.Fatal("the form changes between downloads")
		}
		if !bytes.Contains(form, []byte(first.StartNomination.Nomination.ContentSha256)) {
			t.Fatal("the form does not print its content hash")
		}
	})
	t.Run("LinkPage", func(t *testing.T) {
		res, body := servertest.Get(t, w.M.URL()+"/nominations/"+token)
		if res.StatusCode != 200 || !strings.Contains(body, first.StartNomination.Nomination.Reference) ||
			!strings.Contains(body, `href="/nominations/`+token+`/form.pdf"`) || !strings.Contains(body, "Legale rappresentante") {
			t.Fatalf("page: %d %s", res.StatusCode, body)
		}
	})

	// A second, confirmed nomination with the same representative gives
	// another request's form for the wrong-form case.
	second := w.Start(t, w.CobAdmin, w.Input(w.Nominee2, w.Master, servertest.Mario(), false))
	token2 := w.LinkToken(t)
	form2 := formPDF(t, w, token2)
	if second.StartNomination.Code() != "" || bytes.Equal(form, form2) {
		t.Fatalf("second nomination: %+v", second.StartNomination.UserErrors)
	}

	refused := func(t *testing.T, body []byte, status int, reason string) {
		t.Helper()
		a := upload(t, w, token, body, "application/pkcs7-mime")
		if a.status != status || a.Error.Reason != reason {
			t.Fatalf("status %d, answer %s", a.status, a.body)
		}
	}
	t.Run("ErrTamperedContent", func(t *testing.T) {
		der := nominationtest.Sign(t, form, rep, nominationtest.SignOptions{})
		i := bytes.Index(der, []byte("anna.verdi"))
		der[i] = 'e'
		refused(t, der, 422, "SIGNATURE_INVALID")
	})
	t.Run("ErrSignedByAnotherKey", func(t *testing.T) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		refused(t, nominationtest.Sign(t, form, rep, nominationtest.SignOptions{Key: key}), 422, "SIGNATURE_INVALID")
	})
	t.Run("ErrCertificateExpired", func(t *testing.T) {
		old := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + servertest.RepTaxCode,
			NotBefore: time.Now().AddDate(-3, 0, 0), NotAfter: time.Now().AddDate(0, -1, 0)})
		refused(t, nominationtest.Sign(t, form, old, nominationtest.SignOptions{}), 422, "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME")
	})
	t.Run("ErrTaxCodeMismatch", func(t *testing.T) {
		someone := ca.Issue(t, nominationtest.Holder{CommonName: "Luca Bianchi", SerialNumber: "TINIT-BNCLCU80A01B157T"})
		refused(t, nominationtest.Sign(t, form, someone, nominationtest.SignOptions{}), 422, "TAX_CODE_MISMATCH")
	})
	t.Run("ErrWrongForm", func(t *testing.T) {
		refused(t, nominationtest.Sign(t, form2, rep, nominationtest.SignOptions{}), 422, "FORM_MISMATCH")
	})
	t.Run("ErrUntrustedIssuer", func(t *testing.T) {
		forged := nominationtest.NewCA(t, "Rogue CA").Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + servertest.RepTaxCode})
		refused(t, nominationtest.Sign(t, form, forged, nominationtest.SignOptions{}), 422, "CERTIFICATE_UNTRUSTED")
	})
	t.Run("ErrNotASignature", func(t *testing.T) {
		refused(t, form, 422, "SIGNATURE_MALFORMED")
	})
	if n := w.Int64(t, "SELECT count(*) FROM role_assignments WHERE user_id = ? AND role_id = ?", w.Nominee, w.Master); n != 0 {
		t.Fatal("a refused upload granted the role")
	}
	// Six refusals are audited; the malformed file is refused before the link is looked up.
	if n := w.Int64(t, "SELECT count(*) FROM audit_events WHERE action = 'nomination.signature_refused'"); n != 6 {
		t.Fatalf("refused uploads audited: %d", n)
	}

	t.Run("OK/SignedUpload", func(t *testing.T) {
		der := nominationtest.Sign(t, form, rep, nominationtest.SignOptions{})
		// Uploaded as base64 text in a multipart form, as a browser does.
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "modulo.pdf.p7m")
		if _, err := fw.Write([]byte(base64.StdEncoding.EncodeToString(der))); err != nil {
			t.Fatal(err)
		}
		mw.Close()
		a := upload(t, w, token, buf.Bytes(), mw.FormDataContentType())
		fp := sha256.Sum256(rep.Cert.Raw)
		if a.status != 200 || a.Status != "APPROVED" || a.Signer.TaxCode != servertest.RepTaxCode || a.Signer.SHA256Fingerprint != hex.EncodeToString(fp[:]) {
			t.Fatalf("status %d, answer %s", a.status, a.body)
		}
		if n := w.Int64(t, "SELECT count(*) FROM role_assignments WHERE user_id = ? AND role_id = ? AND tenant_id = ? AND status = 'ACTIVE'",
			w.Nominee, w.Master, w.Company); n != 1 {
			t.Fatal("the role was not granted")
		}
		var out struct {
			Node struct {
				Status         string
				Signer         struct{ Subject, Issuer, SerialNumber, Sha256Fingerprint, TaxCode, NotAfter, SignedAt string }
				RoleAssignment struct{ Status string }
			}
		}
		w.M.GQL(t, w.M.MustLogin(t, w.CobAdmin), `query($id: ID!) { node(id: $id) { ... on Nomination { status
			signer { subject issuer serialNumber sha256Fingerprint taxCode notAfter signedAt } roleAssignment { status } } } }`,
			map[string]any{"id": first.StartNomination.Nomination.ID}).Decode(t, &out)
		s := out.Node.Signer
		if out.Node.Status != "APPROVED" || !strings.Contains(s.Subject, "CN=Mario Rossi") || !strings.Contains(s.Issuer, "Test Qualified CA") ||
			s.SerialNumber == "" || s.TaxCode != servertest.RepTaxCode || s.SignedAt == "" || out.Node.RoleAssignment.Status != "ACTIVE" {
			t.Fatalf("nomination = %+v", out.Node)
		}
		if got := w.Text(t, "SELECT string_agg(type, ',' ORDER BY id) FROM events WHERE id > (SELECT max(id) FROM events WHERE type = 'NOMINATION_CREATED')"); got != "ROLE_ASSIGNMENT_CREATED,NOMINATION_APPROVED" {
			t.Fatalf("events = %s", got)
		}
		if got := w.Text(t, "SELECT actor_label || ' ' || (after->>'signerTaxCode') FROM audit_events WHERE action = 'nomination.approve'"); got != "legal representative "+servertest.RepTaxCode+" "+servertest.RepTaxCode {
			t.Fatalf("audit = %s", got)
		}
		if n := w.Int64(t, "SELECT failed_uploads FROM nominations WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token); n != 6 {
			t.Fatalf("failed uploads = %d", n)
		}
	})
	t.Run("ErrReusedToken", func(t *testing.T) {
		a := upload(t, w, token, nominationtest.Sign(t, form, rep, nominationtest.SignOptions{}), "application/pkcs7-mime")
		if a.status != 410 || a.Error.Reason != "NOMINATION_CLOSED" {
			t.Fatalf("status %d, answer %s", a.status, a.body)
		}
		if res, _ := servertest.Get(t, w.M.URL()+"/nominations/"+token+"/form.pdf"); res.StatusCode != 410 {
			t.Fatalf("form of a closed request: %d", res.StatusCode)
		}
		if n := w.Int64(t, "SELECT count(*) FROM role_assignments WHERE user_id = ? AND role_id = ?", w.Nominee, w.Master); n != 1 {
			t.Fatal("a reused link granted again")
		}
	})
	t.Run("ErrUnknownToken", func(t *testing.T) {
		a := upload(t, w, "no-such-token", []byte{0x30}, "application/octet-stream")
		if a.status != 404 && a.status != 422 {
			t.Fatalf("status %d", a.status)
		}
		if res, _ := servertest.Get(t, w.M.URL()+"/nominations/no-such-token/form.pdf"); res.StatusCode != 404 {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("ErrExpiredRequest", func(t *testing.T) {
		w.F.Exec("UPDATE nominations SET expires_at = now() - interval '1 second' WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token2)
		a := upload(t, w, token2, nominationtest.Sign(t, form2, rep, nominationtest.SignOptions{}), "application/pkcs7-mime")
		if a.status != 410 || a.Error.Reason != "NOMINATION_EXPIRED" {
			t.Fatalf("status %d, answer %s", a.status, a.body)
		}
		if got := w.Text(t, "SELECT status FROM nominations WHERE token_hash = sha256(convert_to(?, 'UTF8'))", token2); got != "EXPIRED" {
			t.Fatalf("status = %s", got)
		}
		if n := w.Int64(t, "SELECT count(*) FROM events WHERE type = 'NOMINATION_EXPIRED'"); n != 1 {
			t.Fatalf("expiry events = %d", n)
		}
		if n := w.Int64(t, "SELECT count(*) FROM role_assignments WHERE user_id = ? AND role_id = ?", w.Nominee2, w.Master); n != 0 {
			t.Fatal("an expired request granted the role")
		}
	})
	t.Run("ErrTooManyFailedUploads", func(t *testing.T) {
		w.Start(t, w.CobAdmin, w.Input(w.Nominee2, w.Master, servertest.Mario(), false))
		tok := w.LinkToken(t)
		w.F.Exec("UPDATE nominations SET failed_uploads = 20 WHERE token_hash = sha256(convert_to(?, 'UTF8'))", tok)
		a := upload(t, w, tok, nominationtest.Sign(t, formPDF(t, w, tok), rep, nominationtest.SignOptions{}), "application/pkcs7-mime")
		if a.status != 429 || a.Error.Reason != "TOO_MANY_FAILED_UPLOADS" {
			t.Fatalf("status %d, answer %s", a.status, a.body)
		}
		w.F.Exec("UPDATE nominations SET status = 'CANCELLED' WHERE token_hash = sha256(convert_to(?, 'UTF8'))", tok)
	})
	t.Run("ExpirySweep", func(t *testing.T) {
		third := w.Start(t, w.CobAdmin, w.Input(w.Nominee2, w.Master, servertest.Mario(), false))
		if third.StartNomination.Code() != "" {
			t.Fatalf("%+v", third.StartNomination.UserErrors)
		}
		w.F.Exec("UPDATE nominations SET expires_at = now() - interval '1 second' WHERE status = 'PENDING'")
		w.M.Jobs().Run(context.Background(), time.Now())
		if n := w.Int64(t, "SELECT count(*) FROM nominations WHERE status = 'PENDING'"); n != 0 {
			t.Fatalf("pending after the sweep: %d", n)
		}
	})
	t.Run("Nominations", func(t *testing.T) {
		list := func(viewer int64, status any) *servertest.Response {
			return w.M.GQL(t, w.M.MustLogin(t, viewer), `query($t: ID!, $s: NominationStatus) {
				nominations(tenantId: $t, status: $s, first: 10) { totalCount nodes { status user { username } } } }`,
				map[string]any{"t": servertest.GlobalID("Tenant", w.Company), "s": status})
		}
		var out struct {
			Nominations struct {
				TotalCount int
				Nodes      []struct{ Status string }
			}
		}
		list(w.CobAdmin, nil).Decode(t, &out)
		if out.Nominations.TotalCount != 4 || out.Nominations.Nodes[0].Status != "EXPIRED" || out.Nominations.Nodes[1].Status != "CANCELLED" || out.Nominations.Nodes[3].Status != "APPROVED" {
			t.Fatalf("nominations = %+v", out.Nominations)
		}
		list(w.HoldingAdmin, "EXPIRED").Decode(t, &out)
		if out.Nominations.TotalCount != 2 {
			t.Fatalf("expired = %+v", out.Nominations)
		}
		if c := list(w.OtherAdmin, nil).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant's admin: %q", c)
		}
		if c := list(w.Technician, nil).Code(); c != "FORBIDDEN" {
			t.Fatalf("operator: %q", c)
		}
	})
}

func TestRejectNomination(t *testing.T) {
	w := servertest.NewNominationWorld(t)
	w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false))
	token := w.LinkToken(t)

	t.Run("OKByLegalRepresentative", func(t *testing.T) {
		var out servertest.Rejected
		w.M.GQL(t, "", servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"token": token, "reason": "Not our employee"}}).Decode(t, &out)
		if out.RejectNomination.Code() != "" || *out.RejectNomination.Status != "REJECTED" || out.RejectNomination.Nomination != nil {
			t.Fatalf("payload = %+v", out.RejectNomination)
		}
		if got := w.Text(t, "SELECT actor_label || ':' || (after->>'reason') FROM audit_events WHERE action = 'nomination.reject'"); got != "legal representative "+servertest.RepTaxCode+":Not our employee" {
			t.Fatalf("audit = %s", got)
		}
		if n := w.Int64(t, "SELECT count(*) FROM events WHERE type = 'NOMINATION_REJECTED'"); n != 1 {
			t.Fatalf("events = %d", n)
		}
	})
	t.Run("ErrTokenReused", func(t *testing.T) {
		var out servertest.Rejected
		w.M.GQL(t, "", servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"token": token}}).Decode(t, &out)
		if out.RejectNomination.Code() != "NOMINATION_CLOSED" {
			t.Fatalf("payload = %+v", out.RejectNomination)
		}
	})
	t.Run("ErrInvalidToken", func(t *testing.T) {
		var out servertest.Rejected
		w.M.GQL(t, "", servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"token": "forged"}}).Decode(t, &out)
		if out.RejectNomination.Code() != "NOMINATION_LINK_INVALID" {
			t.Fatalf("payload = %+v", out.RejectNomination)
		}
	})
	t.Run("OKOverHTTPForm", func(t *testing.T) {
		w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false))
		tok := w.LinkToken(t)
		req, _ := http.NewRequest(http.MethodPost, w.M.URL()+"/nominations/"+tok+"/reject", strings.NewReader("reason=Wrong+person"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		a := doLink(t, req)
		if a.status != 200 || !strings.Contains(string(a.body), "REJECTED") {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
	})

	w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false))
	id := servertest.GlobalID("Nomination", w.Int64(t, "SELECT max(id) FROM nominations"))
	cancel := func(viewer int64) servertest.Rejected {
		var out servertest.Rejected
		w.M.GQL(t, w.M.MustLogin(t, viewer), servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"nominationId": id, "reason": "typo"}}).Decode(t, &out)
		return out
	}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if c := cancel(w.OtherAdmin).RejectNomination.Code(); c != "NOMINATION_NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenReadOnlyAncestor", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"nominationId": id, "reason": "typo"}}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("OKCancelledByAdmin", func(t *testing.T) {
		out := cancel(w.CobAdmin).RejectNomination
		if out.Code() != "" || out.Nomination == nil || out.Nomination.Status != "CANCELLED" || *out.Nomination.Reason != "typo" {
			t.Fatalf("payload = %+v", out)
		}
		if n := w.Int64(t, "SELECT count(*) FROM events WHERE type = 'NOMINATION_CANCELLED'"); n != 1 {
			t.Fatalf("events = %d", n)
		}
	})
	t.Run("ErrAlreadyClosed", func(t *testing.T) {
		if c := cancel(w.CobAdmin).RejectNomination.Code(); c != "NOMINATION_CLOSED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNeitherTokenNorID", func(t *testing.T) {
		var out servertest.Rejected
		w.M.GQL(t, "", servertest.RejectNominationMutation, map[string]any{"input": map[string]any{}}).Decode(t, &out)
		if out.RejectNomination.Code() != "TOKEN_OR_NOMINATION_ID" {
			t.Fatalf("payload = %+v", out.RejectNomination)
		}
	})
}

func TestLegalRepresentativeChange(t *testing.T) {
	w := servertest.NewNominationWorld(t)
	w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false))
	other := map[string]any{"givenName": "Anna", "familyName": "Bianchi", "taxCode": "BNCNNA80A41B157U", "email": "anna@ente.example.test"}
	out := w.Start(t, w.CobAdmin, w.Input(w.Nominee2, w.Master, other, true)).StartNomination
	if out.Code() != "" || out.Nomination.LegalRepresentative.TaxCode != "BNCNNA80A41B157U" {
		t.Fatalf("payload = %+v", out)
	}
	var tenant struct {
		Node struct {
			LegalRepresentative *struct{ GivenName, TaxCode, Email string }
		}
	}
	w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), `query($id: ID!) { node(id: $id) { ... on Tenant { legalRepresentative { givenName taxCode email } } } }`,
		map[string]any{"id": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &tenant)
	if r := tenant.Node.LegalRepresentative; r == nil || r.TaxCode != "BNCNNA80A41B157U" || r.Email != "anna@ente.example.test" {
		t.Fatalf("legal representative = %+v", r)
	}
	if got := w.Text(t, "SELECT (before->>'taxCode') || '>' || (after->>'taxCode') FROM audit_events WHERE action = 'tenant.legal_representative.change' ORDER BY id DESC LIMIT 1"); got != servertest.RepTaxCode+">BNCNNA80A41B157U" {
		t.Fatalf("audit = %s", got)
	}
	// The technician (restricted role) does not see the representative.
	w.M.GQL(t, w.M.MustLogin(t, w.Technician), `query($id: ID!) { node(id: $id) { ... on Tenant { legalRepresentative { givenName } } } }`,
		map[string]any{"id": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &tenant)
	if tenant.Node.LegalRepresentative != nil {
		t.Fatal("a restricted role sees the legal representative")
	}
}
