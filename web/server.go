// Package web serves prep over HTTP: the pages people read and the JSON API beside them.
//
// It is the only package that knows HTTP. It reads the knowledge base from content, the
// search index from content/search, labs from labs, and progress from store; cmd/prep
// builds those and hands them to New. Templates and assets are embedded and parsed once
// by New, so a missing template stops start-up rather than a request.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"prep/content"
	"prep/content/search"
	"prep/labs"
	"prep/labs/grader"
	"prep/store"
)

// Limits and timeouts of the HTTP server.
const (
	maxBodySize       = "1M" // request bodies; lab submissions are capped lower by the grader
	readHeaderTimeout = 5 * time.Second
	requestTimeout    = 30 * time.Second
	shutdownTimeout   = 10 * time.Second
)

// Deps is what the server is built from. Store may be nil, for a server that only
// serves the knowledge base (progress features then answer 503).
type Deps struct {
	Library *content.Library
	Search  *search.Index
	Store   *store.DB
	Labs    *labs.Set      // nil: no labs
	Grader  *grader.Grader // nil: labs are shown but not graded
	Logger  *slog.Logger
	Now     func() time.Time // the clock; time.Now when nil (tests set it)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; none means clients connect directly.
	TrustedProxies []netip.Prefix
}

// Server is the HTTP front of prep.
type Server struct {
	e          *echo.Echo
	lib        *content.Library
	search     *search.Index
	store      *store.DB
	labs       *labs.Set
	statements map[string]template.HTML // lab statements rendered at start-up, by slug
	grader     *grader.Grader
	log        *slog.Logger
	now        func() time.Time
	pages      *pages
	assets     *assets
	signins    *signinLimiter
	// authenticate checks a password (the store's Authenticate; tests count the calls).
	authenticate func(ctx context.Context, name, password string) (store.User, error)
	hashes       chan struct{} // a slot per password hash allowed to run
	hashWait     time.Duration // how long a sign-in waits for a slot
	csrfKey      []byte        // signs the CSRF tokens of forms (csrf.go)
}

// New builds the server, parsing every template and hashing every asset.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	as, err := newAssets()
	if err != nil {
		return nil, err
	}
	pg, err := parsePages(as)
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	statements, err := renderStatements(d.Labs)
	if err != nil {
		return nil, err
	}
	s := &Server{e: echo.New(), lib: d.Library, search: d.Search, store: d.Store, labs: d.Labs, statements: statements, grader: d.Grader, log: d.Logger, now: d.Now,
		pages: pg, assets: as, signins: newSigninLimiter(), hashes: make(chan struct{}, signinHashes), hashWait: signinHashWait, csrfKey: newCSRFKey()}
	if d.Store != nil {
		s.authenticate = d.Store.Authenticate
	}
	s.e.HideBanner, s.e.HidePort = true, true
	// The server faces clients directly unless an operator names the proxy in front:
	// X-Forwarded-* from anyone else are ignored, or a client could pick its own
	// address for rate limits and claim HTTPS.
	s.e.IPExtractor = proxies(d.TrustedProxies).ipExtractor()
	s.e.SchemeExtractor = proxies(d.TrustedProxies).scheme
	s.e.HTTPErrorHandler = s.handleError
	s.middleware()
	s.routes()
	return s, nil
}

// Handler returns the server as an http.Handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.e }

// Serve listens on addr until ctx is cancelled, then shuts down gracefully, letting
// requests in flight finish for up to shutdownTimeout. ready, if not nil, is called with
// the address once the listener is open.
func (s *Server) Serve(ctx context.Context, addr string, ready func(addr string)) error {
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: readHeaderTimeout}
	errc := make(chan error, 1)
	go func() { errc <- s.e.StartServer(srv) }()
	// Wait for the listener so the caller can print the real address (":0" picks one).
	for s.e.Listener == nil {
		select {
		case err := <-errc:
			return err
		case <-time.After(5 * time.Millisecond):
		}
	}
	if ready != nil {
		ready(s.e.Listener.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	// srv, not s.e.Shutdown: echo's Shutdown stops its own default server, not this one.
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) middleware() {
	s.e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	s.e.Use(middleware.RequestID())
	s.e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			s.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP))
			return nil
		},
	}))
	s.e.Use(middleware.Recover())
	s.e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	}))
	s.e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024}))
	s.e.Use(bodyLimit()) // 1 MB; POST /import up to 32 MiB
	s.e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: requestTimeout}))
	s.e.Use(s.csrf)
	s.e.Use(s.identify)
}

func (s *Server) routes() {
	s.e.GET("/healthz", s.health)
	s.e.GET("/static/:name", s.asset)
	s.e.GET("/", s.home)
	s.e.GET("/topics/:id", s.topic)
	s.e.GET("/cards/:id", s.card)
	s.e.GET("/cases/:id", s.caseStudy)
	s.e.GET("/search", s.searchPage)

	api := s.e.Group("/api")
	api.GET("/cards", s.apiCards)
	api.GET("/cards/:id", s.apiCard)
	api.GET("/topics", s.apiTopics)
	api.GET("/search", s.apiSearch)

	// Labs. Grading is open to anyone who may see the page; attempts are kept for
	// signed-in users (everyone, in offline mode).
	s.e.GET("/labs", s.labsPage)
	s.e.GET("/labs/:slug", s.labPage)
	s.e.POST("/labs/:slug/run", s.labGradeForm(labs.ModeRun))
	s.e.POST("/labs/:slug/submit", s.labGradeForm(labs.ModeSubmit))
	s.e.GET("/labs/:slug/attempts/:id", s.attemptPage, s.needUser)
	api.GET("/labs", s.apiLabs)
	api.GET("/labs/:slug", s.apiLab)
	api.POST("/labs/:slug/runs", s.apiGrade(labs.ModeRun))
	api.POST("/labs/:slug/submissions", s.apiGrade(labs.ModeSubmit))

	// Accounts.
	s.e.GET("/login", s.loginPage)
	s.e.POST("/login", s.login)
	s.e.POST("/logout", s.logout)
	s.e.POST("/logout/everywhere", s.logoutEverywhere)
	s.e.GET("/account", s.accountPage, s.needUser)
	s.e.POST("/account", s.createAccount, s.needUser)

	// Review and progress.
	s.e.GET("/review", s.reviewPage, s.needUser)
	s.e.POST("/review", s.rate, s.needUser)
	s.e.POST("/review/undo", s.undo, s.needUser)
	api.GET("/review/next", s.apiNext, s.needUser)
	api.POST("/review/ratings", s.apiRate, s.needUser)
	api.POST("/review/undo", s.apiUndo, s.needUser)
	s.e.GET("/stats", s.statsPage, s.needUser)
	api.GET("/stats", s.apiStats, s.needUser)
	s.e.GET("/settings", s.settingsPage, s.needUser)
	s.e.POST("/settings", s.saveSettings, s.needUser)
	api.GET("/settings", s.apiSettings, s.needUser)
	api.PUT("/settings", s.apiSaveSettings, s.needUser)
	s.e.GET("/export.json", s.exportJSON, s.needUser)
	s.e.GET("/export.csv", s.exportCSV, s.needUser)
	s.e.POST("/import", s.importProgress, s.needUser)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "cards": len(s.lib.Cards())})
}
