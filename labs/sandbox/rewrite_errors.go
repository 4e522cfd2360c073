package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Errors. Compiled errors.Is, errors.As and errors.Unwrap never call the code's own Is,
// As and Unwrap methods and cannot compare the code's pointers, and == between two
// errors holding the code's pointers panics (yaegi hands both over in the same
// uncomparable wrapper). Calls to those functions go to generated helpers that walk
// the error tree as the standard library does (helpers_errors.go), and comparisons of
// errors to a helper that compares by dynamic type.

// errorsCall rewrites a call of errors.Is, As or Unwrap; it reports whether n was one.
func (r *rewriter) errorsCall(n *ast.CallExpr) bool {
	sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := r.p.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "errors" || n.Ellipsis.IsValid() {
		return false
	}
	var name string
	switch {
	case fn.Name() == "Is" && len(n.Args) == 2:
		name = r.h.errorsIs()
	case fn.Name() == "Unwrap" && len(n.Args) == 1:
		name = r.h.errorsUnwrap()
	case fn.Name() == "As" && len(n.Args) == 2:
		name = r.errorsAs(n)
	}
	if name == "" {
		return false
	}
	r.replace(n.Fun.Pos(), n.Fun.End(), name)
	return true
}

// errorsAs returns the helper for errors.As(err, target) with target of type *E, or ""
// to leave the call to the compiled errors.As (whose panics on a bad target are Go's).
func (r *rewriter) errorsAs(n *ast.CallExpr) string {
	ptr, ok := r.p.info.Types[n.Args[1]].Type.Underlying().(*types.Pointer)
	if !ok {
		return ""
	}
	elem := ptr.Elem()
	if !types.IsInterface(elem) && !types.Implements(elem, errorIface) {
		return ""
	}
	var assert func(x string) string
	if name, handled := r.assertHelper(errorT, elem, true); handled {
		if name == "" {
			r.unsupported(n.Pos(), "errors.As with a target of type %s, declared inside a function, is something the grader's interpreter cannot do; declare the type at package level", elem)
			return ""
		}
		assert = func(x string) string { return name + "(" + x + ")" }
	} else {
		E, ok := r.h.typeName(elem)
		if !ok {
			r.unsupported(n.Pos(), "errors.As with a target of type %s, declared inside a function, is something the grader's interpreter cannot do; declare the type at package level", elem)
			return ""
		}
		assert = func(x string) string { return x + ".(" + E + ")" }
	}
	name, ok := r.h.errorsAs(elem, assert)
	if !ok {
		return ""
	}
	return name
}

// errCompare rewrites a == b and a != b between two errors (or an error and a value of
// the code's error type) as a call of the comparing helper.
func (r *rewriter) errCompare(n *ast.BinaryExpr) {
	if n.Op != token.EQL && n.Op != token.NEQ {
		return
	}
	if !r.errOperands(n.X, n.Y) {
		return
	}
	not := ""
	if n.Op == token.NEQ {
		not = "!"
	}
	r.insert(n.X.Pos(), not+r.h.errEq()+"(")
	r.replace(n.X.End(), n.Y.Pos(), ", ")
	r.close(n.Y.End(), ")")
}

// errOperands reports whether comparing x and y compares two error values, neither
// the literal nil.
func (r *rewriter) errOperands(x, y ast.Expr) bool {
	tx, ty := r.p.info.Types[x], r.p.info.Types[y]
	if tx.IsNil() || ty.IsNil() || tx.Type == nil || ty.Type == nil {
		return false
	}
	isErr := func(t types.Type) bool { return types.Identical(t, errorT) }
	ownErr := func(t types.Type) bool { return !types.IsInterface(t) && r.ownError(t) }
	return (isErr(tx.Type) && (isErr(ty.Type) || ownErr(ty.Type))) || (isErr(ty.Type) && ownErr(tx.Type))
}

// errSwitch turns `switch [init;] err { case A, B: ... }` over an error into
// `switch t := err; { case eq(t, A) || eq(t, B): ... }`, inside a block when there is an
// init statement.
func (r *rewriter) errSwitch(n *ast.SwitchStmt) {
	if n.Tag == nil || !types.Identical(r.p.info.Types[n.Tag].Type, errorT) {
		return
	}
	tmp := r.fresh("sw")
	if n.Init != nil {
		if _, labeled := r.parents[n].(*ast.LabeledStmt); labeled {
			r.unsupported(n.Pos(), "a labeled switch over an error with an init statement: move the init statement before the switch")
			return
		}
		r.replace(n.Switch, n.Init.Pos(), "{ ")
		r.replace(n.Init.End(), n.Tag.Pos(), "; switch "+tmp+" := ")
		r.close(n.Body.Rbrace+1, " }")
	} else {
		r.insert(n.Tag.Pos(), tmp+" := ")
	}
	r.close(n.Tag.End(), ";")
	eq := r.h.errEq()
	for _, s := range n.Body.List {
		cc := s.(*ast.CaseClause)
		for k, e := range cc.List {
			if k > 0 {
				r.replace(cc.List[k-1].End(), e.Pos(), " || ")
			}
			if r.p.info.Types[e].IsNil() {
				r.replace(e.Pos(), e.End(), tmp+" == nil")
				continue
			}
			r.insert(e.Pos(), eq+"("+tmp+", ")
			r.close(e.End(), ")")
		}
	}
}
