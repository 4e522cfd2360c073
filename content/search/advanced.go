package search

import (
	"strings"
)

// AdvancedHelp explains the advanced syntax in one line, for pages and help text.
const AdvancedHelp = `Advanced syntax: words are optional and rank by how many match; AND between two words makes both required, NOT (or -) before a word excludes it, OR is the default; "a phrase" in quotes; field:word with title, prompt, keypoints, body, tags, kind, level or topic.`

// AdvancedExamples are queries in the advanced syntax, each with what it finds.
var AdvancedExamples = []struct{ Query, Finds string }{
	{`kafka AND lag`, "cards that mention both kafka and lag"},
	{`cache NOT redis`, "cache cards that do not mention redis"},
	{`"split brain" OR fencing`, "either the phrase or the word"},
	{`title:cache kind:incident`, "cache in the title, incidents ranked first"},
	{`+tags:kubernetes -kind:concept`, "kubernetes-tagged cards that are not concepts"},
}

// booleanToQueryString rewrites the words AND, OR and NOT (in capitals, as operators)
// into bleve's query-string prefixes: both sides of an AND become required (+), the word
// after NOT excluded (-), and OR is what a space means already. Quoted phrases are kept
// whole. bleve's syntax has no grouping, so "a OR b AND c" means a, optionally, with b
// and c required.
func booleanToQueryString(text string) string {
	toks := splitQuoted(text)
	must := make([]bool, len(toks))
	not := make([]bool, len(toks))
	op := func(i int) string {
		if i < 0 || i >= len(toks) {
			return ""
		}
		switch toks[i] {
		case "AND", "OR", "NOT":
			return toks[i]
		}
		return ""
	}
	for i := range toks {
		if op(i) != "" {
			continue
		}
		// the operand before this one, skipping a NOT, joined by AND
		prev := i - 1
		if op(prev) == "NOT" {
			not[i] = true
			prev--
		}
		if op(prev) == "AND" {
			must[i] = true
			for j := prev - 1; j >= 0; j-- {
				if op(j) == "" {
					must[j] = true
					break
				}
			}
		}
	}
	var out []string
	for i, t := range toks {
		if op(i) != "" {
			continue
		}
		switch {
		case strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-"):
		case not[i]:
			t = "-" + t
		case must[i]:
			t = "+" + t
		}
		out = append(out, t)
	}
	return strings.Join(out, " ")
}

// splitQuoted splits text at spaces outside double quotes.
func splitQuoted(text string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case !quoted && (r == ' ' || r == '\t' || r == '\n'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
