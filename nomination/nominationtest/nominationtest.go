// Package nominationtest builds what a legal representative's signing
// software would: a certification authority, qualified-looking certificates
// and CAdES .p7m files, all generated in the test with crypto/x509.
package nominationtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// CA is a test certification authority.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

var serial int64 = 1000

// NewCA creates a self-signed CA valid from a year ago for ten years.
func NewCA(tb testing.TB, name string) *CA {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name, Organization: []string{"Test Trust Service"}, Country: []string{"IT"}},
		NotBefore: time.Now().AddDate(-1, 0, 0), NotAfter: time.Now().AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &CA{Cert: cert, Key: key}
}

// PEM is the CA certificate in PEM, as a trust-list file holds it.
func (ca *CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Holder describes the certificate of a signer.
type Holder struct {
	CommonName string
	// SerialNumber is the subject serialNumber attribute, e.g.
	// "TINIT-RSSMRA85T10A562S"; empty for none.
	SerialNumber string
	NotBefore    time.Time
	NotAfter     time.Time
	// RSA selects an RSA-2048 key (smart-card style) instead of ECDSA P-256.
	RSA bool
}

// Signer is a certificate and its private key.
type Signer struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Issue certifies a new key of the holder. Zero validity dates default to
// a year ago .. a year from now.
func (ca *CA) Issue(tb testing.TB, h Holder) *Signer {
	tb.Helper()
	var key crypto.Signer
	var err error
	if h.RSA {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		tb.Fatal(err)
	}
	if h.NotBefore.IsZero() {
		h.NotBefore = time.Now().AddDate(-1, 0, 0)
	}
	if h.NotAfter.IsZero() {
		h.NotAfter = time.Now().AddDate(1, 0, 0)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: h.CommonName, SerialNumber: h.SerialNumber, Country: []string{"IT"}},
		NotBefore:    h.NotBefore, NotAfter: h.NotAfter,
		KeyUsage: x509.KeyUsageContentCommitment | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &Signer{Cert: cert, Key: key}
}

// SignOptions vary how a .p7m is made.
type SignOptions struct {
	// Key signs instead of the certificate's own key (a forged signature).
	Key crypto.Signer
	// SigningCertificateOf names this certificate in the
	// signing-certificate-v2 attribute instead of the signer's.
	SigningCertificateOf *x509.Certificate
	// Chain adds intermediate/root certificates to the file.
	Chain []*x509.Certificate
}

type essCertIDv2 struct {
	CertHash []byte
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// Sign makes a CAdES-BES enveloping .p7m (DER) of content: SHA-256,
// signed attributes with content type, message digest, signing time and
// signing-certificate-v2.
func Sign(tb testing.TB, content []byte, s *Signer, opt SignOptions) []byte {
	tb.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		tb.Fatal(err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	named := s.Cert
	if opt.SigningCertificateOf != nil {
		named = opt.SigningCertificateOf
	}
	h := sha256.Sum256(named.Raw)
	attr := pkcs7.Attribute{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47},
		Value: signingCertificateV2{Certs: []essCertIDv2{{CertHash: h[:]}}}}
	key := crypto.PrivateKey(s.Key)
	if opt.Key != nil {
		key = opt.Key
	}
	if err := sd.AddSignerChain(s.Cert, key, opt.Chain, pkcs7.SignerInfoConfig{ExtraSignedAttributes: []pkcs7.Attribute{attr}}); err != nil {
		tb.Fatal(err)
	}
	der, err := sd.Finish()
	if err != nil {
		tb.Fatal(err)
	}
	return der
}
