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
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"prep/content"
	"prep/content/search"
	"prep/labs"
	"prep/labs/assessment"
	"prep/store"
)

// Limits of the HTTP server.
const (
	maxBodySize     = "1M" // request bodies; lab submissions are capped lower by the grader
	shutdownTimeout = 10 * time.Second
)

// timeouts of the HTTP server. A client gets readHeader to send its request line and
// headers and read to send the whole request, body included, so a slow body is cut
// off; a handler gets request to answer and the client write to take the answer. An
// idle keep-alive connection is closed after idle. Gradings wait for a worker and run
// for up to a lab's wall limit, so their routes get grade instead of request, and their
// read and write deadlines are moved past it once the submission is read (a request
// still running when the read deadline passes would have its context cancelled by
// net/http). Imports may send a larger body, within importRead.
type timeouts struct {
	readHeader, read, write, idle, request, grade, importRead time.Duration
}

// defaultTimeouts are the server's timeouts; tests shorten them.
var defaultTimeouts = timeouts{
	readHeader: 5 * time.Second,
	read:       30 * time.Second, // no shorter than request: its passing cancels a handler's context
	request:    30 * time.Second,
	write:      40 * time.Second, // request, and time to send the answer
	idle:       60 * time.Second,
	grade:      labs.MaxWall + 30*time.Second, // the longest run, after a wait in the queue
	importRead: 2 * time.Minute,
}

// Grader grades lab submissions (*grader.Grader; tests use their own).
type Grader interface {
	// Grade grades files against lab in mode, as grader.Grader.Grade documents.
	Grade(ctx context.Context, lab *labs.Lab, files map[string]string, mode labs.Mode) (*labs.Result, error)
}

// Deps is what the server is built from. Store may be nil, for a server that only
// serves the knowledge base (progress features then answer 503).
type Deps struct {
	Library *content.Library
	Search  *search.Index
	Store   *store.DB
	Labs    *labs.Set // nil: no labs
	Grader  Grader    // nil: labs are shown but not graded
	// GradingWorkers is how many gradings Grader runs at once (runtime.NumCPU() when
	// 0); the per-client grading quota is a share of them.
	GradingWorkers int
	// GradingQueue is how many gradings may wait for a worker in all (4 ×
	// GradingWorkers when 0), as the grader's own queue.
	GradingQueue int
	Logger       *slog.Logger
	// RequestLog says which requests are logged (every one when zero).
	RequestLog RequestLog
	Now        func() time.Time // the clock; time.Now when nil (tests set it)
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; none means clients connect directly.
	TrustedProxies []netip.Prefix
	// WebhookAllow is the allow-list of webhook hosts (--webhook-allow); the zero value
	// turns webhooks off.
	WebhookAllow WebhookAllow
	// Sleep waits between the delivery loop's passes (a timer when nil; tests set it).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Server is the HTTP front of prep.
type Server struct {
	e          *echo.Echo
	lib        *content.Library
	search     *search.Index
	store      *store.DB
	labs       *labs.Set
	statements map[string]template.HTML // lab statements rendered at start-up, by slug
	grader     Grader
	timeouts   timeouts
	quota      *gradingQuota
	log        *slog.Logger
	requestLog RequestLog
	now        func() time.Time
	pages      *pages
	assets     *assets
	signins    *signinLimiter
	pending    pendingImports // uploads waiting for "replace or merge?"
	// authenticate checks a password (the store's Authenticate; tests count the calls).
	authenticate func(ctx context.Context, name, password string) (store.User, error)
	hashes       chan struct{} // a slot per password hash allowed to run
	hashWait     time.Duration // how long a sign-in waits for a slot
	csrfKey      []byte        // signs the CSRF tokens of forms (csrf.go)
	cache        *userCache    // sessions and user data, for a few seconds (usercache.go)
	// Webhooks (webhook.go): the allow-list, the client that honours it, the loop's
	// sleep and the jitter of backoffs.
	webhookAllow  WebhookAllow
	webhookClient *http.Client
	sleep         func(ctx context.Context, d time.Duration) error
	jitter        func(n int64) int64
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
	if d.Sleep == nil {
		d.Sleep = sleepCtx
	}
	statements, err := renderStatements(d.Labs)
	if err != nil {
		return nil, err
	}
	s := &Server{e: echo.New(), lib: d.Library, search: d.Search, store: d.Store, labs: d.Labs, statements: statements, grader: d.Grader, log: d.Logger, requestLog: d.RequestLog, now: d.Now,
		pages: pg, assets: as, timeouts: defaultTimeouts, csrfKey: newCSRFKey(), cache: newUserCache(),
		webhookAllow: d.WebhookAllow, webhookClient: newWebhookClient(d.WebhookAllow), sleep: d.Sleep, jitter: randJitter,
		signins: newSigninLimiter(), hashes: make(chan struct{}, signinHashes), hashWait: signinHashWait,
		quota: newGradingQuota(d.GradingWorkers, d.GradingQueue)}
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
	t := s.timeouts
	srv := &http.Server{Handler: s.e, ReadHeaderTimeout: t.readHeader, ReadTimeout: t.read, WriteTimeout: t.write, IdleTimeout: t.idle}
	// Listening here, before serving, gives the caller the real address (":0" picks
	// one) without waiting on echo's listener from another goroutine.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
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
			level, ok := s.requestLog.level(v.Status, v.Latency)
			if !ok || !s.log.Enabled(c.Request().Context(), level) {
				return nil
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
	s.e.Use(s.bodyLimit()) // 1 MB; POST /import up to 32 MiB
	s.e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: s.timeouts.request,
		Skipper: func(c echo.Context) bool { return isGrading(c) }})) // grade sets its own
	s.e.Use(noticeClientClosed)
	s.e.Use(s.csrf)
	s.e.Use(s.identify)
	s.e.Use(s.dropChanged)
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
	s.e.POST("/labs/:slug/attempts/:id/restore", s.restoreForm, s.needUser)
	s.e.POST("/labs/:slug/reset", s.resetForm, s.needUser)
	api.GET("/labs", s.apiLabs)
	api.GET("/labs/:slug", s.apiLab)
	api.POST("/labs/:slug/runs", s.apiGrade(labs.ModeRun))
	api.POST("/labs/:slug/submissions", s.apiGrade(labs.ModeSubmit))
	api.GET("/labs/:slug/draft", s.apiDraft, s.needUser)
	api.PUT("/labs/:slug/draft", s.apiSaveDraft, s.needUser)
	api.DELETE("/labs/:slug/draft", s.apiResetDraft, s.needUser)
	api.GET("/labs/:slug/attempts", s.apiAttempts, s.needUser)
	api.GET("/attempts/:id", s.apiAttempt, s.needUser)

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
	s.e.GET("/decks", s.decksPage, s.needUser)
	s.e.GET("/suspended", s.suspendedPage, s.needUser)
	s.e.POST("/cards/:id/suspend", s.setAside("suspended"), s.needUser)
	s.e.POST("/cards/:id/bury", s.setAside("buried"), s.needUser)
	api.POST("/cards/:id/suspend", s.setAside("suspended"), s.needUser)
	api.POST("/cards/:id/bury", s.setAside("buried"), s.needUser)
	api.GET("/decks", s.apiDecks, s.needUser)
	s.e.GET("/stats", s.statsPage, s.needUser)
	api.GET("/stats", s.apiStats, s.needUser)
	s.e.GET("/settings", s.settingsPage, s.needUser)
	s.e.POST("/settings", s.saveSettings, s.needUser)
	api.GET("/settings", s.apiSettings, s.needUser)
	api.PUT("/settings", s.apiSaveSettings, s.needUser)
	s.e.GET("/export.json", s.exportJSON, s.needUser)
	s.e.GET("/export.csv", s.exportCSV, s.needUser)
	s.e.GET("/export.apkg", s.exportAnki)
	s.e.POST("/import", s.importProgress, s.needUser)
	s.e.POST("/import/confirm", s.confirmImport, s.needUser)

	// Assessments (assessment*.go, candidate.go, report.go): interviewers' pages and
	// API exist only in sign-in mode; the candidate's routes carry the invite's token.
	staff, admin := s.needStaff(), s.needAdmin()
	s.e.GET("/assessments", s.assessmentsPage, staff)
	s.e.POST("/assessments", s.createAssessmentForm, staff)
	s.e.GET("/assessments/:id", s.assessmentPage, staff)
	s.e.POST("/assessments/:id/invites", s.createInviteForm, staff)
	s.e.GET("/assessments/:id/invites", func(c echo.Context) error { // the form's action, reloaded
		return c.Redirect(http.StatusSeeOther, "/assessments/"+url.PathEscape(c.Param("id")))
	}, staff)
	s.e.GET("/assessments/:id/report.csv", s.reportCSV, staff)
	s.e.GET("/invites/:id", s.invitePage, staff)
	s.e.POST("/invites/:id/revoke", s.inviteAction(s.revokeInvite), staff)
	s.e.POST("/invites/:id/extend", s.inviteAction(s.extendForm), staff)
	s.e.POST("/invites/:id/reissue", s.reissueForm, staff)
	api.POST("/assessments", s.apiCreateAssessment, staff)
	api.GET("/assessments", s.apiAssessments, staff)
	api.GET("/assessments/:id", s.apiAssessment, staff)
	api.POST("/assessments/:id/invites", s.apiCreateInvite, staff)
	api.GET("/assessments/:id/report", s.apiReport, staff)
	api.GET("/assessments/:id/report.csv", s.reportCSV, staff)
	api.DELETE("/invites/:id", s.apiRevokeInvite, staff)
	api.POST("/invites/:id/extend", s.apiExtendInvite, staff)
	api.POST("/invites/:id/reissue", s.apiReissueInvite, staff)
	api.GET("/invites/:id/report", s.apiInviteReport, staff)
	s.e.POST("/assessments/:id/webhook", s.webhookForm, staff)
	api.PUT("/assessments/:id/webhook", s.apiSetWebhook, staff)
	api.GET("/assessments/:id/deliveries", s.apiDeliveries, staff)

	s.e.GET("/a/:token", s.candidatePage, s.candidate)
	s.e.POST("/a/:token/start", s.allow(assessment.Start, s.candidateStartForm), s.candidate)
	s.e.POST("/a/:token/finish", s.allow(assessment.Finish, s.candidateFinishForm), s.candidate)
	s.e.GET("/a/:token/labs/:slug", s.candidateLabPage, s.candidate)
	s.e.POST("/a/:token/labs/:slug/run", s.allow(assessment.Run, s.candidateGrade(labs.ModeRun, true)), s.candidate)
	s.e.POST("/a/:token/labs/:slug/submit", s.allow(assessment.Submit, s.candidateGrade(labs.ModeSubmit, true)), s.candidate)
	api.GET("/a/:token", s.apiCandidate, s.candidate)
	api.POST("/a/:token/start", s.allow(assessment.Start, s.apiCandidateStart), s.candidate)
	api.POST("/a/:token/finish", s.allow(assessment.Finish, s.apiCandidateFinish), s.candidate)
	api.GET("/a/:token/labs/:slug/draft", s.allow(assessment.ReadDraft, s.apiDraft), s.candidate)
	api.PUT("/a/:token/labs/:slug/draft", s.allow(assessment.WriteDraft, s.apiSaveDraft), s.candidate)
	api.POST("/a/:token/labs/:slug/runs", s.allow(assessment.Run, s.candidateGrade(labs.ModeRun, false)), s.candidate)
	api.POST("/a/:token/labs/:slug/submissions", s.allow(assessment.Submit, s.candidateGrade(labs.ModeSubmit, false)), s.candidate)

	// Accounts and API tokens.
	s.e.GET("/admin/users", s.adminPage, admin)
	s.e.POST("/admin/users/:id/role", s.setRoleForm, admin)
	s.e.POST("/admin/users/:id/disable", s.disableForm, admin)
	s.e.GET("/settings/tokens", s.tokensPage, s.needUser)
	s.e.POST("/settings/tokens", s.createTokenForm, s.needUser)
	s.e.POST("/settings/tokens/:id/delete", s.deleteTokenForm, s.needUser)
	api.GET("/tokens", s.apiTokens, s.needUser)
	api.POST("/tokens", s.apiCreateToken, s.needUser)
	api.DELETE("/tokens/:id", s.apiDeleteToken, s.needUser)

	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })

	// Browsers ask for /favicon.ico whatever the page links; answer with the icon.
	s.e.GET("/favicon.ico", func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, s.assets.url("favicon.svg"))
	})

	// A form's action is not a page: opening one (a bookmark, a reload of an old
	// address, a typed URL) goes to the page the form is on instead of answering 405.
	for action, page := range map[string]string{
		"/import": "/settings#h-import", "/review/undo": "/review", "/logout": "/account", "/logout/everywhere": "/account",
	} {
		s.e.GET(action, func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, page) })
	}
}

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "cards": len(s.lib.Cards())})
}

// gradingRoutes are the routes that grade a submission, by their route path.
var gradingRoutes = map[string]bool{
	"/labs/:slug/run": true, "/labs/:slug/submit": true,
	"/api/labs/:slug/runs": true, "/api/labs/:slug/submissions": true,
	"/a/:token/labs/:slug/run": true, "/a/:token/labs/:slug/submit": true,
	"/api/a/:token/labs/:slug/runs": true, "/api/a/:token/labs/:slug/submissions": true,
	"/a/:token/finish": true, "/api/a/:token/finish": true, // they submit the drafts left
}

// isGrading reports whether c is a grading request, which gets timeouts.grade.
func isGrading(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && gradingRoutes[c.Path()]
}

// extendDeadlines gives the rest of the request d, once its body is read: the
// connection's read deadline (whose passing would cancel the request's context) and
// its write deadline, plus the usual time to send the answer.
func (s *Server) extendDeadlines(c echo.Context, d time.Duration) {
	rc := http.NewResponseController(c.Response())
	now := time.Now()
	err := errors.Join(rc.SetReadDeadline(now.Add(d)), rc.SetWriteDeadline(now.Add(d+s.timeouts.write-s.timeouts.request)))
	if err != nil && !errors.Is(err, http.ErrNotSupported) { // ErrNotSupported: not a real connection (tests)
		s.log.Warn("cannot extend the connection's deadlines", slog.Any("err", err))
	}
}
