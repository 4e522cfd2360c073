package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content"
)

//go:embed static
var staticFS embed.FS

// asset is one static file with its content-hashed name.
type asset struct {
	data        []byte
	contentType string
}

// assets serves static files at URLs that change when their content does, so browsers
// may cache them for a year: /static/app.3f2a9c1b.css.
type assets struct {
	byHashed map[string]asset  // "app.3f2a9c1b.css" → file
	urls     map[string]string // "app.css" → "/static/app.3f2a9c1b.css"
}

func newAssets() (*assets, error) {
	as := &assets{byHashed: map[string]asset{}, urls: map[string]string{}}
	files := map[string][]byte{"highlight.css": []byte(content.HighlightCSS())}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		files[strings.TrimPrefix(p, "static/")] = data
		return err
	})
	if err != nil {
		return nil, prep.Wrap("web.assets", err)
	}
	for name, data := range files {
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		as.byHashed[hashed] = asset{data: data, contentType: ct}
		as.urls[name] = "/static/" + hashed
	}
	return as, nil
}

// url returns the hashed URL of a static file; templates call it as {{asset "app.css"}}.
// An unknown name is a bug in a template, caught by the template tests.
func (as *assets) url(name string) string {
	if u, ok := as.urls[name]; ok {
		return u
	}
	return "/static/missing-" + name
}

func (s *Server) asset(c echo.Context) error {
	a, ok := s.assets.byHashed[c.Param("name")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, a.contentType, a.data)
}
