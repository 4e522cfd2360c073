package content

import (
	"fmt"

	"prep"
)

// problems collects problems while loading.
type problems struct{ list prep.Problems }

func (p *problems) add(path string, line int, format string, args ...any) {
	p.list = append(p.list, prep.Problem{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
}
