package web

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"prep"
)

// WebhookAllow is the admin's allow-list of webhook hosts (--webhook-allow). A URL is
// accepted when its scheme is http or https, its host matches a pattern, and every
// address the host resolves to is public, or private or loopback but named by an
// address or CIDR pattern. The zero value allows nothing: webhooks are off.
type WebhookAllow struct {
	any      bool            // "*": any host with public addresses
	hosts    map[string]bool // exact host names
	suffixes []string        // "*.example.com" as ".example.com"
	prefixes []netip.Prefix  // addresses and CIDRs, which also allow private ranges
	// lookup resolves a host name (net.DefaultResolver when nil; tests replace it).
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// ParseWebhookAllow parses a comma-separated allow-list: "*" (any host whose addresses
// are all public), a host name ("hooks.example.com"), a wildcard ("*.example.com"), an
// address ("127.0.0.1") or a CIDR ("10.0.0.0/8"). Only address and CIDR patterns allow
// loopback, private, link-local and other non-public addresses.
func ParseWebhookAllow(list string) (WebhookAllow, error) {
	w := WebhookAllow{hosts: map[string]bool{}}
	for _, f := range strings.Split(list, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch {
		case f == "":
		case f == "*":
			w.any = true
		case strings.HasPrefix(f, "*."):
			if !validHostName(f[2:]) {
				return WebhookAllow{}, fmt.Errorf("--webhook-allow: %q is not a host pattern; use *.example.com", f)
			}
			w.suffixes = append(w.suffixes, f[1:])
		default:
			if p, err := netip.ParsePrefix(f); err == nil {
				w.prefixes = append(w.prefixes, p.Masked())
			} else if a, err := netip.ParseAddr(f); err == nil {
				a = a.Unmap()
				w.prefixes = append(w.prefixes, netip.PrefixFrom(a, a.BitLen()))
			} else if validHostName(f) {
				w.hosts[f] = true
			} else {
				return WebhookAllow{}, fmt.Errorf("--webhook-allow: %q is neither *, a host like hooks.example.com, a wildcard like *.example.com, an address like 127.0.0.1 nor a CIDR like 10.0.0.0/8", f)
			}
		}
	}
	return w, nil
}

func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// Enabled says whether any URL can pass.
func (w WebhookAllow) Enabled() bool {
	return w.any || len(w.hosts) > 0 || len(w.suffixes) > 0 || len(w.prefixes) > 0
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), not public.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// public says whether a is a globally routable unicast address.
func public(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a)
}

// addrAllowed says whether a webhook may connect to a: a public address, or one an
// address or CIDR pattern names.
func (w WebhookAllow) addrAllowed(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range w.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return public(a)
}

// hostAllowed says whether the URL's host matches a pattern.
func (w WebhookAllow) hostAllowed(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		for _, p := range w.prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return w.any
	}
	if w.any || w.hosts[host] {
		return true
	}
	for _, s := range w.suffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// Check says why raw may not be a webhook URL, as an Invalid error naming the field, or
// returns the URL.
func (w WebhookAllow) Check(ctx context.Context, raw string) (*url.URL, error) {
	const op = "webhook"
	bad := func(format string, args ...any) (*url.URL, error) {
		return nil, prep.Errorf(prep.Invalid, op, "webhook_url: "+format, args...)
	}
	if !w.Enabled() {
		return bad("webhooks are off on this server; an admin enables hosts with --webhook-allow (env PREP_WEBHOOK_ALLOW)")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return bad("%q is not a URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return bad("%q: only http and https URLs are allowed, like https://hooks.example.com/prep", raw)
	}
	if u.User != nil {
		return bad("%q: credentials in the URL are not allowed; the signature authenticates prep", raw)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return bad("%q has no host", raw)
	}
	if !w.hostAllowed(host) {
		return bad("host %q is not in the server's allow-list (--webhook-allow); ask an admin to add it", host)
	}
	addrs, err := w.resolve(ctx, host)
	if err != nil {
		return bad("host %q does not resolve: %v", host, err)
	}
	for _, a := range addrs {
		if !w.addrAllowed(a) {
			return bad("host %q resolves to %s, a loopback, private or otherwise non-public address; an admin must allow it explicitly (an address or CIDR in --webhook-allow)", host, a)
		}
	}
	return u, nil
}

func (w WebhookAllow) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	lookup := w.lookup
	if lookup == nil {
		lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	addrs, err := lookup(ctx, host)
	if err == nil && len(addrs) == 0 {
		err = fmt.Errorf("no addresses")
	}
	return addrs, err
}
