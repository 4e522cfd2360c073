package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"prep/labs/grader"
)

// TestTrustedProxy: X-Forwarded-For and X-Forwarded-Proto count only when the direct
// peer is a proxy the operator named; then the session cookie is Secure behind an HTTPS
// proxy and the sign-in limits apply to the forwarded client, not to the proxy.
func TestTrustedProxy(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name    string
		proxies []netip.Prefix
		peer    string
		headers map[string]string
		ip      string
		secure  bool
	}{
		{"no setting: peer", nil, "10.0.0.7:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "https"}, "10.0.0.7", false},
		{"trusted proxy", trusted, "10.0.0.7:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "https"}, "1.1.1.1", true},
		{"trusted proxy over http", trusted, "10.0.0.7:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "http"}, "1.1.1.1", false},
		{"trusted ipv6 proxy", trusted, "[::1]:4000", map[string]string{"X-Forwarded-For": "2001:db8::5", "X-Forwarded-Proto": "https"}, "2001:db8::5", true},
		{"client forges the chain", trusted, "10.0.0.7:4000", map[string]string{"X-Forwarded-For": "6.6.6.6, 1.1.1.1"}, "1.1.1.1", false},
		{"chain of trusted proxies", trusted, "10.0.0.7:4000", map[string]string{"X-Forwarded-For": "1.1.1.1, 10.0.0.9"}, "1.1.1.1", false},
		{"untrusted peer", trusted, "192.168.1.5:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "https"}, "192.168.1.5", false},
		{"loopback is not trusted by default", []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}, "127.0.0.1:4000", map[string]string{"X-Forwarded-For": "1.1.1.1", "X-Forwarded-Proto": "https"}, "127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnvDeps(t, grader.Config{Workers: 1}, func(d *Deps) { d.TrustedProxies = tt.proxies })
			if _, err := env.store.AddUser(context.Background(), "ana", "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			send := func(password string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"name":"ana","password":"`+password+`"}`))
				req.RemoteAddr = tt.peer
				req.Header.Set("Content-Type", "application/json")
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				rec := httptest.NewRecorder()
				env.srv.Handler().ServeHTTP(rec, req)
				return rec
			}
			rec := send("correct horse battery")
			if rec.Code != 200 {
				t.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
			}
			cookie := rec.Header().Get("Set-Cookie")
			if got := strings.Contains(cookie, "; Secure"); got != tt.secure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", cookie, got, tt.secure)
			}
			for range signinBurst {
				send("wrong")
			}
			// The burst of failures is charged to the client address the server believes.
			if env.srv.signins.take("ip:"+tt.ip, signinPerAddress) {
				t.Errorf("address %s was not charged for the failed sign-ins", tt.ip)
			}
		})
	}
}
