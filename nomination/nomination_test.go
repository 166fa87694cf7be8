package nomination_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenantadmin/domain"
	"tenantadmin/nomination"
	"tenantadmin/nomination/nominationtest"
)

const repTaxCode = "RSSMRA85T10A562S"

func form(id int64) domain.NominationForm {
	at := time.Date(2026, 10, 5, 9, 30, 12, 0, time.UTC)
	return domain.NominationForm{
		RequestID: id, TenantName: "Comune di Brescia (Settore Lavoro)", TenantTaxCode: "00761890177",
		NomineeName: "Anna Verdi", NomineeUsername: "anna.verdi", NomineeTaxCode: "VRDNNA80A41B157Y",
		ProductName: "COB – Comunicazioni obbligatorie", RoleName: "Master",
		LegalRepresentative: domain.LegalRepresentative{GivenName: "Mario", FamilyName: "Rossi", TaxCode: repTaxCode},
		RequestedAt:         at, ExpiresAt: at.Add(domain.NominationTTL),
	}
}

func TestFormPDF(t *testing.T) {
	pdf := nomination.FormPDF(form(42), "it")
	t.Run("Deterministic", func(t *testing.T) {
		if !bytes.Equal(pdf, nomination.FormPDF(form(42), "it")) {
			t.Fatal("the same request must render the same bytes")
		}
		if bytes.Equal(pdf, nomination.FormPDF(form(43), "it")) {
			t.Fatal("another request must render other bytes")
		}
	})
	t.Run("Structure", func(t *testing.T) {
		if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
			t.Fatalf("not a PDF 1.4 file: %q ... %q", pdf[:12], pdf[len(pdf)-8:])
		}
		// Every xref offset must point at its object.
		xref := bytes.LastIndex(pdf, []byte("\nxref\n")) + 1
		lines := strings.Split(string(pdf[xref:]), "\n")
		for i := 1; i <= 7; i++ {
			off, err := strconv.Atoi(lines[2+i][:10])
			if err != nil {
				t.Fatal(err)
			}
			want := []byte(strconv.Itoa(i) + " 0 obj\n")
			if !bytes.HasPrefix(pdf[off:], want) {
				t.Fatalf("xref entry %d points at %q", i, pdf[off:off+12])
			}
		}
	})
	t.Run("Content", func(t *testing.T) {
		hash := hex.EncodeToString(nomination.ContentHash(form(42)))
		for _, want := range []string{"NOM-00000042", "Anna Verdi", "anna.verdi", "VRDNNA80A41B157Y", "Master",
			`Mario Rossi \(RSSMRA85T10A562S\)`, "2026-10-05", hash, `COB \226 Comunicazioni`} {
			if !bytes.Contains(pdf, []byte(want)) {
				t.Errorf("form lacks %q", want)
			}
		}
	})
	t.Run("CanonicalHasNoForgedFields", func(t *testing.T) {
		f := form(1)
		f.NomineeName = "Eve\nrole: Platform owner"
		if c := string(nomination.Canonical(f)); strings.Count(c, "\nrole: ") != 1 {
			t.Fatalf("a newline in a value forged a field:\n%s", c)
		}
	})
	t.Run("ReadableByPoppler", func(t *testing.T) {
		bin, err := exec.LookPath("pdftotext")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("pdftotext (poppler-utils) is not installed; CI must check the PDF")
			}
			t.Skip("pdftotext (poppler-utils) not installed")
		}
		path := filepath.Join(t.TempDir(), "form.pdf")
		if err := os.WriteFile(path, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, path, "-").CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Modulo di nomina") || strings.Contains(string(out), "Syntax Error") {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
	})
}

func TestVerify(t *testing.T) {
	ca := nominationtest.NewCA(t, "Test Qualified CA")
	rep := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + repTaxCode})
	issued := nomination.FormPDF(form(7), "it")
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	want := nomination.Expectation{IssuedForm: issued, LegalRepresentativeTaxCode: repTaxCode, Roots: roots, Now: time.Now()}
	reason := func(err error) string {
		if e := domain.AsError(err); e != nil {
			return e.Reason
		}
		return "not a domain error: " + err.Error()
	}

	t.Run("OK", func(t *testing.T) {
		der := nominationtest.Sign(t, issued, rep, nominationtest.SignOptions{})
		s, err := nomination.Verify(der, want)
		if err != nil {
			t.Fatal(err)
		}
		fp := sha256.Sum256(rep.Cert.Raw)
		if s.TaxCode != repTaxCode || s.SHA256Fingerprint != hex.EncodeToString(fp[:]) ||
			!strings.Contains(s.Subject, "CN=Mario Rossi") || !strings.Contains(s.Issuer, "CN=Test Qualified CA") ||
			s.SerialNumber == "" || time.Since(s.SignedAt) > time.Minute {
			t.Fatalf("signer = %+v", s)
		}
	})
	t.Run("OKRSAWithChainAndCNTaxCode", func(t *testing.T) {
		rsaRep := ca.Issue(t, nominationtest.Holder{CommonName: "ROSSI MARIO/" + repTaxCode, RSA: true})
		der := nominationtest.Sign(t, issued, rsaRep, nominationtest.SignOptions{Chain: []*x509.Certificate{ca.Cert}})
		s, err := nomination.Verify(der, want)
		if err != nil || s.TaxCode != repTaxCode {
			t.Fatalf("err %v, signer %+v", err, s)
		}
	})
	t.Run("OKWithoutTaxCodeInCertificate", func(t *testing.T) {
		anon := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi"})
		s, err := nomination.Verify(nominationtest.Sign(t, issued, anon, nominationtest.SignOptions{}), want)
		if err != nil || s.TaxCode != "" {
			t.Fatalf("err %v, signer %+v", err, s)
		}
	})
	t.Run("ErrTamperedContent", func(t *testing.T) {
		der := nominationtest.Sign(t, issued, rep, nominationtest.SignOptions{})
		i := bytes.Index(der, []byte("Anna Verdi"))
		if i < 0 {
			t.Fatal("content not found in the .p7m")
		}
		der[i] = 'E' // "Enna Verdi"
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonSignatureInvalid {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrSignedByAnotherKey", func(t *testing.T) {
		other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		der := nominationtest.Sign(t, issued, rep, nominationtest.SignOptions{Key: other})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonSignatureInvalid {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrCertificateExpired", func(t *testing.T) {
		old := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + repTaxCode,
			NotBefore: time.Now().AddDate(-3, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
		der := nominationtest.Sign(t, issued, old, nominationtest.SignOptions{})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonCertificateNotValid {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrCertificateNotYetValid", func(t *testing.T) {
		future := ca.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", NotBefore: time.Now().AddDate(0, 0, 1)})
		der := nominationtest.Sign(t, issued, future, nominationtest.SignOptions{})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonCertificateNotValid {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrTaxCodeMismatch", func(t *testing.T) {
		someone := ca.Issue(t, nominationtest.Holder{CommonName: "Anna Verdi", SerialNumber: "TINIT-VRDNNA80A41B157Y"})
		der := nominationtest.Sign(t, issued, someone, nominationtest.SignOptions{})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonTaxCodeMismatch {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrWrongForm", func(t *testing.T) {
		der := nominationtest.Sign(t, nomination.FormPDF(form(8), "it"), rep, nominationtest.SignOptions{})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonFormMismatch {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrUntrustedIssuer", func(t *testing.T) {
		rogue := nominationtest.NewCA(t, "Rogue CA")
		forged := rogue.Issue(t, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + repTaxCode})
		der := nominationtest.Sign(t, issued, forged, nominationtest.SignOptions{})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonUntrusted {
			t.Fatalf("reason = %s", reason(err))
		}
		noRoots := want
		noRoots.Roots = nil
		if _, err := nomination.Verify(der, noRoots); err != nil {
			t.Fatalf("without a trust list the chain is not checked: %v", err)
		}
	})
	t.Run("ErrSigningCertificateAttribute", func(t *testing.T) {
		der := nominationtest.Sign(t, issued, rep, nominationtest.SignOptions{SigningCertificateOf: ca.Cert})
		if _, err := nomination.Verify(der, want); reason(err) != nomination.ReasonSigningCertificate {
			t.Fatalf("reason = %s", reason(err))
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, body := range [][]byte{{0x30, 0x03, 0x01}, []byte("not a signature"), issued} {
			der, err := nomination.DecodeSignature(body)
			if err == nil {
				_, err = nomination.Verify(der, want)
			}
			if reason(err) != nomination.ReasonMalformed {
				t.Fatalf("%q: reason = %s", body[:min(len(body), 10)], reason(err))
			}
		}
	})
}

func TestDecodeSignature(t *testing.T) {
	der := []byte{0x30, 0x82, 0x00, 0x01, 0x02}
	for name, body := range map[string][]byte{
		"DER":    der,
		"PEM":    pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: der}),
		"Base64": []byte(base64.StdEncoding.EncodeToString(der) + "\r\n"),
	} {
		got, err := nomination.DecodeSignature(body)
		if err != nil || !bytes.Equal(got, der) {
			t.Errorf("%s: %x %v", name, got, err)
		}
	}
	if _, err := nomination.DecodeSignature(bytes.Repeat([]byte{0x30}, nomination.MaxSignatureSize+1)); err == nil {
		t.Error("an oversized file must be refused")
	}
}

func TestCertificateTaxCode(t *testing.T) {
	for _, c := range []struct{ serial, cn, want string }{
		{"TINIT-RSSMRA85T10A562S", "Mario Rossi", "RSSMRA85T10A562S"},
		{"IT:RSSMRA85T10A562S", "", "RSSMRA85T10A562S"},
		{"TINFR-1234567890123", "Jean Dupont", "1234567890123"},
		{"", "ROSSI MARIO/RSSMRA85T10A562S", "RSSMRA85T10A562S"},
		{"", "rssmra85t10a562s", "RSSMRA85T10A562S"},
		{"", "Mario Rossi", ""},
		{"", "XRSSMRA85T10A562S", ""},
	} {
		cert := &x509.Certificate{Subject: pkix.Name{SerialNumber: c.serial, CommonName: c.cn}}
		if got := nomination.CertificateTaxCode(cert); got != c.want {
			t.Errorf("%q / %q: got %q, want %q", c.serial, c.cn, got, c.want)
		}
	}
}
