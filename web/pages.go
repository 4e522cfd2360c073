package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

//go:embed templates
var templateFS embed.FS

// pageNames lists every page template; New fails if one is missing.
var pageNames = []string{"home", "topic", "card", "case", "search", "error", "login", "account", "review", "stats", "settings", "labs", "lab", "decks", "suspended", "import",
	"assessments", "assessment", "invite", "candidate", "admin", "tokens"}

// pages holds each page parsed together with the layout, once.
type pages struct{ byName map[string]*template.Template }

func parsePages(as *assets) (*pages, error) {
	funcs := template.FuncMap{
		"asset": as.url,
		"query": func(base string, kv ...string) string { // builds base?k=v&… skipping empty values
			q := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] != "" {
					q.Set(kv[i], kv[i+1])
				}
			}
			if len(q) == 0 {
				return base
			}
			return base + "?" + q.Encode()
		},
		"lower": strings.ToLower,
		"dict": func(kv ...any) map[string]any { // passes several values to a partial
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return fmt.Sprintf("%d %s", n, one)
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"list": func(v ...string) []string { return v },
		"last": func(v []int) int { return v[len(v)-1] },
		"int":  func(n uint64) int { return int(n) },
		"minutes": func(secs any) int64 { // whole minutes of seconds, rounded up
			var n int64
			switch v := secs.(type) {
			case int64:
				n = v
			case *int64:
				n = *v
			}
			return (n + 59) / 60
		},
		"stateText": func(st string) string { return stateWords[st] },
	}
	for name, f := range labFuncs {
		funcs[name] = f
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, prep.Wrap("web.templates", err)
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		file := path.Join("templates", name+".html")
		if _, err := fs.Stat(templateFS, file); err != nil {
			return nil, prep.Wrap("web.templates", fmt.Errorf("missing template %s: %w", file, err))
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, file)
		if err != nil {
			return nil, prep.Wrap("web.templates", err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes page name with data (a map whose "Title" is the page title) and status.
// Rendering goes to a buffer first, so a template error becomes a clean error page
// instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data map[string]any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return prep.Wrap("web.render", fmt.Errorf("no page %q", name))
	}
	data["Path"] = c.Request().URL.Path
	data["Topics"] = s.lib.Topics()
	data["CSRF"] = s.csrfToken(c)
	data["Progress"] = s.store != nil
	data["SignInMode"] = c.Get("signInMode")
	if u, ok := currentUser(c); ok && u.Role != store.RoleCandidate {
		data["Me"] = u
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout.html", data); err != nil {
		return prep.Wrap("web.render "+name, err)
	}
	return c.HTMLBlob(status, b.Bytes())
}

// ok renders a page with status 200.
func (s *Server) ok(c echo.Context, name string, data map[string]any) error {
	return s.render(c, http.StatusOK, name, data)
}
