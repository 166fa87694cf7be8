package nomination

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/smallstep/pkcs7"

	"tenantadmin/domain"
)

// MaxSignatureSize bounds an uploaded .p7m: the form is a few kilobytes and
// a signature with its certificate chain some more.
const MaxSignatureSize = 1 << 20

// Reasons of a refused signature, as userError codes.
const (
	ReasonMalformed           = "SIGNATURE_MALFORMED"
	ReasonDetached            = "SIGNATURE_DETACHED"
	ReasonSignerCount         = "SIGNATURE_SIGNER_COUNT"
	ReasonNoCertificate       = "SIGNER_CERTIFICATE_MISSING"
	ReasonNoSignedAttributes  = "SIGNED_ATTRIBUTES_MISSING"
	ReasonWeakAlgorithm       = "SIGNATURE_ALGORITHM_WEAK"
	ReasonCertificateNotValid = "CERTIFICATE_NOT_VALID_AT_SIGNING_TIME"
	ReasonSignatureInvalid    = "SIGNATURE_INVALID"
	ReasonFormMismatch        = "FORM_MISMATCH"
	ReasonUntrusted           = "CERTIFICATE_UNTRUSTED"
	ReasonSigningCertificate  = "SIGNING_CERTIFICATE_MISMATCH"
	ReasonTaxCodeMismatch     = "TAX_CODE_MISMATCH"
)

func refuse(reason, format string, args ...any) *domain.Error {
	return &domain.Error{Code: domain.EINVALID, Field: "signature", Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// DecodeSignature accepts a .p7m as uploaded: DER, PEM ("PKCS7" or "CMS"
// block) or base64 text, and returns the DER bytes.
func DecodeSignature(body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, refuse(ReasonMalformed, "The file is empty.")
	}
	if len(body) > MaxSignatureSize {
		return nil, refuse(ReasonMalformed, "The file is larger than %d bytes.", MaxSignatureSize)
	}
	if body[0] == 0x30 { // ASN.1 SEQUENCE: DER or BER
		return body, nil
	}
	trimmed := bytes.TrimSpace(body)
	if bytes.HasPrefix(trimmed, []byte("-----BEGIN")) {
		block, _ := pem.Decode(trimmed)
		if block == nil || (block.Type != "PKCS7" && block.Type != "CMS" && block.Type != "PKCS #7 SIGNED DATA") {
			return nil, refuse(ReasonMalformed, "The PEM file holds no PKCS#7 / CMS block.")
		}
		if len(block.Bytes) == 0 || block.Bytes[0] != 0x30 {
			// Found by FuzzVerify: an empty block passed as DER.
			return nil, refuse(ReasonMalformed, "The PEM block is not a CMS signed-data structure.")
		}
		return block.Bytes, nil
	}
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, string(trimmed))
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil {
		if der, err = base64.RawStdEncoding.DecodeString(compact); err != nil {
			return nil, refuse(ReasonMalformed, "The file is neither DER, PEM nor base64.")
		}
	}
	if len(der) == 0 || der[0] != 0x30 {
		return nil, refuse(ReasonMalformed, "The file is not a CMS signed-data structure.")
	}
	return der, nil
}

// Expectation is what a signature must prove.
type Expectation struct {
	// IssuedForm is the PDF exactly as it was issued for this request.
	IssuedForm []byte
	// LegalRepresentativeTaxCode must match a tax code the certificate
	// subject carries.
	LegalRepresentativeTaxCode string
	// Roots, when set, are the trusted certification authorities (e.g. the
	// national trusted list): the signer's chain must reach one of them at
	// signing time. Nil skips the chain check.
	Roots *x509.CertPool
	// Now is the server's clock, used when the signature has no signing
	// time and to refuse signing times in the future.
	Now time.Time
}

var (
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSigningCertificate   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// essCertIDv2 and signingCertificateV2 are the CAdES-BES signed attribute
// binding the signature to its certificate (RFC 5035).
type essCertIDv2 struct {
	HashAlgorithm pkix.AlgorithmIdentifier `asn1:"optional"`
	CertHash      []byte
	IssuerSerial  asn1.RawValue `asn1:"optional"`
}

type signingCertificateV2 struct {
	Certs    []essCertIDv2
	Policies asn1.RawValue `asn1:"optional"`
}

// Verify checks a CAdES .p7m (DER) against what was issued: a CMS
// SignedData with one signer whose certificate is included and was valid at
// signing time, signed attributes whose message digest matches the
// encapsulated content, a valid signature, content byte-identical to the
// issued form, the chain to a trusted root when roots are configured, the
// signing-certificate attribute when present, and the legal
// representative's tax code when the certificate carries one. It returns
// what is recorded of the signer certificate.
func Verify(der []byte, want Expectation) (*domain.SignerCertificate, error) {
	p7, err := parse(der)
	if err != nil {
		return nil, err
	}
	if len(p7.Signers) != 1 {
		return nil, refuse(ReasonSignerCount, "The file must carry exactly one signature (it has %d).", len(p7.Signers))
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		return nil, refuse(ReasonNoCertificate, "The file does not include the signer's certificate.")
	}
	if len(p7.Content) == 0 {
		return nil, refuse(ReasonDetached, "The signature is detached: upload the .p7m that contains the signed form.")
	}
	signer := p7.Signers[0]
	if len(signer.AuthenticatedAttributes) == 0 {
		return nil, refuse(ReasonNoSignedAttributes, "The signature has no signed attributes (not CAdES).")
	}
	hash, ok := digestHash(signer.DigestAlgorithm.Algorithm)
	if !ok {
		return nil, refuse(ReasonWeakAlgorithm, "The signature uses a digest algorithm that is not accepted (SHA-256 or stronger).")
	}

	// The message digest attribute must be the digest of the content: the
	// library checks it too, but this is the property the workflow rests on.
	var digest []byte
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeMessageDigest, &digest); err != nil {
		return nil, refuse(ReasonNoSignedAttributes, "The signature has no message digest attribute.")
	}
	h := hash.New()
	h.Write(p7.Content)
	if !bytes.Equal(h.Sum(nil), digest) {
		return nil, refuse(ReasonSignatureInvalid, "The signed content was altered after signing.")
	}

	signedAt := want.Now.UTC()
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &st); err == nil {
		signedAt = st.UTC()
	}
	if signedAt.After(want.Now.Add(10 * time.Minute)) {
		return nil, refuse(ReasonCertificateNotValid, "The signing time %s is in the future.", signedAt.Format(time.RFC3339))
	}
	if signedAt.Before(cert.NotBefore) || signedAt.After(cert.NotAfter) {
		return nil, refuse(ReasonCertificateNotValid, "The certificate was not valid at signing time (%s; valid %s to %s).",
			signedAt.Format(time.RFC3339), cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}

	if err := p7.Verify(); err != nil {
		return nil, refuse(ReasonSignatureInvalid, "The signature does not verify with the included certificate.")
	}
	if !bytes.Equal(p7.Content, want.IssuedForm) {
		return nil, refuse(ReasonFormMismatch, "The signed document is not the form issued for this request: download it again and sign it unchanged.")
	}
	if want.Roots != nil {
		pool := x509.NewCertPool()
		for _, c := range p7.Certificates {
			pool.AddCert(c)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: want.Roots, Intermediates: pool, CurrentTime: signedAt,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return nil, refuse(ReasonUntrusted, "The certificate is not issued by a trusted certification authority.")
		}
	}
	if err := checkSigningCertificate(p7, cert); err != nil {
		return nil, err
	}

	taxCode := CertificateTaxCode(cert)
	if taxCode != "" && !strings.EqualFold(taxCode, want.LegalRepresentativeTaxCode) {
		return nil, refuse(ReasonTaxCodeMismatch, "The certificate belongs to tax code %s, not to the legal representative.", taxCode)
	}
	fp := sha256.Sum256(cert.Raw)
	return &domain.SignerCertificate{
		Subject: cert.Subject.String(), Issuer: cert.Issuer.String(),
		SerialNumber: strings.ToUpper(cert.SerialNumber.Text(16)),
		NotBefore:    cert.NotBefore.UTC(), NotAfter: cert.NotAfter.UTC(),
		SHA256Fingerprint: hex.EncodeToString(fp[:]), TaxCode: taxCode, SignedAt: signedAt,
	}, nil
}

func parse(der []byte) (p7 *pkcs7.PKCS7, err error) {
	// The ASN.1 decoder of the library is defensive, but a malformed upload
	// must never take the server down.
	defer func() {
		if recover() != nil {
			p7, err = nil, refuse(ReasonMalformed, "The file is not a valid CMS signed-data structure.")
		}
	}()
	if err := checkBER(der); err != nil {
		return nil, refuse(ReasonMalformed, "The file is not a valid CMS signed-data structure.")
	}
	p7, err = pkcs7.Parse(der)
	if err != nil {
		return nil, refuse(ReasonMalformed, "The file is not a valid CMS signed-data structure.")
	}
	return p7, nil
}

func digestHash(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// checkSigningCertificate verifies the CAdES signing-certificate-v2
// attribute when present: it must name the certificate that signed. (The
// SHA-1 based v1 attribute is refused.)
func checkSigningCertificate(p7 *pkcs7.PKCS7, cert *x509.Certificate) error {
	var v1 asn1.RawValue
	if p7.UnmarshalSignedAttribute(oidSigningCertificate, &v1) == nil {
		return refuse(ReasonWeakAlgorithm, "The signature uses the SHA-1 signing-certificate attribute.")
	}
	var sc signingCertificateV2
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &sc); err != nil {
		return nil // absent: the signature verified with the included certificate
	}
	if len(sc.Certs) == 0 {
		return refuse(ReasonSigningCertificate, "The signing-certificate attribute is empty.")
	}
	alg := sc.Certs[0].HashAlgorithm.Algorithm
	hash := crypto.SHA256
	if len(alg) > 0 {
		var ok bool
		if hash, ok = digestHash(alg); !ok {
			return refuse(ReasonWeakAlgorithm, "The signing-certificate attribute uses a weak hash.")
		}
	}
	h := hash.New()
	h.Write(cert.Raw)
	if !bytes.Equal(h.Sum(nil), sc.Certs[0].CertHash) {
		return refuse(ReasonSigningCertificate, "The signing-certificate attribute names another certificate.")
	}
	return nil
}

// italianTaxCode matches an Italian personal tax code (omocodia included).
var italianTaxCode = regexp.MustCompile(`[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]`)

// CertificateTaxCode reads the holder's tax code from a certificate
// subject: the serialNumber attribute in the ETSI EN 319 412-1 form
// "TINIT-RSSMRA85T10A562S" (or "IT:RSSMRA85T10A562S", or a bare code), else
// an Italian tax code at the end of the common name ("Mario Rossi/RSSM…").
// It returns "" when the subject carries none.
func CertificateTaxCode(cert *x509.Certificate) string {
	sn := strings.ToUpper(strings.TrimSpace(cert.Subject.SerialNumber))
	switch {
	case len(sn) > 6 && strings.HasPrefix(sn, "TIN") && sn[5] == '-':
		return sn[6:]
	case len(sn) > 3 && sn[2] == ':' && isLetters(sn[:2]):
		return sn[3:]
	case italianTaxCode.MatchString(sn) && len(sn) == 16:
		return sn
	}
	cn := strings.ToUpper(strings.TrimSpace(cert.Subject.CommonName))
	if loc := italianTaxCode.FindStringIndex(cn); loc != nil && loc[1] == len(cn) &&
		(loc[0] == 0 || strings.ContainsRune("/ :-", rune(cn[loc[0]-1]))) {
		return cn[loc[0]:]
	}
	return ""
}

func isLetters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
