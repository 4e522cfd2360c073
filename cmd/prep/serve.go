package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"

	"prep/content"
	"prep/content/search"
	"prep/web"
)

var serveCmd = &command{
	name:    "serve",
	summary: "serve the knowledge base, review and labs over HTTP (the default)",
	help: `"prep serve" (or just "prep") serves everything on --addr, with the embedded content
and your progress in DATA/prep.db. It stops cleanly on Ctrl-C or SIGTERM.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "addr", "data", "content", "labs", "log", "proxy", "webhook")
		return func(ctx context.Context, args []string) error {
			if len(args) > 0 {
				return usageErrorf(env, "serve takes no arguments (got %q); see prep help serve", args)
			}
			return serve(ctx, env, cfg)
		}
	},
}

func serve(ctx context.Context, env *Env, cfg config) error {
	var logger *slog.Logger
	switch cfg.logFormat {
	case "text":
		logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	case "json":
		logger = slog.New(slog.NewJSONHandler(env.Stderr, nil))
	default:
		return usageErrorf(env, "--log-format must be text or json, not %q", cfg.logFormat)
	}
	reqLog, err := web.ParseRequestLog(cfg.logReqs)
	if err != nil {
		return usageErrorf(env, "%v", err)
	}
	proxies, err := trustedProxies(cfg.proxies)
	if err != nil {
		return usageErrorf(env, "%v", err)
	}
	hooks, err := web.ParseWebhookAllow(cfg.webhooks)
	if err != nil {
		return usageErrorf(env, "%v", err)
	}
	// Rendered cards are kept in the data directory, beside the search index, so a
	// restart with the same content does not render them again.
	lib, set, err := loadKnowledgeCached(cfg.content, cfg.labs, content.Options{RenderCache: cfg.data,
		CacheError: func(err error) { logger.Warn("cannot keep the rendered cards for the next start", "err", err) }})
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return fmt.Errorf("the cards or labs have problems (listed above); fix them, then check with prep content check")
	}
	// The database first: it creates the data directory, and a database prep cannot use
	// stops start-up before the index is built.
	db, err := openStore(ctx, cfg.data)
	if err != nil {
		return err
	}
	defer db.Close()
	idx, err := search.New(lib, filepath.Join(cfg.data, "index"))
	if err != nil {
		return err
	}
	defer idx.Close()
	workers := runtime.NumCPU() // the grader's and the per-client quota's, the same number
	g, err := newGrader(workers, logger)
	if err != nil {
		return err
	}
	defer g.Close()
	srv, err := web.New(web.Deps{Library: lib, Search: idx, Store: db, Labs: set, Grader: g, GradingWorkers: workers, Logger: logger, RequestLog: reqLog, TrustedProxies: proxies, WebhookAllow: hooks})
	if err != nil {
		return err
	}
	// The sweeper submits what candidates left when their time ran out, the moment the
	// server starts (for invites that ran out while it was down) and every SweepEvery.
	sweepCtx, stopSweeper := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { defer close(swept); srv.RunSweeper(sweepCtx, web.SweepEvery) }()
	defer func() { stopSweeper(); <-swept }()
	// The delivery loop posts the webhooks' outbox, starting with what a restart left.
	hookCtx, stopHooks := context.WithCancel(ctx)
	hooked := make(chan struct{})
	go func() { defer close(hooked); srv.RunWebhooks(hookCtx, web.WebhookEvery) }()
	defer func() { stopHooks(); <-hooked }()
	return srv.Serve(ctx, cfg.addr, func(addr string) {
		logger.Info("prep is serving", "url", "http://"+addr, "cards", len(lib.Cards()), "labs", len(set.All()), "data", cfg.data)
	})
}
