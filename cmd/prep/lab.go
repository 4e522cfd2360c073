package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"prep"
	"prep/content"
	"prep/labs"
)

// labUsage is the argument summary of "prep lab".
const labUsage = "list | show SLUG | init SLUG [DIR] | test SLUG [FILES|DIR] | new SLUG [DIR] | check FILE.txtar|DIR"

// labHelp is the paragraph of "prep help lab".
const labHelp = `"prep lab list" lists the labs grouped by topic (a lab's topic is the topic of the first
card in its cards: list); --json prints the catalogue as JSON. "prep lab show SLUG" prints
one's statement.
"prep lab init SLUG [DIR]" writes the statement (README.md), starter code, public tests
and a go.mod to DIR (default ./SLUG), refusing to overwrite anything.
"prep lab test SLUG [FILES|DIR]" grades your code — the non-test .go files in DIR
(default .) or the FILES given — as a submission is graded: public and hidden tests, then
the performance tests, in a sandboxed child process. --public-only runs the public tests
only. It prints a report (or --json, or --format exercism for Exercism's results.json
v3) and exits 0 only if everything passed.
"prep lab new SLUG [DIR]" writes DIR/SLUG.txtar (default ./SLUG.txtar), the skeleton of a
lab of your own with every file, to edit; "prep lab check FILE.txtar|DIR" validates a lab
(or every DIR/*.txtar) and grades its reference (must pass), its starter (must fail) and
each fixture (wrong-* must fail, ok-* must pass), reporting each and exiting 1 if any is
wrong. Load your labs with prep serve --labs DIR.
Flags may come anywhere after "lab"; a flag the subcommand does not use is an error.`

// labFlags lists, per subcommand of "prep lab", the flags it uses; any other flag
// given on the command line is an error rather than silently ignored.
var labFlags = map[string][]string{
	"list":  {"labs", "content", "json"},
	"show":  {"labs"},
	"init":  {"labs"},
	"test":  {"labs", "public-only", "json", "format"},
	"new":   {},
	"check": {"content"},
}

// labFlagErrors collects what the flag package writes about a bad flag, so that "prep
// lab" can report it in one line instead of the whole help.
type labFlagErrors struct{ text strings.Builder }

func (w *labFlagErrors) Write(p []byte) (int, error) { return w.text.Write(p) }

var labCmd = &command{
	name:    "lab",
	usage:   labUsage,
	summary: "list, start, grade, write and check Go labs offline",
	help:    labHelp,
	setup: func(fs *flag.FlagSet, env *Env) func(context.Context, []string) error {
		var cfg config
		cfg.register(fs, env, "labs", "content")
		publicOnly := fs.Bool("public-only", false, "lab test: run the public tests only (no hidden or performance tests)")
		asJSON := fs.Bool("json", false, "lab test: print the result as JSON; lab list: print the catalogue as JSON")
		format := fs.String("format", "", "lab test: output format: exercism (results.json version 3)")
		flagErrs := &labFlagErrors{}
		fs.SetOutput(flagErrs)
		fs.Usage = func() {
			msg := strings.TrimSpace(flagErrs.text.String())
			if msg == "" { // -h: the whole help
				printHelp(env.Stderr, &command{name: "lab", usage: labUsage, help: labHelp}, fs)
				return
			}
			msg = strings.Replace(msg, "flag provided but not defined: ", "unknown flag ", 1)
			fmt.Fprintf(env.Stderr, "prep lab: %s; see prep help lab\n", msg)
		}
		return func(ctx context.Context, args []string) error {
			if len(args) == 0 {
				return usageErrorf(env, "usage: prep lab %s", labUsage)
			}
			sub, rest := args[0], args[1:]
			allowed, known := labFlags[sub]
			if !known {
				return usageErrorf(env, "unknown lab command %q (list, show, init, test, new, check)", sub)
			}
			var stray []string
			fs.Visit(func(f *flag.Flag) {
				if !slices.Contains(allowed, f.Name) {
					stray = append(stray, "-"+f.Name)
				}
			})
			if len(stray) > 0 {
				return usageErrorf(env, "lab %s: flag %s does not apply to lab %s; see prep help lab", sub, strings.Join(stray, ", "), sub)
			}
			switch sub {
			case "new":
				if len(rest) < 1 || len(rest) > 2 {
					return usageErrorf(env, "usage: prep lab new SLUG [DIR]")
				}
				dir := "."
				if len(rest) == 2 {
					dir = rest[1]
				}
				return labNew(env, rest[0], dir)
			case "check":
				if len(rest) != 1 {
					return usageErrorf(env, "usage: prep lab check FILE.txtar|DIR")
				}
				return labCheck(ctx, env, cfg.content, rest[0])
			}
			set, err := labs.Load(cfg.labs)
			var ps prep.Problems
			if errors.As(err, &ps) {
				fmt.Fprintln(env.Stderr, ps.Error())
				return fmt.Errorf("the labs have problems (listed above)")
			} else if err != nil {
				return err
			}
			switch sub {
			case "list":
				if len(rest) != 0 {
					return usageErrorf(env, "usage: prep lab list [--json]")
				}
				lib, err := loadContent(cfg.content, set.Has)
				if err != nil {
					return err
				}
				return labList(env, lib, set, *asJSON)
			case "show":
				if len(rest) != 1 {
					return usageErrorf(env, "usage: prep lab show SLUG")
				}
				return labShow(env, set, rest[0])
			case "init":
				if len(rest) < 1 || len(rest) > 2 {
					return usageErrorf(env, "usage: prep lab init SLUG [DIR]")
				}
				dir := rest[0]
				if len(rest) == 2 {
					dir = rest[1]
				}
				return labInit(env, set, rest[0], dir)
			default: // test
				if len(rest) < 1 {
					return usageErrorf(env, "usage: prep lab test SLUG [FILES|DIR]")
				}
				if *format != "" && *format != "exercism" {
					return usageErrorf(env, "--format must be exercism, not %q", *format)
				}
				if *format != "" && *asJSON {
					return usageErrorf(env, "--json and --format exercism are two different outputs; pick one")
				}
				mode := labs.ModeSubmit
				if *publicOnly {
					mode = labs.ModeRun
				}
				return labTest(ctx, env, set, rest[0], rest[1:], mode, *asJSON, *format)
			}
		}
	},
}

// catalogueJSON is "prep lab list --json": the labs grouped by topic.
type catalogueJSON struct {
	Topics []catalogueTopicJSON `json:"topics"`
}

type catalogueTopicJSON struct {
	ID    string             `json:"id"` // "" for labs of no known topic
	Title string             `json:"title"`
	Labs  []catalogueLabJSON `json:"labs"`
}

type catalogueLabJSON struct {
	Slug    string   `json:"slug"`
	Title   string   `json:"title"`
	Level   string   `json:"level"`
	Summary string   `json:"summary"`
	Cards   []string `json:"cards"`
}

// labList prints the labs grouped by topic, as a table or as JSON.
func labList(env *Env, lib *content.Library, set *labs.Set, asJSON bool) error {
	cardTopic := func(id string) string {
		if c := lib.Card(id); c != nil {
			return c.Topic
		}
		return ""
	}
	var cat catalogueJSON
	for _, g := range labs.ByTopic(set.All(), lib.TopicIDs(), cardTopic) {
		t := catalogueTopicJSON{ID: g.Topic, Title: "Other labs", Labs: []catalogueLabJSON{}}
		if topic, ok := lib.Topic(g.Topic); ok {
			t.Title = topic.Title
		}
		for _, l := range g.Labs {
			t.Labs = append(t.Labs, catalogueLabJSON{Slug: l.Slug, Title: l.Title, Level: l.Level, Summary: l.Summary, Cards: append([]string{}, l.Cards...)})
		}
		cat.Topics = append(cat.Topics, t)
	}
	if asJSON {
		if cat.Topics == nil {
			cat.Topics = []catalogueTopicJSON{}
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cat)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	for i, t := range cat.Topics {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "%s (%d)\n", t.Title, len(t.Labs))
		for _, l := range t.Labs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Slug, l.Level, l.Title, l.Summary)
		}
	}
	return tw.Flush()
}

func labShow(env *Env, set *labs.Set, slug string) error {
	l, err := set.Lab(slug)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s — %s (%s)\n\n%s\n", l.Slug, l.Title, l.Level, strings.TrimSpace(l.Statement))
	fmt.Fprintf(env.Stdout, "\nSubmit: %s. Start with: prep lab init %s\n", strings.Join(l.StarterNames(), ", "), l.Slug)
	return nil
}

// labInit writes a lab's statement, starter and public tests to dir, all or nothing.
func labInit(env *Env, set *labs.Set, slug, dir string) error {
	l, err := set.Lab(slug)
	if err != nil {
		return err
	}
	files := map[string]string{
		"README.md": "# " + l.Title + "\n\n" + strings.TrimSpace(l.Statement) + "\n",
		"go.mod":    "module " + l.Package + "\n\ngo 1.22\n",
	}
	for _, f := range append(append([]labs.File{}, l.Starter...), l.Public...) {
		files[f.Name] = f.Src
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return prep.Errorf(prep.Conflict, "lab init", "%s already exists; lab init does not overwrite (pick another DIR)", filepath.Join(dir, name))
		}
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "wrote %s to %s\nedit %s, then run: prep lab test %s %s\n",
		strings.Join(names, ", "), dir, strings.Join(l.StarterNames(), ", "), slug, dir)
	return nil
}

// labTest grades the code in paths (files, or one directory; default ".") and prints the
// report. It exits 1 unless the submission passed.
func labTest(ctx context.Context, env *Env, set *labs.Set, slug string, paths []string, mode labs.Mode, asJSON bool, format string) error {
	l, err := set.Lab(slug)
	if err != nil {
		return err
	}
	files, err := readSubmission(paths)
	if err != nil {
		return err
	}
	g, err := newGrader(1, nil)
	if err != nil {
		return err
	}
	defer g.Close()
	res, err := g.Grade(ctx, l, files, mode)
	if err != nil {
		return err
	}
	switch {
	case asJSON:
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	case format == "exercism":
		if err := labs.WriteExercism(env.Stdout, l, res); err != nil {
			return err
		}
	default:
		labs.WriteReport(env.Stdout, res)
	}
	if !res.Passed() {
		return exitError{1}
	}
	return nil
}

// readSubmission reads the non-test Go files of a directory, or the files named.
func readSubmission(paths []string) (map[string]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var names []string
	if len(paths) == 1 {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			entries, err := os.ReadDir(paths[0])
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
					names = append(names, filepath.Join(paths[0], n))
				}
			}
			if len(names) == 0 {
				return nil, prep.Errorf(prep.Invalid, "lab test", "no Go files (other than tests) in %s", paths[0])
			}
		}
	}
	if names == nil {
		names = paths
	}
	files := map[string]string{}
	for _, p := range names {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, prep.Errorf(prep.Invalid, "lab test", "%v", err)
		}
		files[filepath.Base(p)] = string(b)
	}
	return files, nil
}
