package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Multiple assignments (`a, b = x, y`, `a, b := x, y`, `var a, b = x, y`). yaegi gets
// them wrong in two ways:
//
//   - when a right-hand side is a call, a receive or a composite literal, it writes that
//     value straight into its destination and then skips the statement, so the other
//     destinations are never assigned: `a, b = 1, f()` leaves a unchanged;
//   - with an interface-typed destination it copies the values through temporaries of
//     the wrong type and panics (reflect.Set ... valueInterface), even in a plain swap;
//     with an untyped nil on the right it panics too (reflect: New(nil)).
//
// The first is avoided by parenthesising those right-hand sides (yaegi then evaluates
// them like any other expression), a nil by giving it its destination's type, the
// second by splitting the statement into
// temporaries and single assignments, which keeps Go's order: every right-hand side is
// evaluated, left to right, before anything is assigned.

// assign rewrites a multiple assignment or short variable declaration, and a composite
// literal assigned to an interface-typed field, element or map entry (which yaegi also
// writes straight into its destination, unconverted: reflect.Set panics).
func (r *rewriter) assign(n *ast.AssignStmt) {
	if len(n.Lhs) == 1 && len(n.Rhs) == 1 && n.Tok == token.ASSIGN {
		if t := r.destType(n.Lhs[0], false); t != nil && types.IsInterface(t) {
			if _, ok := n.Rhs[0].(*ast.CompositeLit); ok {
				r.wrap(n.Rhs[0], "(", ")")
			}
		}
		return
	}
	if len(n.Lhs) < 2 || len(n.Lhs) != len(n.Rhs) || (n.Tok != token.ASSIGN && n.Tok != token.DEFINE) {
		return
	}
	define := n.Tok == token.DEFINE
	dests := make([]types.Type, len(n.Lhs))
	iface := false
	for i, l := range n.Lhs {
		dests[i] = r.destType(l, define)
		iface = iface || (dests[i] != nil && types.IsInterface(dests[i]))
	}
	if !iface {
		r.parenthesise(n.Rhs)
		r.typeNils(n.Rhs, dests)
		return
	}
	if !r.statementPosition(n) {
		r.unsupported(n.Pos(), "the grader's interpreter gets a multiple assignment to an interface-typed variable wrong, and here (a for, if or switch header) it cannot be split for it; assign one value per statement (for a loop's post statement, at the end of the body)")
		return
	}
	for _, l := range n.Lhs {
		if r.hasCall(l) {
			r.unsupported(l.Pos(), "a multiple assignment to an interface-typed variable, with a call on its left-hand side, is one the grader's interpreter gets wrong; compute the index or operand into a variable first")
			return
		}
	}
	temps := make([]string, len(n.Rhs))
	decls := make([]string, len(n.Rhs))
	for i, rhs := range n.Rhs {
		if blank(n.Lhs[i]) {
			decls[i] = "_ = "
			continue
		}
		temps[i] = r.fresh("t")
		if define && r.p.info.Defs[n.Lhs[i].(*ast.Ident)] != nil {
			decls[i] = temps[i] + " := " // a new variable takes the value's own type
			continue
		}
		d, ok := r.tempDecl(temps[i], dests[i], rhs)
		if !ok {
			r.unsupported(rhs.Pos(), "a multiple assignment to an interface-typed variable is one the grader's interpreter gets wrong; assign the values in separate statements")
			return
		}
		decls[i] = d
	}
	// The assignments: destinations with operands (s[i], p.f) first, so that they use
	// the operands' values from before the statement, as Go's do; then plain variables.
	var sets []string
	for pass := 0; pass < 2; pass++ {
		for i, l := range n.Lhs {
			_, plain := l.(*ast.Ident)
			if temps[i] == "" || plain != (pass == 1) {
				continue
			}
			op := " = "
			if define && r.p.info.Defs[l.(*ast.Ident)] != nil {
				op = " := "
			}
			sets = append(sets, r.text(l)+op+temps[i])
		}
	}
	open, end := "", ""
	if !define {
		open, end = "{ ", " }" // the temporaries stay out of the enclosing scope
	}
	r.replace(n.Pos(), n.Rhs[0].Pos(), open+decls[0])
	for i := 1; i < len(n.Rhs); i++ {
		r.replace(n.Rhs[i-1].End(), n.Rhs[i].Pos(), "; "+decls[i])
	}
	r.close(n.Rhs[len(n.Rhs)-1].End(), "; "+strings.Join(sets, "; ")+end)
}

// valueSpec rewrites `var a, b [T] = x, y`: as a multiple assignment, split into one
// declaration per variable when an interface type is involved — through temporaries
// inside a function, where x or y may name an outer a or b.
func (r *rewriter) valueSpec(gd *ast.GenDecl, s *ast.ValueSpec) {
	if gd.Tok != token.VAR || len(s.Names) != len(s.Values) {
		return
	}
	if len(s.Names) == 1 {
		// yaegi writes a composite literal straight into an interface-typed variable
		// too, unconverted.
		if t := r.p.info.TypeOf(s.Type); t != nil && types.IsInterface(t) {
			r.parenthesise(s.Values)
		}
		return
	}
	iface := false
	for _, id := range s.Names {
		if obj := r.p.info.Defs[id]; obj != nil && types.IsInterface(obj.Type()) {
			iface = true
		}
	}
	if !iface {
		r.parenthesise(s.Values)
		if s.Type != nil {
			dests := make([]types.Type, len(s.Values))
			for i := range dests {
				dests[i] = r.p.info.TypeOf(s.Type)
			}
			r.typeNils(s.Values, dests)
		}
		return
	}
	typ := ""
	if s.Type != nil {
		typ = " " + r.text(s.Type)
	}
	sep := "; "
	if !gd.Lparen.IsValid() {
		sep = "; var "
	}
	local := r.p.types.Scope().Lookup(s.Names[0].Name) != r.p.info.Defs[s.Names[0]]
	if !local {
		r.replace(s.Names[0].Pos(), s.Values[0].Pos(), s.Names[0].Name+typ+" = ")
		for i := 1; i < len(s.Values); i++ {
			r.replace(s.Values[i-1].End(), s.Values[i].Pos(), sep+s.Names[i].Name+typ+" = ")
		}
		return
	}
	temps := make([]string, len(s.Names))
	var sets []string
	for i, id := range s.Names {
		temps[i] = r.fresh("t")
		sets = append(sets, id.Name+typ+" = "+temps[i])
	}
	r.replace(s.Names[0].Pos(), s.Values[0].Pos(), temps[0]+typ+" = ")
	for i := 1; i < len(s.Values); i++ {
		r.replace(s.Values[i-1].End(), s.Values[i].Pos(), sep+temps[i]+typ+" = ")
	}
	r.close(s.Values[len(s.Values)-1].End(), sep+strings.Join(sets, sep))
}

// parenthesise wraps the calls, receives and composite literals among exprs in
// parentheses, so yaegi does not write them straight into their destinations.
func (r *rewriter) parenthesise(exprs []ast.Expr) {
	for _, e := range exprs {
		switch x := e.(type) {
		case *ast.CallExpr, *ast.CompositeLit:
			r.wrap(e, "(", ")")
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				r.wrap(e, "(", ")")
			}
		}
	}
}

// typeNils gives each untyped nil among exprs the type of its destination: yaegi
// panics (reflect: New(nil)) on `p.prev, p.next = nil, nil`.
func (r *rewriter) typeNils(exprs []ast.Expr, dests []types.Type) {
	for i, e := range exprs {
		if !r.p.info.Types[e].IsNil() || dests[i] == nil {
			continue
		}
		if T, ok := r.localTypeName(dests[i]); ok {
			r.replace(e.Pos(), e.End(), "("+T+")(nil)")
		} else {
			r.unsupported(e.Pos(), "a nil in a multiple assignment to a variable of type %s is one the grader's interpreter gets wrong; assign it in a statement of its own", dests[i])
		}
	}
}

// destType is the type a destination of an assignment has, nil for the blank one.
func (r *rewriter) destType(l ast.Expr, define bool) types.Type {
	if blank(l) {
		return nil
	}
	if id, ok := l.(*ast.Ident); ok {
		if obj := r.p.info.Defs[id]; obj != nil {
			return obj.Type()
		}
		if obj := r.p.info.Uses[id]; obj != nil {
			return obj.Type()
		}
	}
	return r.p.info.Types[l].Type
}

// tempDecl declares name with type t holding rhs, spelling t where rhs's own type would
// not do (an untyped constant, or a different type that converts on assignment).
func (r *rewriter) tempDecl(name string, t types.Type, rhs ast.Expr) (string, bool) {
	if T, ok := r.localTypeName(t); ok {
		return "var " + name + " " + T + " = ", true
	}
	rt := r.p.info.Types[rhs].Type
	if rt == nil || !types.Identical(rt, t) {
		return "", false
	}
	return name + " := ", true
}

// statementPosition reports whether n is a statement of a block or case body, where it
// can become several statements.
func (r *rewriter) statementPosition(n ast.Stmt) bool {
	var cur ast.Node = n
	if l, ok := r.parents[n].(*ast.LabeledStmt); ok {
		cur = l
	}
	switch p := r.parents[cur].(type) {
	case *ast.BlockStmt:
		return true
	case *ast.CaseClause:
		return true
	case *ast.CommClause:
		return p.Comm != cur
	}
	return false
}

// hasCall reports whether e calls a function (conversions and builtins aside) or
// receives from a channel.
func (r *rewriter) hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if tv, ok := r.p.info.Types[x.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
				return true
			}
			found = true
		case *ast.UnaryExpr:
			found = found || x.Op == token.ARROW
		}
		return !found
	})
	return found
}

func blank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}
