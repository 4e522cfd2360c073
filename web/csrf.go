package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
)

// CSRF. A request that changes state is accepted when the browser says it came from a
// page of this very origin, and from other clients only with proof of the same:
//
//  1. Sec-Fetch-Site, sent by every current browser, must be "same-origin". "same-site"
//     is refused: a page on another port of localhost or on a sibling subdomain is
//     same-site, and can set cookies for this host.
//  2. Without it, an Origin header (older browsers send one with every POST) must equal
//     this server's scheme and host.
//  3. Without either, the client is not a current browser: a JSON body is accepted,
//     since no browser sends one to another origin without a CORS preflight, which this
//     server never grants; a form needs the token of its page (csrfFormField), an HMAC of
//     the session cookie (or, before signing in, of a random pre-session cookie) under
//     a key that never leaves the process (a restart asks such forms to be reloaded).
//     Unlike a double-submit cookie, a value another site plants has no token to go
//     with it; only a pre-session pair the attacker fetched from this server itself
//     could be planted whole, into a client that is not signed in and sends neither
//     header, which no current browser is.
const (
	csrfFormField = "_csrf"        // form field with the token
	csrfHeader    = "X-CSRF-Token" // or this header
	csrfCookie    = "prep_csrf"    // the pre-session cookie a token is bound to before sign-in
	csrfKey       = "csrf"         // context key of the request's token, once computed
)

// errCSRF is what a refused request is told.
var errCSRF = prep.Errorf(prep.Forbidden, "csrf", "this form is out of date or came from another site: reload the page and submit it again")

// newCSRFKey returns a fresh key for the tokens of this process.
func newCSRFKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails
	return k
}

// csrf is the middleware: it checks requests that are not GET, HEAD or OPTIONS as
// described above. Pages get their token from render (csrfToken).
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		// A request with a personal API token proves itself by the token, which no
		// other site can make a browser send (identify refuses a bad one, and never
		// falls back to the cookies); only cookies need the origin checks.
		if _, bearer := bearerToken(c); bearer {
			return next(c)
		}
		if !s.sameOrigin(c) {
			return errCSRF
		}
		return next(c)
	}
}

// sameOrigin reports whether an unsafe request provably comes from this origin.
func (s *Server) sameOrigin(c echo.Context) bool {
	req := c.Request()
	if site := req.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	if origin := req.Header.Get(echo.HeaderOrigin); origin != "" {
		return strings.EqualFold(origin, c.Scheme()+"://"+req.Host)
	}
	if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		return true
	}
	got := req.Header.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfFormField)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(s.csrfToken(c)))
}

// csrfToken returns the token of c's client: bound to its session cookie when it has
// one, otherwise to its pre-session cookie, which is set here when missing. It is
// computed once per request.
func (s *Server) csrfToken(c echo.Context) string {
	if t, ok := c.Get(csrfKey).(string); ok {
		return t
	}
	binding := ""
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		binding = "session:" + ck.Value
	} else if ck, err := c.Cookie(csrfCookie); err == nil && ck.Value != "" {
		binding = "pre:" + ck.Value
	} else {
		v := make([]byte, 18)
		rand.Read(v)
		value := base64.RawURLEncoding.EncodeToString(v)
		c.SetCookie(&http.Cookie{Name: csrfCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(c)})
		binding = "pre:" + value
	}
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(binding))
	t := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	c.Set(csrfKey, t)
	return t
}
