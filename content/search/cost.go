package search

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"prep"
)

// Limits on the costly parts of an advanced query. A wildcard, regular expression or
// fuzzy term is matched against every term of the index dictionary and expands into a
// disjunction of all the terms it matches, so a handful of them is as much as one
// anonymous request may ask for; a pattern must start with plain characters so that only
// a slice of the dictionary is walked.
const (
	MaxPatternTerms  = 4  // wildcard, regular expression and fuzzy terms in one query
	MaxPatternLen    = 32 // characters of one such term
	MinPatternPrefix = 2  // plain characters a wildcard or regular expression starts with
	MaxFuzziness     = 2  // edit distance of a fuzzy term (term~N)
	maxRegexpNodes   = 64 // size of a regular expression once its repetitions are expanded
)

// checkCost inspects a parsed advanced query and refuses one whose cost is unbounded,
// saying which part is too costly and what to write instead. It runs before the query
// does, so a refused query costs nothing.
func checkCost(q query.Query) error {
	n := 0
	return walkCost(q, &n)
}

func walkCost(q query.Query, n *int) error {
	const op = "search"
	count := func(what, pattern string) error {
		*n++
		if *n > MaxPatternTerms {
			return prep.Errorf(prep.Invalid, op, "too many wildcard, regular expression or fuzzy terms: at most %d in one query", MaxPatternTerms)
		}
		if l := utf8.RuneCountInString(pattern); l > MaxPatternLen {
			return prep.Errorf(prep.Invalid, op, "%s %q is %d characters long; the limit is %d", what, abbrev(pattern), l, MaxPatternLen)
		}
		return nil
	}
	fuzzy := func(term string, fuzziness int) error {
		if fuzziness == 0 {
			return nil
		}
		if fuzziness < 0 || fuzziness > MaxFuzziness {
			return prep.Errorf(prep.Invalid, op, "fuzzy term %q~%d: the edit distance after ~ must be 1 or 2", abbrev(term), fuzziness)
		}
		return count("fuzzy term", term)
	}
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, sub := range []query.Query{q.Must, q.Should, q.MustNot, q.Filter} {
			if sub != nil {
				if err := walkCost(sub, n); err != nil {
					return err
				}
			}
		}
	case *query.ConjunctionQuery:
		for _, sub := range q.Conjuncts {
			if err := walkCost(sub, n); err != nil {
				return err
			}
		}
	case *query.DisjunctionQuery:
		for _, sub := range q.Disjuncts {
			if err := walkCost(sub, n); err != nil {
				return err
			}
		}
	case *query.WildcardQuery:
		if err := count("wildcard", q.Wildcard); err != nil {
			return err
		}
		if i := strings.IndexAny(q.Wildcard, "*?"); i < MinPatternPrefix {
			return prep.Errorf(prep.Invalid, op, "wildcard %q: start it with at least %d plain characters (like ab*), not with * or ?", abbrev(q.Wildcard), MinPatternPrefix)
		}
	case *query.RegexpQuery:
		if err := count("regular expression", q.Regexp); err != nil {
			return err
		}
		if err := checkRegexp(q.Regexp); err != nil {
			return err
		}
	case *query.FuzzyQuery:
		return fuzzy(q.Term, q.Fuzziness)
	case *query.MatchQuery:
		return fuzzy(q.Match, q.Fuzziness)
	case *query.MatchPhraseQuery:
		return fuzzy(q.MatchPhrase, q.Fuzziness)
	}
	return nil
}

// checkRegexp refuses a regular expression that does not start with plain characters or
// whose repetitions expand it past maxRegexpNodes ("x{0,1000}").
func checkRegexp(pattern string) error {
	const op = "search"
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return prep.Errorf(prep.Invalid, op, "regular expression /%s/: %v", abbrev(pattern), err)
	}
	if prefix := literalPrefix(re); utf8.RuneCountInString(prefix) < MinPatternPrefix {
		return prep.Errorf(prep.Invalid, op, "regular expression /%s/: start it with at least %d plain characters (like /ab.*/)", abbrev(pattern), MinPatternPrefix)
	}
	if nodes(re.Simplify(), maxRegexpNodes+1) > maxRegexpNodes {
		return prep.Errorf(prep.Invalid, op, "regular expression /%s/ is too complex: use fewer or smaller repetitions ({n,m})", abbrev(pattern))
	}
	return nil
}

// literalPrefix returns the plain text every match of re starts with.
func literalPrefix(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpConcat:
		var b strings.Builder
		for _, sub := range re.Sub {
			p := literalPrefix(sub)
			b.WriteString(p)
			if sub.Op != syntax.OpLiteral || p == "" {
				break
			}
		}
		return b.String()
	case syntax.OpCapture:
		return literalPrefix(re.Sub[0])
	}
	return ""
}

// nodes counts the nodes of re, stopping once limit is reached.
func nodes(re *syntax.Regexp, limit int) int {
	n := 1
	for _, sub := range re.Sub {
		if n >= limit {
			break
		}
		n += nodes(sub, limit-n)
	}
	return n
}

// abbrev shortens s for an error message.
func abbrev(s string) string {
	if utf8.RuneCountInString(s) <= MaxPatternLen {
		return s
	}
	return string([]rune(s)[:MaxPatternLen]) + "…"
}
