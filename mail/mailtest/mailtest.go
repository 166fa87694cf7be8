// Package mailtest runs a real SMTP server (emersion/go-smtp) on a loopback
// port for tests: messages are received over the SMTP protocol and kept in
// memory, never mocked.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one delivered message.
type Received struct {
	From, To string
	// TLS: whether the message came over an encrypted connection.
	TLS     bool
	Subject string
	Text    string
	HTML    string
	Raw     string
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	srv *smtp.Server
	mu  sync.Mutex
	msg []Received
	// failNext makes the next n DATA commands fail with a temporary error.
	failNext int
}

// MustStart starts a server and stops it at cleanup.
func MustStart(tb testing.TB) *Server { return mustStart(tb, nil, false) }

// MustStartTLS starts a server with a certificate for 127.0.0.1 from a
// fresh CA (returned, for the client to trust): implicit TLS (SMTPS) when
// implicit is set, else STARTTLS offered on a plain connection.
func MustStartTLS(tb testing.TB, implicit bool) (*Server, *x509.CertPool) {
	tb.Helper()
	cfg, roots := selfSignedTLS(tb)
	return mustStart(tb, cfg, implicit), roots
}

func mustStart(tb testing.TB, tlsConfig *tls.Config, implicit bool) *Server {
	tb.Helper()
	s := &Server{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, tlsOn := c.TLSConnectionState()
		return &session{s: s, tls: tlsOn}, nil
	}))
	s.srv.TLSConfig = tlsConfig
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if implicit {
		l = tls.NewListener(l, tlsConfig)
	}
	go func() { _ = s.srv.Serve(l) }() // returns when Cleanup closes the server
	s.srv.Addr = l.Addr().String()
	tb.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the SMTP_URL of the server.
func (s *Server) URL() string { return "smtp+insecure://" + s.srv.Addr }

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.srv.Addr }

// FailNext makes the next n deliveries fail with 451.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns what was delivered so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msg...)
}

// WaitFor waits up to timeout for a message to the address and returns
// the latest one.
func (s *Server) WaitFor(tb testing.TB, to string, timeout time.Duration) Received {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		msgs := s.Messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			if strings.EqualFold(msgs[i].To, to) {
				return msgs[i]
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("no mail to %s within %s", to, timeout)
	return Received{}
}

type session struct {
	s        *Server
	from, to string
	tls      bool
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.failNext > 0 {
		x.s.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	rec := Received{From: x.from, To: x.to, TLS: x.tls, Raw: string(raw)}
	if err := parse(&rec, string(raw)); err != nil {
		return err
	}
	x.s.msg = append(x.s.msg, rec)
	return nil
}

func parse(rec *Received, raw string) error {
	m, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	if rec.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			rec.HTML = string(b)
		} else {
			rec.Text = string(b)
		}
	}
}

// selfSignedTLS makes a CA and a certificate for 127.0.0.1 signed by it.
func selfSignedTLS(tb testing.TB) (*tls.Config, *x509.CertPool) {
	tb.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, roots
}
