package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// typeVerbs makes %T print the code's type names as Go does ("main.point", "*lru.node"):
// yaegi's reflect types are unnamed, so fmt printed "struct { X int; Y int }". Where the
// format is a literal without argument indexes and the argument's static type is not an
// interface, that %T becomes %s and the argument the type's name, as a string literal
// (an argument with a call or a receive in it is left alone: it must still run; a
// conversion is fine).
func (r *rewriter) typeVerbs() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			r.typeVerb(call)
		}
		return true
	})
}

func (r *rewriter) typeVerb(n *ast.CallExpr) {
	sig, ok := r.p.info.Types[n.Fun].Type.(*types.Signature)
	if !ok || !sig.Variadic() || n.Ellipsis.IsValid() || !r.compiled(n.Fun) || !r.printfLike(n, sig) {
		return
	}
	np := sig.Params().Len()
	lit, ok := ast.Unparen(n.Args[np-2]).(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING || !strings.Contains(lit.Value, "%T") || strings.Contains(lit.Value, "\n") {
		return
	}
	format, err := strconv.Unquote(lit.Value)
	if err != nil || strings.Contains(format, "[") {
		return
	}
	args := n.Args[np-1:]
	out := []byte(format)
	changed := false
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("#0+- .0123456789*", format[i]) >= 0 {
			if format[i] == '*' {
				arg++
			}
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case 'T':
			if arg < len(args) {
				if name, ok := r.staticTypeName(args[arg]); ok {
					out[i] = 's'
					r.replace(args[arg].Pos(), args[arg].End(), strconv.Quote(name))
					changed = true
				}
			}
		}
		arg++
	}
	if changed {
		r.replace(lit.Pos(), lit.End(), strconv.Quote(string(out)))
	}
}

// staticTypeName returns what %T prints for e when that is known statically and differs
// from what the interpreter prints: e has one of the code's types (or a pointer, slice,
// map… of one), is not an interface, and computes nothing.
func (r *rewriter) staticTypeName(e ast.Expr) (string, bool) {
	t := r.p.info.Types[e].Type
	if t == nil || types.IsInterface(t) || !mentionsOwn(t, r.p.types) {
		return "", false
	}
	pure := true
	ast.Inspect(e, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.CallExpr:
			pure = pure && r.p.info.Types[m.Fun].IsType() // a conversion computes nothing
		case *ast.FuncLit:
			pure = false
		case *ast.UnaryExpr:
			pure = pure && m.Op != token.ARROW
		}
		return pure
	})
	if !pure {
		return "", false
	}
	return types.TypeString(t, func(p *types.Package) string { return p.Name() }), true
}

// mentionsOwn reports whether t is or is built from a type declared in pkg.
func mentionsOwn(t types.Type, pkg *types.Package) bool {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return t.Obj().Pkg() == pkg
	case *types.Pointer:
		return mentionsOwn(t.Elem(), pkg)
	case *types.Slice:
		return mentionsOwn(t.Elem(), pkg)
	case *types.Array:
		return mentionsOwn(t.Elem(), pkg)
	case *types.Map:
		return mentionsOwn(t.Key(), pkg) || mentionsOwn(t.Elem(), pkg)
	case *types.Chan:
		return mentionsOwn(t.Elem(), pkg)
	}
	return false
}
