package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// assignForms rewrites two statement forms that assign to variables declared before
// them, which yaegi runs wrongly, into a definition followed by an assignment:
//
//	for i, r = range s {      ->  for _prep_k1, _prep_v2 := range s { i, r = _prep_k1, _prep_v2;
//	case x.f = <-c:           ->  case _prep_r3 := <-c: x.f = _prep_r3;
//
// (yaegi never assigned the range variables, and received into a temporary for a
// field or an element.) Ranges over integers and functions have rewrites of their own.
func (r *rewriter) assignForms() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			r.rangeAssign(n)
		case *ast.CommClause:
			r.selectAssign(n)
		}
		return true
	})
}

func (r *rewriter) rangeAssign(n *ast.RangeStmt) {
	if n.Tok != token.ASSIGN || n.Key == nil {
		return
	}
	if t := r.p.info.Types[n.X].Type; t != nil {
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger != 0 {
				return
			}
		case *types.Signature:
			return
		}
	}
	var fresh []string
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if e == nil {
			continue
		}
		if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
			fresh = append(fresh, "_")
			continue
		}
		fresh = append(fresh, r.fresh("rv"))
	}
	var lhs, rhs []string
	i := 0
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if e == nil {
			continue
		}
		if fresh[i] != "_" {
			lhs = append(lhs, r.text(e))
			rhs = append(rhs, fresh[i])
		}
		i++
	}
	r.replace(n.Key.Pos(), n.TokPos+1, strings.Join(fresh, ", ")+" :=")
	if len(lhs) > 0 {
		r.insert(n.Body.Lbrace+1, " "+strings.Join(lhs, ", ")+" = "+strings.Join(rhs, ", ")+";")
	}
}

func (r *rewriter) selectAssign(c *ast.CommClause) {
	as, ok := c.Comm.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Rhs) != 1 {
		return
	}
	var fresh, lhs, rhs []string
	for _, e := range as.Lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name == "_" {
			fresh = append(fresh, "_")
			continue
		}
		name := r.fresh("rcv")
		fresh = append(fresh, name)
		lhs = append(lhs, r.text(e))
		rhs = append(rhs, name)
	}
	r.replace(as.Lhs[0].Pos(), as.TokPos+1, strings.Join(fresh, ", ")+" :=")
	if len(lhs) > 0 {
		r.insert(c.Colon+1, " "+strings.Join(lhs, ", ")+" = "+strings.Join(rhs, ", ")+";")
	}
}
