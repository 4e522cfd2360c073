package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"prep"
	"prep/content"
	"prep/labs"
)

// config is the settings shared by the commands that load the knowledge base or the
// database. Each is a flag whose default comes from a PREP_* environment variable.
type config struct {
	addr      string
	data      string
	content   string
	labs      string
	logFormat string
	logReqs   string // --log-requests, parsed by web.ParseRequestLog
	proxies   string // --trusted-proxy, parsed by trustedProxies
	webhooks  string // --webhook-allow, parsed by web.ParseWebhookAllow
}

// register defines the flags named in which ("addr", "data", "content", "labs", "log",
// "proxy", "webhook")
// on fs, with defaults from env.
func (c *config) register(fs *flag.FlagSet, env *Env, which ...string) {
	def := func(name, fallback string) string {
		if v := env.Getenv(name); v != "" {
			return v
		}
		return fallback
	}
	for _, w := range which {
		switch w {
		case "addr":
			fs.StringVar(&c.addr, "addr", def("PREP_ADDR", "127.0.0.1:8080"), "listen address (env PREP_ADDR)")
		case "data":
			fs.StringVar(&c.data, "data", def("PREP_DATA", defaultDataDir(env)), "data directory for prep.db and the search index, created if missing (env PREP_DATA)")
		case "content":
			fs.StringVar(&c.content, "content", def("PREP_CONTENT", ""), "directory of your own cards laid over the embedded ones (env PREP_CONTENT)")
		case "labs":
			fs.StringVar(&c.labs, "labs", def("PREP_LABS", ""), "directory of your own labs added to the embedded ones (env PREP_LABS)")
		case "proxy":
			fs.StringVar(&c.proxies, "trusted-proxy", def("PREP_TRUSTED_PROXY", ""), "comma-separated CIDRs or addresses of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto prep believes, e.g. 127.0.0.1/32 (env PREP_TRUSTED_PROXY)")
		case "webhook":
			fs.StringVar(&c.webhooks, "webhook-allow", def("PREP_WEBHOOK_ALLOW", ""), "comma-separated hosts assessments' webhooks may post to: *, hooks.example.com, *.example.com, or an address or CIDR (only these allow loopback and private addresses, e.g. 127.0.0.1); empty turns webhooks off (env PREP_WEBHOOK_ALLOW)")
		case "log":
			fs.StringVar(&c.logFormat, "log-format", def("PREP_LOG_FORMAT", "text"), "request log format: text or json (env PREP_LOG_FORMAT)")
			fs.StringVar(&c.logReqs, "log-requests", def("PREP_LOG_REQUESTS", "all"), "which requests the request log records: all, debug (at DEBUG), errors, off, or sample=0.01 (a fraction); add ,slow=500ms to set what is slow (1s by default). Failed and slow requests are always recorded, except with off (env PREP_LOG_REQUESTS)")
		}
	}
}

// trustedProxies parses --trusted-proxy: CIDRs ("10.0.0.0/8") or single addresses
// ("127.0.0.1"), separated by commas.
func trustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy: %q is neither a CIDR like 10.0.0.0/8 nor an address like 127.0.0.1", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// defaultDataDir is the per-user data directory: $XDG_DATA_HOME/prep or
// ~/.local/share/prep on Linux, the platform's equivalent elsewhere.
func defaultDataDir(env *Env) string {
	if d := env.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "prep")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "prep-data"
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "prep")
	case "windows":
		if d := env.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "prep")
		}
	}
	return filepath.Join(home, ".local", "share", "prep")
}

// loadKnowledge loads the labs (embedded, with labsDir's added) and the cards (embedded,
// with contentDir's laid over them) and checks them against each other: the cards' lab
// links and the labs' card references. Problems come back as one error, a line each.
func loadKnowledge(contentDir, labsDir string) (*content.Library, *labs.Set, error) {
	return loadKnowledgeCached(contentDir, labsDir, content.Options{})
}

// loadKnowledgeCached is loadKnowledge with the render cache of cache (its RenderCache
// and CacheError; see content.Options).
func loadKnowledgeCached(contentDir, labsDir string, cache content.Options) (*content.Library, *labs.Set, error) {
	set, err := labs.Load(labsDir)
	if err != nil {
		return nil, nil, err
	}
	lib, err := loadContentCached(contentDir, set.Has, cache)
	if err != nil {
		return nil, nil, err
	}
	var missing prep.Problems
	for _, l := range set.All() {
		for _, r := range l.CardRefs() {
			if lib.Card(r.ID) == nil {
				missing = append(missing, prep.Problem{Path: r.Path, Line: r.Line,
					Msg: fmt.Sprintf("lab %q practises card %q, which does not exist (fix the id, or add the card)", l.Slug, r.ID)})
			}
		}
	}
	if len(missing) > 0 {
		return nil, nil, missing
	}
	return lib, set, nil
}

// loadContent loads the embedded knowledge base with dir (if any) laid over it, checking
// lab links with labExists.
func loadContent(dir string, labExists func(string) bool) (*content.Library, error) {
	return loadContentCached(dir, labExists, content.Options{})
}

// loadContentCached is loadContent with the render cache of cache.
func loadContentCached(dir string, labExists func(string) bool, cache content.Options) (*content.Library, error) {
	opts := content.Options{LabExists: labExists, RenderCache: cache.RenderCache, CacheError: cache.CacheError}
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("content directory: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("content directory %s is not a directory", dir)
		}
		opts.Overlay, opts.OverlayPath = os.DirFS(dir), dir
	}
	return content.Load(content.Embedded, opts)
}
