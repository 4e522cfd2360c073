package sandbox

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// methodForms rewrites method expressions and method values that yaegi gets wrong into
// function literals that do the same:
//
//	(*T).m  ->  func(_prep_r *T, _prep_a0 int) { _prep_r.m(_prep_a0) }
//	v.m     ->  func(_prep_r T) func(int) int { return _prep_r.m }((v))   (v.m not called, m with a value receiver)
//
// yaegi typed a method expression so that the method's later uses as a method value
// panicked ("func(int) is not assignable to type func(*T, int)"), and it bound a method
// value to the receiver variable rather than to a copy made when the value is taken.
func (r *rewriter) methodForms() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		s := r.p.info.Selections[sel]
		if s == nil || s.Obj().Pkg() != r.p.types {
			return true
		}
		switch s.Kind() {
		case types.MethodExpr:
			r.methodExpr(sel, s)
		case types.MethodVal:
			if call, ok := r.parents[sel].(*ast.CallExpr); ok && call.Fun == sel {
				return true // called at once
			}
			r.methodVal(sel, s)
		}
		return true
	})
}

func (r *rewriter) methodExpr(sel *ast.SelectorExpr, s *types.Selection) {
	sig, ok := s.Type().(*types.Signature)
	if !ok || sig.Params().Len() == 0 {
		return
	}
	var params, args []string
	for i := 0; i < sig.Params().Len(); i++ {
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			t = t.(*types.Slice).Elem()
		}
		name, ok := r.localTypeName(t)
		if !ok {
			return
		}
		p := fmt.Sprintf("_prep_a%d", i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			params = append(params, p+" ..."+name)
			args = append(args, p+"...")
		} else {
			params = append(params, p+" "+name)
			args = append(args, p)
		}
	}
	results, ok := r.resultList(sig)
	if !ok {
		return
	}
	call := args[0] + "." + sel.Sel.Name + "(" + strings.Join(args[1:], ", ") + ")"
	if sig.Results().Len() > 0 {
		call = "return " + call
	}
	r.replace(sel.Pos(), sel.End(), "func("+strings.Join(params, ", ")+")"+results+" { "+call+" }")
}

func (r *rewriter) methodVal(sel *ast.SelectorExpr, s *types.Selection) {
	recv := s.Recv()
	if types.IsInterface(recv) || len(s.Index()) > 1 {
		return // promoted methods keep yaegi's binding
	}
	deref := ""
	if p, isPtr := recv.(*types.Pointer); isPtr {
		recv, deref = p.Elem(), "*"
	}
	m, ok := s.Obj().(*types.Func)
	if !ok {
		return
	}
	if _, ptrRecv := m.Type().(*types.Signature).Recv().Type().(*types.Pointer); ptrRecv {
		return // the method takes the variable's address: no copy in Go either
	}
	rt, ok := r.localTypeName(recv)
	if !ok {
		return
	}
	ft, ok := r.localTypeName(s.Type())
	if !ok {
		return
	}
	r.insert(sel.Pos(), "func(_prep_r "+rt+") "+ft+" { return _prep_r."+sel.Sel.Name+" }("+deref+"(")
	r.replace(sel.X.End(), sel.End(), "))")
}

// resultList spells sig's results for a function literal.
func (r *rewriter) resultList(sig *types.Signature) (string, bool) {
	n := sig.Results().Len()
	if n == 0 {
		return "", true
	}
	out := make([]string, n)
	for i := range out {
		name, ok := r.localTypeName(sig.Results().At(i).Type())
		if !ok {
			return "", false
		}
		out[i] = name
	}
	if n == 1 {
		return " " + out[0], true
	}
	return " (" + strings.Join(out, ", ") + ")", true
}
