package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"net"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP sends messages to a relay given by URL:
//
//	smtp://user:pass@host:587           STARTTLS, required
//	smtps://user:pass@host:465          implicit TLS
//	smtp+insecure://host:25             no TLS: only for a relay on loopback
//	                                    or a trusted network (and tests)
type SMTP struct {
	addr     string
	mode     string // "starttls", "tls", "plain"
	username string
	password string
	timeout  time.Duration
	// roots verifies the relay's certificate; nil: the system's roots.
	roots *x509.CertPool
}

// WithRootCAs makes Send trust only these roots for the relay's certificate
// (a relay with a private CA; tests).
func (s *SMTP) WithRootCAs(roots *x509.CertPool) *SMTP {
	c := *s
	c.roots = roots
	return &c
}

// ParseSMTPURL reads SMTP_URL.
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	s := &SMTP{timeout: 30 * time.Second}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		s.mode, port = "starttls", cmpOr(port, "587")
	case "smtps":
		s.mode, port = "tls", cmpOr(port, "465")
	case "smtp+insecure":
		s.mode, port = "plain", cmpOr(port, "25")
	default:
		return nil, fmt.Errorf("SMTP_URL: scheme must be smtp, smtps or smtp+insecure")
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP_URL: no host")
	}
	s.addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		s.username = u.User.Username()
		s.password, _ = u.User.Password()
	}
	return s, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Send delivers one message to one recipient.
func (s *SMTP) Send(ctx context.Context, from, to string, msg []byte) error {
	var (
		c   *smtp.Client
		err error
	)
	host, _, _ := net.SplitHostPort(s.addr)
	switch s.mode {
	case "tls":
		c, err = smtp.DialTLS(s.addr, &tls.Config{ServerName: host, RootCAs: s.roots})
	case "starttls":
		// Fails when the relay does not offer STARTTLS: never a plaintext
		// fallback.
		c, err = smtp.DialStartTLS(s.addr, &tls.Config{ServerName: host, RootCAs: s.roots})
	default:
		c, err = smtp.Dial(s.addr)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if deadline, ok := ctx.Deadline(); ok {
		c.CommandTimeout = time.Until(deadline)
	} else {
		c.CommandTimeout = s.timeout
	}
	if s.username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.username, s.password)); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, []string{to}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// Compose builds the MIME message: multipart/alternative with the text and
// the HTML bodies, UTF-8, quoted-printable.
func Compose(from, to string, m Message, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, part := range []struct{ typ, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := w.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(pw, part.content); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	id := make([]byte, 12)
	rand.Read(id)
	domain := "localhost"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = strings.Trim(from[at+1:], "> ")
	}
	var out bytes.Buffer
	for _, h := range [][2]string{
		{"From", from},
		{"To", to},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Auto-Submitted", "auto-generated"},
		{"Content-Type", "multipart/alternative; boundary=" + w.Boundary()},
	} {
		if strings.ContainsAny(h[1], "\r\n") {
			return nil, fmt.Errorf("mail: header %s has a line break", h[0])
		}
		out.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	out.WriteString("\r\n")
	out.Write(body.Bytes())
	return out.Bytes(), nil
}
