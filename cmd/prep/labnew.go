package main

import (
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"prep"
	"prep/labs"
)

// labSkeleton is the archive "prep lab new" writes, with {{SLUG}}, {{TITLE}} and
// {{PACKAGE}} filled in. It is a small but complete lab — every file of the format,
// a starter that fails, a reference that passes, a wrong and a correct fixture — for an
// author to rewrite into their own; "prep lab check" on it passes as written.
const labSkeleton = `A lab for prep (see labs/README.md in the prep repository for the whole format).
This text before the first file is a comment; prep ignores it. Rewrite every file:

  lab.yaml             slug (= the file name), title, level (junior|mid|senior|staff),
                       package, summary, cards (card ids; the FIRST decides the lab's
                       topic in the catalogue), optional limits and perf tests
  statement.md         what the candidate reads: API, rules, examples, budgets
  starter/*.go         what the candidate starts from: compiles, fails a hidden test
  solution/*.go        the reference solution: never shown
  public/*_test.go     tests the candidate sees and runs
  hidden/*_test.go     tests run on submit; a comment above each says which mistake it
                       catches, and its messages describe the scenario fully
  fixtures/wrong-*/    wrong solutions people write (first line: a comment naming the
                       mistake): each must fail
  fixtures/ok-*/       correct solutions in other styles: each must pass

Check it with: prep lab check {{SLUG}}.txtar
Serve it with: prep serve --labs DIR (every DIR/*.txtar is loaded)
-- lab.yaml --
slug: {{SLUG}}
title: {{TITLE}}
level: junior
package: {{PACKAGE}}
cards: []
summary: The largest of a list of integers, and whether there is one.
-- statement.md --
# {{TITLE}}

Write a function that returns the largest of a list of integers.

## API

Write ` + "`max.go`" + ` in ` + "`package {{PACKAGE}}`" + `:

` + "```go" + `
// Max returns the largest of xs and true, or 0 and false if xs is empty.
func Max(xs []int) (int, bool)
` + "```" + `

## Rules

- Any int may appear, negative numbers included.
- An empty or nil slice has no maximum: ` + "`(0, false)`" + `.
- Do not modify xs.

## Examples

` + "```go" + `
Max([]int{3, 1, 2})   // (3, true)
Max([]int{-5, -2})    // (-2, true)
Max(nil)              // (0, false)
` + "```" + `

## How it is graded

**Run** executes the public tests. **Submit** also runs hidden tests, which check empty
input, negative numbers, one element and that the input is left as it was.
-- starter/max.go --
// Package {{PACKAGE}} finds the largest of a list of integers.
package {{PACKAGE}}

// Max returns the largest of xs and true, or 0 and false if xs is empty.
func Max(xs []int) (int, bool) {
	// TODO
	return 0, false
}
-- solution/max.go --
// Package {{PACKAGE}} finds the largest of a list of integers.
package {{PACKAGE}}

// Max returns the largest of xs and true, or 0 and false if xs is empty.
func Max(xs []int) (int, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m, true
}
-- public/max_test.go --
package {{PACKAGE}}

import "testing"

func TestPublicMax(t *testing.T) {
	if m, ok := Max([]int{3, 1, 2}); m != 3 || !ok {
		t.Errorf("Max([3 1 2]) = (%d, %v), want (3, true)", m, ok)
	}
}
-- hidden/max_test.go --
package {{PACKAGE}}

import "testing"

// Catches: reporting true (or panicking) for an empty slice.
func TestHiddenEmpty(t *testing.T) {
	for _, xs := range [][]int{nil, {}} {
		if m, ok := Max(xs); m != 0 || ok {
			t.Errorf("Max(%v) = (%d, %v), want (0, false)", xs, m, ok)
		}
	}
}

// Catches: starting the running maximum at 0, which is wrong when every number is negative.
func TestHiddenAllNegative(t *testing.T) {
	if m, ok := Max([]int{-5, -2, -9}); m != -2 || !ok {
		t.Errorf("Max([-5 -2 -9]) = (%d, %v), want (-2, true)", m, ok)
	}
}

// Catches: sorting the caller's slice in place to find the maximum.
func TestHiddenInputUnchanged(t *testing.T) {
	xs := []int{2, 9, 4}
	Max(xs)
	if xs[0] != 2 || xs[1] != 9 || xs[2] != 4 {
		t.Errorf("Max([2 9 4]) changed its input to %v", xs)
	}
}
-- fixtures/wrong-start-at-zero/max.go --
// Starts the running maximum at 0, so a list of negative numbers gets 0.
package {{PACKAGE}}

func Max(xs []int) (int, bool) {
	m := 0
	for _, x := range xs {
		if x > m {
			m = x
		}
	}
	return m, len(xs) > 0
}
-- fixtures/ok-sorted-copy/max.go --
// Sorts a copy and takes its last element.
package {{PACKAGE}}

import "slices"

func Max(xs []int) (int, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)-1], true
}
`

// labNew writes the skeleton of a lab named slug to dir/slug.txtar, refusing to
// overwrite anything.
func labNew(env *Env, slug, dir string) error {
	pkg := strings.ReplaceAll(slug, "-", "")
	if pkg == "" || !unicode.IsLetter(rune(pkg[0])) || token.IsKeyword(pkg) || pkg == "main" {
		pkg = "lab" + pkg
	}
	title := strings.ReplaceAll(slug, "-", " ")
	if title != "" {
		title = strings.ToUpper(title[:1]) + title[1:]
	}
	src := strings.NewReplacer("{{SLUG}}", slug, "{{TITLE}}", title, "{{PACKAGE}}", pkg).Replace(labSkeleton)
	path := filepath.Join(dir, slug+".txtar")
	// The skeleton must be a valid lab: a bad slug is reported as the format reports it.
	if _, ps := labs.Parse(path, []byte(src)); len(ps) > 0 {
		return prep.Errorf(prep.Invalid, "lab new", "%q cannot be a lab's slug: %s", slug, ps[0].Msg)
	}
	if _, err := os.Stat(path); err == nil {
		return prep.Errorf(prep.Conflict, "lab new", "%s already exists; lab new does not overwrite (pick another SLUG or DIR)", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: a small working lab to rewrite into yours\ncheck it with: prep lab check %s\n", path, path)
	return nil
}
