package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"regexp"
	"strings"

	"prep/content/search"
)

var searchCmd = &command{
	name:    "search",
	usage:   "QUERY",
	summary: "search the cards from the command line",
	help: `"prep search QUERY" prints the best-matching cards with a snippet each. Misspellings
are tolerated. --advanced takes bleve query-string syntax (title:cache +kind:incident).`,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "content", "labs")
		asJSON := fs.Bool("json", false, "print the results as JSON")
		var q search.Query
		fs.BoolVar(&q.Advanced, "advanced", false, "QUERY is query-string syntax")
		fs.StringVar(&q.Kind, "kind", "", "only cards of this kind")
		fs.StringVar(&q.Level, "level", "", "only cards of this level")
		fs.StringVar(&q.Topic, "topic", "", "only cards of this topic")
		fs.StringVar(&q.Tag, "tag", "", "only cards with this tag")
		fs.IntVar(&q.Size, "n", 10, "number of results")
		return func(ctx context.Context, args []string) error {
			if len(args) == 0 {
				return usageErrorf(env, "usage: prep search [FLAGS] QUERY")
			}
			q.Text = strings.Join(args, " ")
			if strings.TrimSpace(q.Text) == "" {
				return usageErrorf(env, "prep search: the query is empty; give the words to look for, as in: prep search circuit breaker")
			}
			lib, _, err := loadKnowledge(cfg.content, cfg.labs)
			if err != nil {
				return err
			}
			idx, err := search.New(lib, "")
			if err != nil {
				return err
			}
			defer idx.Close()
			res, err := idx.Search(q)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			if res.Fuzzy {
				fmt.Fprintln(env.Stdout, "(no exact matches; near matches:)")
			}
			for i, h := range res.Hits {
				fmt.Fprintf(env.Stdout, "%2d. %s  [%s, %s, %s]  /cards/%s\n", i+1, h.Title, h.Kind, h.Level, h.Topic, h.ID)
				if s := plainSnippet(string(h.Snippet)); s != "" {
					fmt.Fprintf(env.Stdout, "    %s\n", s)
				}
			}
			fmt.Fprintf(env.Stdout, "%d result(s)\n", res.Total)
			return nil
		}
	},
}

var markTags = regexp.MustCompile(`</?mark>`)

// plainSnippet turns a highlighted HTML snippet into terminal text, matches in *stars*.
func plainSnippet(s string) string {
	s = markTags.ReplaceAllStringFunc(s, func(string) string { return "*" })
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "\n", " ")
	return r.Replace(s)
}
