// Package similarity finds code two submissions share, as MOSS does: each submission is
// reduced to a stream of tokens that ignores identifiers, literals, comments and
// layout; every run of K tokens is hashed, and winnowing over windows of W hashes keeps
// a few of them as the submission's fingerprints. Two submissions are compared by the
// fingerprints they share after those of the lab's starter and reference are removed,
// so code every candidate got, or the code the lab expects, does not count.
//
// The package is pure: it knows no HTTP, SQL or lab format; a submission is a map from
// file names to Go source.
package similarity

import (
	"go/scanner"
	"go/token"
	"sort"
)

// K, W and Threshold were chosen from TestParameters, which runs over every embedded
// lab: each pair of its independent correct solutions (the ok-* fixtures), and each of
// them against a disguised copy of itself (identifiers renamed, literals changed,
// comments added, re-printed with other layout, declarations reversed). With K=12 and
// W=8 the independent solutions share at most 22% and the copies at least 82%; K=8
// brought independent ones to 29%, K=20 let reordered copies fall to 62% and K=25 to
// 45%. The threshold sits between the two, with room on both sides.
const (
	// K is the length, in tokens, of a hashed run. Since every identifier and every
	// literal of a kind is the same token, a run must be long for a shared hash to mean
	// shared code rather than a common idiom ("if x, ok := m[k]; ok {" is 11 tokens).
	K = 12
	// W is the winnowing window, in hashes: any shared run of at least W+K-1 tokens is
	// guaranteed to share a fingerprint.
	W = 8
	// Threshold is the score, in percent, at or above which a pair is reported.
	Threshold = 50.0
)

// Tok is one normalized token of a submission.
type Tok struct {
	Kind token.Token // token.IDENT for every identifier, one kind per literal
	File string
	Line int
}

// Print is a fingerprint: the hash of the K tokens from Pos on.
type Print struct {
	Hash uint64
	Pos  int // index in Doc.Toks of the first token of the run
}

// Doc is a submission reduced for comparison.
type Doc struct {
	Toks   []Tok
	Prints []Print  // winnowed fingerprints, in order of position
	Grams  []uint64 // the hash of every run of K tokens; Grams[i] starts at Toks[i]
}

// Tokens returns the normalized tokens of files, file by file in name order. Comments
// and semicolons (inserted or written) are dropped; identifiers become token.IDENT and
// literals their kind; keywords and operators stay as they are. Source that does not
// scan is tokenized as far as the scanner gets: a broken submission is still compared.
func Tokens(files map[string]string) []Tok {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Tok
	fset := token.NewFileSet()
	for _, n := range names {
		src := []byte(files[n])
		f := fset.AddFile(n, -1, len(src))
		var s scanner.Scanner
		s.Init(f, src, func(token.Position, string) {}, 0)
		for {
			pos, tok, _ := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.SEMICOLON || tok == token.ILLEGAL {
				continue
			}
			out = append(out, Tok{Kind: tok, File: n, Line: f.Line(pos)})
		}
	}
	return out
}

// New reduces files to a Doc: their tokens, the hash of every K-token run, and the
// winnowed fingerprints.
func New(files map[string]string) *Doc {
	d := &Doc{Toks: Tokens(files)}
	d.Grams = grams(d.Toks)
	d.Prints = winnow(d.Grams)
	return d
}

// grams hashes every run of K tokens with a polynomial rolling hash.
func grams(toks []Tok) []uint64 {
	if len(toks) < K {
		return nil
	}
	const base = 1000003
	var pow uint64 = 1 // base^(K-1)
	for i := 1; i < K; i++ {
		pow *= base
	}
	out := make([]uint64, 0, len(toks)-K+1)
	var h uint64
	for i, t := range toks {
		if i >= K {
			h -= uint64(toks[i-K].Kind+1) * pow
		}
		h = h*base + uint64(t.Kind+1)
		if i >= K-1 {
			out = append(out, mix(h))
		}
	}
	return out
}

// mix spreads the rolling hash's bits, so the minimum of a window is not biased
// towards runs starting with low token kinds.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// winnow keeps, of every window of W consecutive hashes, the minimum (the rightmost
// one on ties), each selected position once (Schleimer, Wilkerson and Aiken, 2003).
// A submission shorter than one window keeps its smallest hash.
func winnow(h []uint64) []Print {
	if len(h) == 0 {
		return nil
	}
	w := W
	if len(h) < w {
		w = len(h)
	}
	var out []Print
	last := -1
	for start := 0; start+w <= len(h); start++ {
		m := start
		for i := start + 1; i < start+w; i++ {
			if h[i] <= h[m] {
				m = i
			}
		}
		if m != last {
			out = append(out, Print{Hash: h[m], Pos: m})
			last = m
		}
	}
	return out
}
