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
	help: `"prep search QUERY" prints the best-matching cards with a snippet each: cards with all
the words, and with them together, first. A word no card contains is corrected to the
nearest one that does. --json prints the JSON that GET /api/search returns (README, Search).
` + search.AdvancedHelp,
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
		fs.IntVar(&q.Size, "n", 10, "results per page (at most 50)")
		fs.IntVar(&q.Page, "page", 1, "page of results to print")
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
				return enc.Encode(res.JSON(q.Text))
			}
			if res.Fuzzy {
				fmt.Fprintf(env.Stdout, "(no card has some of these words; results for: %s)\n", res.Corrected)
			}
			first := (res.Page-1)*res.Size + 1
			for i, h := range res.Hits {
				fmt.Fprintf(env.Stdout, "%2d. %s  [%s, %s, %s]  /cards/%s\n", first+i, h.Title, h.Kind, h.Level, h.Topic, h.ID)
				if s := plainSnippet(string(h.Snippet)); s != "" {
					fmt.Fprintf(env.Stdout, "    %s\n", s)
				}
			}
			result := "results"
			if res.Total == 1 {
				result = "result"
			}
			if res.Pages() > 1 {
				fmt.Fprintf(env.Stdout, "%d %s, page %d of %d (--page N for another)\n", res.Total, result, res.Page, res.Pages())
			} else {
				fmt.Fprintf(env.Stdout, "%d %s\n", res.Total, result)
			}
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
