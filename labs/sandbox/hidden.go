package sandbox

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// A candidate sees the hidden tests' names and failure messages, never their code: a
// problem located in a hidden file is told without its position or anything quoted from
// it — what kind of problem it is, and which of the candidate's own declarations the
// hidden code was using there.

// problemKinds are the code-free heads of the messages of go/types (and the
// interpreter), in the order tried: the first found in a message names its kind.
var problemKinds = []string{
	"mismatched types",
	"assignment mismatch",
	"not enough arguments",
	"too many arguments",
	"not enough return values",
	"too many return values",
	"has no field or method",
	"undefined",
	"does not implement",
	"missing method",
	"cannot convert",
	"cannot use",
	"cannot assign",
	"cannot range over",
	"cannot call non-function",
	"cannot infer",
	"is not a type",
	"is not a generic",
	"declared and not used",
	"imported and not used",
	"missing return",
	"invalid operation",
	"invalid argument",
	"invalid composite literal",
	"syntax error",
}

// hiddenMsg describes a problem msg at pos in a hidden file without quoting it. info,
// when given, tells which of the candidate's declarations the code there uses.
func (p *pkgState) hiddenMsg(pos token.Pos, msg string, info *types.Info) string {
	kind := "a problem"
	for _, k := range problemKinds {
		if strings.Contains(msg, k) {
			kind = k
			break
		}
	}
	out := "a hidden test does not compile against your code (" + kind
	if names := p.candidateNamesAt(pos, info); len(names) > 0 {
		out += fmt.Sprintf(", where it uses your %s", strings.Join(names, ", "))
	}
	return out + "): check the names and signatures against the statement"
}

// candidateNamesAt returns the names of the candidate's declarations used in the
// innermost statement (or declaration) of a hidden file around pos.
func (p *pkgState) candidateNamesAt(pos token.Pos, info *types.Info) []string {
	if info == nil || !pos.IsValid() {
		return nil
	}
	var file *ast.File
	for _, af := range p.asts {
		if af.FileStart <= pos && pos <= af.FileEnd {
			file = af
		}
	}
	if file == nil {
		return nil
	}
	var around ast.Node
	ast.Inspect(file, func(n ast.Node) bool {
		if n == nil || pos < n.Pos() || pos >= n.End() {
			return false
		}
		switch n.(type) {
		case ast.Stmt, ast.Decl:
			if _, block := n.(*ast.BlockStmt); !block {
				around = n
			}
		}
		return true
	})
	if around == nil {
		return nil
	}
	seen := map[string]bool{}
	ast.Inspect(around, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := info.Uses[id]
		if obj == nil || obj.Pkg() == nil || obj.Pkg().Name() != p.name || !obj.Pos().IsValid() {
			return true
		}
		if p.roles[p.fset.Position(obj.Pos()).Filename] == roleCode {
			seen[obj.Name()] = true
		}
		return true
	})
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 4 {
		names = names[:4]
	}
	return names
}
