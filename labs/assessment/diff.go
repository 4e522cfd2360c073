package assessment

import (
	"sort"
	"strings"
)

// maxDiffLines bounds the lines compared per file: past it a file's change is given as
// "replaced", since the table below grows with the product of both lengths.
const maxDiffLines = 2000

// Diff returns a line diff from the files a to b, file by file in name order: lines
// only in a start with "-", only in b with "+", common ones with " ". A file new in b
// is all "+". Unchanged files are left out.
func Diff(a, b map[string]string) string {
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out strings.Builder
	for _, n := range sorted {
		x, y := a[n], b[n]
		if x == y {
			continue
		}
		out.WriteString("--- " + n + "\n+++ " + n + "\n")
		out.WriteString(lineDiff(splitLines(x), splitLines(y)))
	}
	return out.String()
}

func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] += "\n" // a last line without its newline compares as one with it
	}
	return lines
}

// lineDiff is the longest-common-subsequence diff of x and y.
func lineDiff(x, y []string) string {
	var out strings.Builder
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		for _, l := range x {
			out.WriteString("-" + l)
		}
		for _, l := range y {
			out.WriteString("+" + l)
		}
		return out.String()
	}
	// lcs[i][j] is the length of the LCS of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out.WriteString(" " + x[i])
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out.WriteString("-" + x[i])
			i++
		default:
			out.WriteString("+" + y[j])
			j++
		}
	}
	return out.String()
}
