package wiring

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTrustedProxiesClient(t *testing.T) {
	trusted, err := parseTrustedProxies("10.0.0.0/8, 127.0.0.1, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer string
		xff        []string
		proxies    trustedProxies
		want       string
	}{
		{"OKNoProxiesIgnoresHeader", "127.0.0.1:5000", []string{"203.0.113.9"}, nil, "127.0.0.1"},
		{"OKUntrustedPeerIgnoresHeader", "198.51.100.7:5000", []string{"203.0.113.9"}, trusted, "198.51.100.7"},
		{"OKTrustedPeer", "127.0.0.1:5000", []string{"203.0.113.9"}, trusted, "203.0.113.9"},
		{"OKChainOfProxies", "10.1.2.3:5000", []string{"203.0.113.9, 10.0.0.5"}, trusted, "203.0.113.9"},
		{"OKSpoofedLeftEntriesIgnored", "10.1.2.3:5000", []string{"1.2.3.4, 203.0.113.9"}, trusted, "203.0.113.9"},
		{"OKSeveralHeaders", "10.1.2.3:5000", []string{"1.2.3.4", "203.0.113.9"}, trusted, "203.0.113.9"},
		{"OKIPv6Peer", "[::1]:5000", []string{"2001:db8::7"}, trusted, "2001:db8::7"},
		{"OKIPv4MappedHop", "127.0.0.1:5000", []string{"::ffff:203.0.113.9"}, trusted, "203.0.113.9"},
		{"ErrMalformedHopStopsAtProxy", "127.0.0.1:5000", []string{"203.0.113.9, not-an-ip"}, trusted, "127.0.0.1"},
		{"OKOnlyProxies", "127.0.0.1:5000", []string{"10.0.0.5"}, trusted, "10.0.0.5"},
		{"OKNoHeader", "127.0.0.1:5000", nil, trusted, "127.0.0.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			for _, h := range c.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := c.proxies.client(r); got != c.want {
				t.Fatalf("client %q, want %q", got, c.want)
			}
		})
	}
	t.Run("ErrBadSetting", func(t *testing.T) {
		for _, s := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1/"} {
			if _, err := parseTrustedProxies(s); err == nil {
				t.Errorf("%q accepted", s)
			}
		}
	})
}
