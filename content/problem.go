package content

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with the content, at a place in a file.
type Problem struct {
	Path string
	Line int // 1-based; 0 when the problem concerns the whole file
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Msg)
}

// Problems is every problem found in one load, sorted by path and line. As an error it
// reads as one problem a line.
type Problems []Problem

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

func (ps Problems) sorted() Problems {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Path != ps[j].Path {
			return ps[i].Path < ps[j].Path
		}
		return ps[i].Line < ps[j].Line
	})
	return ps
}

// problems collects problems while loading.
type problems struct{ list Problems }

func (p *problems) add(path string, line int, format string, args ...any) {
	p.list = append(p.list, Problem{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
}
