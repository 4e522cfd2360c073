package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// proxies are the peers whose X-Forwarded-For and X-Forwarded-Proto headers prep
// believes: the reverse proxies an operator named with --trusted-proxy. Without any,
// every client faces prep directly and those headers are ignored, or a client could pick
// its own address for the rate limits and quotas.
type proxies []netip.Prefix

// trusts reports whether the direct peer of r is one of the trusted proxies.
func (p proxies) trusts(r *http.Request) bool {
	if len(p) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, pre := range p {
		if pre.Contains(addr) {
			return true
		}
	}
	return false
}

// ipExtractor is how echo's RealIP finds the client address: the direct peer, or, behind
// trusted proxies, the last address in X-Forwarded-For that is not one of them.
func (p proxies) ipExtractor() echo.IPExtractor {
	if len(p) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, pre := range p {
		_, n, err := net.ParseCIDR(pre.Masked().String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// scheme is how echo's Scheme finds the request's scheme: https when the connection is
// TLS, or when a trusted proxy says in X-Forwarded-Proto that it was.
func (p proxies) scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p.trusts(r) {
		if proto := strings.ToLower(strings.TrimSpace(r.Header.Get(echo.HeaderXForwardedProto))); proto == "https" || proto == "http" {
			return proto
		}
	}
	return "http"
}

// secure reports whether the client reached prep over HTTPS, so cookies get Secure.
func secure(c echo.Context) bool { return c.Scheme() == "https" }
