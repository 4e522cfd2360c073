package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// rangeFuncs rewrites every range over a function (Go 1.23 iterators) the way the Go
// compiler lowers it: the loop body becomes the yield function, `continue` its `return
// true` and `break` its `return false`:
//
//	for k, v := range seq {  ->  (seq)(func(k K, v V) bool {
//		...                          ...
//	}                            return true })
//
// Lines stay where they were. What the body cannot say from inside a function literal
// — return, defer, goto, and break or continue to a statement around the loop — the
// grader cannot run yet and refuses, naming the line.
func (r *rewriter) rangeFuncs() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		if rs, ok := n.(*ast.RangeStmt); ok {
			r.rangeFunc(rs)
		}
		return true
	})
}

func (r *rewriter) rangeFunc(n *ast.RangeStmt) {
	t := r.p.info.Types[n.X].Type
	if t == nil {
		return
	}
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.Params().Len() != 1 {
		return
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok {
		return
	}
	var label string
	if ls, ok := r.parents[n].(*ast.LabeledStmt); ok {
		label = ls.Label.Name
		r.replace(ls.Label.Pos(), ls.Colon+1, "")
	}
	if !r.yieldBody(n, label) {
		return
	}
	vars := []ast.Expr{n.Key, n.Value}
	var params, assigns []string
	for i := 0; i < yield.Params().Len(); i++ {
		pt, ok := r.localTypeName(yield.Params().At(i).Type())
		if !ok {
			r.unsupported(n.X.Pos(), "range over a function whose elements are of type %s, which cannot be named here: range over a slice or map instead", yield.Params().At(i).Type())
			return
		}
		name := "_"
		if i < len(vars) && vars[i] != nil {
			if id, ok := vars[i].(*ast.Ident); ok && n.Tok == token.DEFINE {
				name = id.Name
			} else if !(ok && id.Name == "_") {
				name = r.fresh("it")
				assigns = append(assigns, r.text(vars[i])+" = "+name+";")
			}
		}
		params = append(params, name+" "+pt)
	}
	r.replace(n.For, n.X.Pos(), "(")
	r.replace(n.X.End(), n.Body.Lbrace+1, ")(func("+strings.Join(params, ", ")+") bool {"+strings.Join(assigns, " "))
	r.replace(n.Body.Rbrace, n.Body.Rbrace+1, "return true })")
}

// yieldBody turns the body's break and continue of this loop into returns of the yield
// function, or reports (and returns false) what it cannot turn.
func (r *rewriter) yieldBody(n *ast.RangeStmt, label string) bool {
	ok := true
	refuse := func(pos token.Pos, what string) {
		ok = false
		r.unsupported(pos, "%s inside a loop over a function (range-over-func) is not supported by the grader's interpreter; collect the values first (slices.Collect, or a slice built by the iterator) and loop over the slice", what)
	}
	inner := map[string]bool{} // labels declared inside the body
	ast.Inspect(n.Body, func(m ast.Node) bool {
		if ls, ok := m.(*ast.LabeledStmt); ok {
			inner[ls.Label.Name] = true
		}
		return true
	})
	var stack []ast.Node
	ast.Inspect(n.Body, func(m ast.Node) bool {
		if m == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, m)
		switch s := m.(type) {
		case *ast.FuncLit:
			stack = stack[:len(stack)-1]
			return false
		case *ast.ReturnStmt:
			refuse(s.Pos(), "return")
		case *ast.DeferStmt:
			refuse(s.Pos(), "defer")
		case *ast.BranchStmt:
			breakInner, contInner := false, false
			for _, a := range stack[1 : len(stack)-1] {
				switch a.(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					breakInner, contInner = true, true
				case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
					breakInner = true
				}
			}
			switch {
			case s.Tok == token.GOTO:
				refuse(s.Pos(), "goto")
			case s.Tok == token.FALLTHROUGH:
			case s.Label != nil && s.Label.Name == label, s.Label == nil && (s.Tok == token.BREAK && !breakInner || s.Tok == token.CONTINUE && !contInner):
				ret := "return true"
				if s.Tok == token.BREAK {
					ret = "return false"
				}
				r.replace(s.Pos(), s.End(), ret)
			case s.Label != nil && !inner[s.Label.Name]:
				refuse(s.Pos(), s.Tok.String()+" "+s.Label.Name)
			}
		}
		return true
	})
	return ok
}
