package web

import (
	"fmt"
	"html/template"
	"math"
	"regexp"
	"strings"

	"prep/labs"
)

// verdictWords says each verdict in words, for people; the API keeps the codes.
var verdictWords = map[string]string{
	string(labs.Passed):          "Passed",
	string(labs.Failed):          "Failed",
	string(labs.CompileError):    "Does not compile",
	string(labs.Unsupported):     "Not supported by the grader",
	string(labs.ForbiddenImport): "Forbidden import",
	string(labs.Timeout):         "Timed out",
	string(labs.MemoryLimit):     "Memory limit exceeded",
	string(labs.Crash):           "Crashed",
	string(labs.ThreadSafety):    "Data race",
	string(labs.OutputLimit):     "Too much output",
	"invalid":                    "Not accepted",
	"attempted":                  "Attempted",
}

// statusWords says each test status in words.
var statusWords = map[labs.Status]string{
	labs.StatusPass:   "passed",
	labs.StatusFail:   "failed",
	labs.StatusSkip:   "not run",
	labs.StatusNotRun: "not run",
}

// labFuncs are the template functions of the lab pages.
var labFuncs = template.FuncMap{
	"verdictText": func(v any) string {
		s := fmt.Sprint(v)
		if w, ok := verdictWords[s]; ok {
			return w
		}
		return strings.ReplaceAll(s, "_", " ")
	},
	"statusText": func(s labs.Status) string {
		if w, ok := statusWords[s]; ok {
			return w
		}
		return strings.ReplaceAll(string(s), "_", " ")
	},
	"perfRan":      perfRan,
	"msToS":        func(ms int64) float64 { return float64(ms) / 1000 },
	"perfBar":      perfBar,
	"netGrowth":    func(p *labs.PerfResult) float64 { return p.Growth / math.Max(1, p.ReferenceGrowth) },
	"locations":    locations,
	"firstFailure": firstFailure,
	"counts": func(r *labs.Result) string {
		pass, _, _ := r.Counts()
		return fmt.Sprintf("%d of %d tests passed", pass, len(r.Tests))
	},
}

// perfRan reports whether a performance test was measured (it is not when a functional
// test failed first, or the run stopped before it).
func perfRan(p *labs.PerfResult) bool {
	return p != nil && len(p.Sizes) > 0 && p.Ratio > 0
}

// perfBar draws value against its budget as an SVG bar (attributes only: the pages'
// CSP allows no inline styles). The scale leaves room past the budget so that both a
// pass and a fail read at a glance.
func perfBar(value, budget float64) template.HTML {
	scale := math.Max(budget*1.5, value*1.05)
	if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return ""
	}
	w := func(x float64) string { return fmt.Sprintf("%.1f", math.Min(100, 100*x/scale)) }
	class := "ok"
	if value > budget {
		class = "over"
	}
	return template.HTML(fmt.Sprintf(`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">`+
		`<rect class="track" width="100" height="10"/><rect class="fill %s" width="%s" height="10"/>`+
		`<line class="budget" x1="%s" x2="%s" y1="0" y2="10"/></svg>`, class, w(value), w(budget), w(budget)))
}

// firstFailure returns the index of the first failed test, or -1.
func firstFailure(r *labs.Result) int {
	for i, t := range r.Tests {
		if t.Status == labs.StatusFail {
			return i
		}
	}
	return -1
}

// locRE matches a place in a Go file as the grader writes it: lru.go:12 or lru.go:12:5.
var locRE = regexp.MustCompile(`\b([A-Za-z0-9_]+\.go):(\d+)(?::(\d+))?`)

// locations escapes text and turns each place in one of the editor's files into a link
// the editor follows (and, without JavaScript, to that file's text area).
func locations(text string, files []editorFile) template.HTML {
	known := map[string]bool{}
	for _, f := range files {
		known[f.Name] = true
	}
	var b strings.Builder
	last := 0
	for _, m := range locRE.FindAllStringSubmatchIndex(text, -1) {
		name := text[m[2]:m[3]]
		if !known[name] {
			continue
		}
		col := "0"
		if m[6] >= 0 {
			col = text[m[6]:m[7]]
		}
		b.WriteString(template.HTMLEscapeString(text[last:m[0]]))
		fmt.Fprintf(&b, `<a class="loc" href="#f-%s" data-file="%s" data-line="%s" data-col="%s">%s</a>`,
			template.HTMLEscapeString(name), template.HTMLEscapeString(name), text[m[4]:m[5]], col, template.HTMLEscapeString(text[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}
