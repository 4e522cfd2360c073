package prep

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a file the user wrote (a card, a lab), at a place in
// it. Its text is meant for that user: what is wrong and how to fix it.
type Problem struct {
	Path string
	Line int // 1-based; 0 when the problem concerns the whole file
	Msg  string
}

// String formats the problem as path:line: message, the form editors jump to.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Msg)
}

// Problems is every problem found at once. As an error it reads as one problem a line.
type Problems []Problem

// Error implements error.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Sorted sorts the problems by path, then line, and returns them.
func (ps Problems) Sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Path != ps[j].Path {
			return ps[i].Path < ps[j].Path
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}
