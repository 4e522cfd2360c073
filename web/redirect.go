package web

import (
	"net/url"
	"path"
	"strings"
	"unicode"
)

// safeNext returns the local path to go to after signing in: next when it names a path
// on this server, "/" otherwise. Browsers are lenient where a check by prefix is not
// (they drop tabs and newlines, read a backslash as a slash, take "https:evil" as a
// host), so next is refused outright if it holds anything a browser might reinterpret,
// then parsed, and only its cleaned path and query are kept.
func safeNext(next string) string {
	if !plain(next) || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !plain(u.Path) {
		return "/"
	}
	// The decoded path decides: "/%2F/evil" is "//evil" to some proxies and browsers.
	if strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	p := path.Clean(u.Path)
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	out := (&url.URL{Path: p, RawQuery: u.RawQuery}).String()
	// Re-check what is sent: the re-encoded path must still be a local one.
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "/"
	}
	return out
}

// plain reports whether s has no control characters, spaces or backslashes.
func plain(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\\' {
			return false
		}
	}
	return true
}
