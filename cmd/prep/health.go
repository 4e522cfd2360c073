package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"
)

var healthCmd = &command{
	name:    "health",
	summary: "check that a running server answers /healthz (for container health checks)",
	help: `"prep health" asks the server at --addr for /healthz and exits 0 if it answers 200
within 3 seconds, 1 otherwise. An unspecified host (0.0.0.0 or empty) means this machine.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "addr")
		return func(ctx context.Context, args []string) error {
			host, port, err := net.SplitHostPort(cfg.addr)
			if err != nil {
				return usageErrorf(env, "--addr %q: %v", cfg.addr, err)
			}
			if host == "" || net.ParseIP(host) != nil && net.ParseIP(host).IsUnspecified() {
				host = "127.0.0.1"
			}
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			url := "http://" + net.JoinHostPort(host, port) + "/healthz"
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("%s: %w", url, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: status %d", url, resp.StatusCode)
			}
			fmt.Fprintln(env.Stdout, "ok")
			return nil
		}
	},
}
