package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"prep"
	"prep/labs"
)

// labCheck validates the lab archive at path (or every *.txtar in the directory path),
// checks its card references against the knowledge base (embedded, with contentDir's
// cards laid over it), and grades its reference, its starter and each fixture on
// submit. It prints a line per check and exits 1 if any is wrong.
func labCheck(ctx context.Context, env *Env, contentDir, path string) error {
	paths, err := labArchives(path)
	if err != nil {
		return err
	}
	lib, err := loadContent(contentDir, func(string) bool { return true })
	if err != nil {
		return err
	}
	g, err := newGrader(1, nil)
	if err != nil {
		return err
	}
	defer g.Close()
	checks, failed := 0, 0
	report := func(ok bool, format string, args ...any) {
		checks++
		mark := "✓"
		if !ok {
			failed++
			mark = "✗"
		}
		fmt.Fprintf(env.Stdout, "  %s %s\n", mark, fmt.Sprintf(format, args...))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return prep.Errorf(prep.Invalid, "lab check", "%v", err)
		}
		fmt.Fprintf(env.Stdout, "%s\n", p)
		l, ps := labs.Parse(p, data)
		for _, r := range cardRefs(l) {
			if lib.Card(r.ID) == nil {
				ps = append(ps, prep.Problem{Path: r.Path, Line: r.Line, Msg: fmt.Sprintf("lab %q practises card %q, which does not exist (fix the id, or add the card with prep serve --content DIR)", l.Slug, r.ID)})
			}
		}
		if len(ps) > 0 {
			report(false, "the lab is not valid:\n%s", indent(ps.Sorted().Error(), "      "))
			continue
		}
		report(true, "valid: %s (%s), %d public and %d hidden test files, %d fixtures", l.Slug, l.Level, len(l.Public), len(l.Hidden), len(l.Fixtures))
		grade := func(files map[string]string) (*labs.Result, error) {
			return g.Grade(ctx, l, files, labs.ModeSubmit)
		}
		res, err := grade(labs.Files(l.Solution))
		if err != nil {
			return err
		}
		report(res.Passed(), "reference: %s", outcome(res))
		res, err = grade(labs.Files(l.Starter))
		if err != nil {
			return err
		}
		hiddenFailed := false
		for _, tr := range res.Tests {
			hiddenFailed = hiddenFailed || (tr.Hidden && tr.Status == labs.StatusFail)
		}
		report(hiddenFailed, "starter must fail a hidden test: %s", outcome(res))
		for _, fx := range l.Fixtures {
			res, err := grade(l.Submission(fx))
			if err != nil {
				return err
			}
			if fx.Wrong {
				report(!res.Passed(), "%s (%s) must fail: %s", fx.Name, fx.Note, outcome(res))
			} else {
				report(res.Passed(), "%s must pass: %s", fx.Name, outcome(res))
			}
		}
	}
	if failed > 0 {
		fmt.Fprintf(env.Stdout, "FAILED: %d of %d checks\n", failed, checks)
		return exitError{1}
	}
	fmt.Fprintf(env.Stdout, "ok: %d checks\n", checks)
	return nil
}

// labArchives returns path if it is a file, or the *.txtar files in it if it is a
// directory.
func labArchives(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, prep.Errorf(prep.Invalid, "lab check", "%v", err)
	}
	if !st.IsDir() {
		if !strings.HasSuffix(path, ".txtar") {
			return nil, prep.Errorf(prep.Invalid, "lab check", "%s is not a lab archive (NAME.txtar) or a directory of them", path)
		}
		return []string{path}, nil
	}
	paths, err := filepath.Glob(filepath.Join(path, "*.txtar"))
	if err != nil {
		return nil, prep.Wrap("lab check", err)
	}
	if len(paths) == 0 {
		return nil, prep.Errorf(prep.Invalid, "lab check", "no *.txtar lab archives in %s (prep lab new SLUG %s writes one)", path, path)
	}
	sort.Strings(paths)
	return paths, nil
}

// cardRefs returns the card references of l, or none if l did not parse.
func cardRefs(l *labs.Lab) []labs.CardRef {
	if l == nil {
		return nil
	}
	return l.CardRefs()
}

// outcome is one line about a grading: the verdict, its first failure and the time.
func outcome(res *labs.Result) string {
	s := string(res.Verdict)
	if !res.Passed() && res.Message != "" {
		msg, _, _ := strings.Cut(res.Message, "\n") // the first line; lab test shows the rest
		s += ": " + msg
	}
	return fmt.Sprintf("%s (%s)", s, res.Duration.Round(time.Millisecond))
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
