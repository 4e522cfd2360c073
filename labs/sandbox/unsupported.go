package sandbox

import (
	"fmt"
	"go/ast"
	"go/types"

	"prep/labs"
)

// unsupported finds valid Go that yaegi would crash on or silently run differently, and
// that the rewrite cannot fix, and says what to write instead. The table of programs in
// semantics_test.go checks each entry against the real go command.
func (p *pkgState) unsupported() *loadError {
	var diags []labs.Diagnostic
	add := func(n ast.Node, format string, args ...any) {
		diags = append(diags, p.diag(n.Pos(), fmt.Sprintf(format, args...)))
	}
	p.recursiveGenerics(add)
	if len(diags) > 0 {
		return p.fail(labs.Unsupported, "your code uses Go the grader's interpreter cannot run faithfully; write it as suggested", diags)
	}
	return nil
}

// recursiveGenerics reports generic types with two or more type parameters that refer
// to themselves, directly or through other generic types of the package: yaegi crashes
// the process (unrecoverably) while loading them.
func (p *pkgState) recursiveGenerics(add func(ast.Node, string, ...any)) {
	decls := map[*types.TypeName]*ast.TypeSpec{}
	for _, af := range p.asts {
		for _, d := range af.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range gd.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && ts.TypeParams != nil {
					if tn, ok := p.info.Defs[ts.Name].(*types.TypeName); ok {
						decls[tn] = ts
					}
				}
			}
		}
	}
	refs := func(ts *ast.TypeSpec) []*types.TypeName {
		var out []*types.TypeName
		ast.Inspect(ts.Type, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if tn, ok := p.info.Uses[id].(*types.TypeName); ok && decls[tn] != nil {
					out = append(out, tn)
				}
			}
			return true
		})
		return out
	}
	for tn, ts := range decls {
		if ts.TypeParams.NumFields() < 2 {
			continue
		}
		seen := map[*types.TypeName]bool{}
		stack := refs(ts)
		for len(stack) > 0 {
			cur := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if cur == tn {
				add(ts, "generic type %s has %d type parameters and refers to itself; the grader's interpreter crashes on such types — use one type parameter (e.g. a node holding a struct of key and value) or concrete types",
					tn.Name(), ts.TypeParams.NumFields())
				break
			}
			if !seen[cur] {
				seen[cur] = true
				stack = append(stack, refs(decls[cur])...)
			}
		}
	}
}
