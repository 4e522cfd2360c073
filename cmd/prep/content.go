package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
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
			lib, set, err := loadKnowledge(dir, cfg.labs)
			if err != nil {
				report := err.Error()
				fmt.Fprintln(env.Stderr, report)
				fmt.Fprintf(env.Stderr, "%d problem(s)\n", strings.Count(report, "\n")+1)
				return exitError{1}
			}
			fmt.Fprintf(env.Stdout, "ok: %s in %s, %s, %s\n", plural(len(lib.Cards()), "card", "cards"), plural(len(lib.Topics()), "topic", "topics"),
				plural(len(lib.Cases()), "case study", "case studies"), plural(len(set.All()), "lab", "labs"))
			return nil
		}
	},
}

// plural writes n with the noun in the right number: "1 case study", "2 case studies".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
