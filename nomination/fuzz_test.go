package nomination_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenantadmin/domain"
	"tenantadmin/nomination"
	"tenantadmin/nomination/nominationtest"
)

// testdata/form7.pdf.p7m is a CAdES signature made by a tool other than
// ours (OpenSSL 3: `openssl cms -sign -binary -nodetach -cades -md sha256
// -outform DER`) over testdata/form7.pdf, with a certificate for the tax
// code RSSMRA85T10A562S issued by testdata/openssl-ca.pem (valid to 2036).
func realSignature(tb testing.TB) (p7m, form []byte, roots *x509.CertPool) {
	tb.Helper()
	var err error
	if p7m, err = os.ReadFile("testdata/form7.pdf.p7m"); err != nil {
		tb.Fatal(err)
	}
	if form, err = os.ReadFile("testdata/form7.pdf"); err != nil {
		tb.Fatal(err)
	}
	caPEM, err := os.ReadFile("testdata/openssl-ca.pem")
	if err != nil {
		tb.Fatal(err)
	}
	roots = x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		tb.Fatal("no CA certificate")
	}
	return p7m, form, roots
}

func TestVerifyOpenSSLSignature(t *testing.T) {
	p7m, form, roots := realSignature(t)
	want := nomination.Expectation{IssuedForm: form, LegalRepresentativeTaxCode: repTaxCode, Roots: roots, Now: time.Now()}
	for name, body := range map[string][]byte{
		"DER":    p7m,
		"PEM":    pem.EncodeToMemory(&pem.Block{Type: "CMS", Bytes: p7m}),
		"Base64": []byte(base64.StdEncoding.EncodeToString(p7m)),
	} {
		t.Run(name, func(t *testing.T) {
			der, err := nomination.DecodeSignature(body)
			if err != nil {
				t.Fatal(err)
			}
			s, err := nomination.Verify(der, want)
			if err != nil {
				t.Fatal(err)
			}
			if s.TaxCode != repTaxCode || s.Subject == "" {
				t.Fatalf("signer %+v", s)
			}
		})
	}
	t.Run("ErrOtherForm", func(t *testing.T) {
		other := want
		other.IssuedForm = append([]byte{}, form...)
		other.IssuedForm[len(other.IssuedForm)-2] ^= 1
		if _, err := nomination.Verify(p7m, other); reasonOf(err) != nomination.ReasonFormMismatch {
			t.Fatalf("err %v", err)
		}
	})
}

func reasonOf(err error) string {
	if e := domain.AsError(err); e != nil {
		return e.Reason
	}
	return ""
}

// FuzzVerify feeds uploads through what the server does with them:
// whatever the bytes, decoding and verification return either a result or
// a BAD_USER_INPUT error with a known reason, never panic, and accept
// nothing but an untouched signature of the issued form.
//
//	go test ./nomination -run '^$' -fuzz FuzzVerify -fuzztime 60s -fuzzminimizetime 5s
//
// (minimizing a new input of several kilobytes re-verifies it per byte: with
// the default minimize time of 60 s the fuzzer seems stalled at first)
func FuzzVerify(f *testing.F) {
	p7m, form, roots := realSignature(f)
	ca := nominationtest.NewCA(f, "Fuzz CA")
	rep := ca.Issue(f, nominationtest.Holder{CommonName: "Mario Rossi", SerialNumber: "TINIT-" + repTaxCode})
	ours := nominationtest.Sign(f, form, rep, nominationtest.SignOptions{})
	for _, seed := range [][]byte{
		p7m, ours,
		pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: p7m}),
		[]byte(base64.StdEncoding.EncodeToString(p7m)),
		p7m[:len(p7m)/2],
		{0x30, 0x80, 0x00, 0x00},
		{0x30, 0x84, 0xff, 0xff, 0xff, 0xff},
		[]byte("-----BEGIN CMS-----\n-----END CMS-----\n"),
		{},
	} {
		f.Add(seed)
	}
	reasons := map[string]bool{}
	for _, r := range []string{nomination.ReasonMalformed, nomination.ReasonDetached, nomination.ReasonSignerCount,
		nomination.ReasonNoCertificate, nomination.ReasonNoSignedAttributes, nomination.ReasonWeakAlgorithm,
		nomination.ReasonCertificateNotValid, nomination.ReasonSignatureInvalid, nomination.ReasonFormMismatch,
		nomination.ReasonUntrusted, nomination.ReasonSigningCertificate, nomination.ReasonTaxCodeMismatch} {
		reasons[r] = true
	}
	pool := roots.Clone()
	pool.AddCert(ca.Cert)
	now := time.Now()
	f.Fuzz(func(t *testing.T, body []byte) {
		refused := func(what string, err error) {
			e := domain.AsError(err)
			if e == nil || e.Code != domain.EINVALID || !reasons[e.Reason] || e.Message == "" || e.Field != "signature" {
				t.Fatalf("%s: not a clear refusal: %#v", what, err)
			}
		}
		der, err := nomination.DecodeSignature(body)
		if err != nil {
			refused("DecodeSignature", err)
			return
		}
		if len(der) == 0 || der[0] != 0x30 || len(der) > nomination.MaxSignatureSize {
			t.Fatalf("DecodeSignature returned %d bytes starting %x", len(der), der[:min(len(der), 1)])
		}
		s, err := nomination.Verify(der, nomination.Expectation{IssuedForm: form, LegalRepresentativeTaxCode: repTaxCode, Roots: pool, Now: now})
		if err != nil {
			refused("Verify", err)
			return
		}
		if s.TaxCode != repTaxCode {
			t.Fatalf("accepted a signature of tax code %q", s.TaxCode)
		}
	})
}

// TestBERSeedWithinItsBudget (issue 14.6) runs the FuzzVerify seed that
// once kept a CPU busy for minutes (a BER child overrunning its parent)
// under a time budget of its own: with the structure check it is refused
// in microseconds; without it the test fails after the budget, instead of
// the whole package hitting go test's 10-minute timeout.
func TestBERSeedWithinItsBudget(t *testing.T) {
	const budget = 10 * time.Second
	raw, err := os.ReadFile("testdata/fuzz/FuzzVerify/ber-child-overruns-parent")
	if err != nil {
		t.Fatal(err)
	}
	// "go test fuzz v1\n[]byte(\"…\")\n"
	_, lit, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	quoted, ok := strings.CutPrefix(lit, "[]byte(")
	quoted, ok2 := strings.CutSuffix(quoted, ")")
	body, err := strconv.Unquote(quoted)
	if !ok || !ok2 || err != nil {
		t.Fatalf("seed file not in the go test fuzz v1 format: %v", err)
	}
	_, form, roots := realSignature(t)
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		der, err := nomination.DecodeSignature([]byte(body))
		if err == nil {
			_, err = nomination.Verify(der, nomination.Expectation{IssuedForm: form, LegalRepresentativeTaxCode: repTaxCode, Roots: roots, Now: time.Now()})
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Logf("refused after %v: %v", time.Since(start), err)
		if reasonOf(err) != nomination.ReasonMalformed {
			t.Fatalf("the overrunning BER seed: %v, want reason %s", err, nomination.ReasonMalformed)
		}
	case <-time.After(budget):
		t.Fatalf("the overrunning BER seed still being verified after %v: the BER structure check is gone", budget)
	}
}
