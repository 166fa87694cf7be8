package wiring

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// trustedProxies are the balancers and reverse proxies whose
// X-Forwarded-For the server believes (TRUSTED_PROXIES). Behind them the
// TCP peer is the proxy, so per-IP rate limits, failed sign-in records and
// the audit trail would otherwise all see one address.
type trustedProxies []netip.Prefix

// parseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes.
func parseTrustedProxies(s string) (trustedProxies, error) {
	var out trustedProxies
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an address nor a CIDR prefix", f)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an address nor a CIDR prefix", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (t trustedProxies) trusts(a netip.Addr) bool {
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// client is the address of whoever sent the request: the TCP peer, unless
// the peer is a trusted proxy; then the right-most X-Forwarded-For entry
// that is not itself a trusted proxy. Entries left of it were written by
// the client and prove nothing, so they are never taken.
func (t trustedProxies) client(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	addr, err := netip.ParseAddr(peer)
	if err != nil || !t.trusts(addr.Unmap()) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed entry: nothing left of it can be trusted
		}
		if hop = hop.Unmap(); !t.trusts(hop) {
			return hop.String()
		}
		addr = hop
	}
	// Every hop is a trusted proxy (or the chain is malformed): the last
	// trusted address seen is the best that is known.
	return addr.Unmap().String()
}

type clientIPKey struct{}

// clientIP is the client address that requestContext decided for r.
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return ip
	}
	return trustedProxies(nil).client(r)
}
