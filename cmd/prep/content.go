package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"prep/content"
)

var contentCmd = &command{
	name:    "content",
	usage:   "check [DIR]",
	summary: "check cards for errors (prep content check [DIR])",
	help: `"prep content check" validates the embedded knowledge base; with DIR, it validates the
cards in DIR laid over it, as "prep serve --content DIR" would load them. Every problem is
printed as path:line: what is wrong (how to fix), all at once. Exit status 1 if any.`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "labs")
		return func(ctx context.Context, args []string) error {
			if len(args) == 0 || args[0] != "check" || len(args) > 2 {
				return usageErrorf(env, "usage: prep content check [DIR]")
			}
			dir := ""
			if len(args) == 2 {
				dir = args[1]
			}
			labExists, err := labChecker(cfg.labs)
			if err != nil {
				return err
			}
			lib, err := loadContent(dir, labExists)
			var ps content.Problems
			if errors.As(err, &ps) {
				fmt.Fprintln(env.Stderr, ps.Error())
				fmt.Fprintf(env.Stderr, "%d problem%s\n", len(ps), map[bool]string{true: "", false: "s"}[len(ps) == 1])
				return exitError{1}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "ok: %d cards in %d topics, %d case studies\n", len(lib.Cards()), len(lib.Topics()), len(lib.Cases()))
			return nil
		}
	},
}
