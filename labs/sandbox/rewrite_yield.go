package sandbox

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Yields. A data race the candidate leaves (a check and then an act on a field, with no
// lock) shows only when two goroutines interleave inside it. Compiled Go on many cores
// interleaves often; the interpreter, slow and on a busy machine, may run each
// goroutine's few microseconds of work whole, and the race goes unseen. So when the
// tests start goroutines, each write of the code to shared memory (a field through a
// pointer, a package variable, an element of either) yields the processor
// (runtime.Gosched) at the point where another goroutine's step does the most harm:
//
//   - `x++`, `x--` and `x op= y` read x, yield, then write: `b.failures++` without the
//     lock loses updates as it does on a multi-core machine, where a yield before the
//     statement would leave its read and write together;
//   - `x = e` evaluates e, yields, then writes (`b.n = b.n + 1` the same way);
//   - any other write yields before the statement.
//
// The split form is used only where it means the same: x a plain variable, field,
// element (by a variable or a constant) or pointer target, with no call in it; for
// `x = e`, e of x's very type; for `x op= y`, y without a call (Go reads x after it).
// Yielding changes no result a correct program can compute, only the interleavings
// tried.

// testsStartGoroutines reports whether a test file has a go statement.
func (p *pkgState) testsStartGoroutines() bool {
	for i, af := range p.asts {
		if p.files[i].role != rolePublic && p.files[i].role != roleHidden {
			continue
		}
		found := false
		ast.Inspect(af, func(n ast.Node) bool {
			_, isGo := n.(*ast.GoStmt)
			found = found || isGo
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// yieldBefore inserts a yield into n, a statement of the code writing shared memory:
// between the read and the write where it can (see the package comment above), else
// before it.
func (r *rewriter) yieldBefore(n ast.Stmt) {
	if !r.p.yields || r.p.roles[r.name] != roleCode || !r.statementPosition(n) {
		return
	}
	var lhs []ast.Expr
	switch s := n.(type) {
	case *ast.ExprStmt:
		// Before taking a lock: a check made without it (`if b.n < max { b.mu.Lock() …`)
		// is a race only when another goroutine runs between the check and the lock.
		if r.locks(s.X) {
			r.insert(n.Pos(), "_prep_rt.Yield(); ")
			r.yields++
		}
		return
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			return
		}
		lhs = s.Lhs
	case *ast.IncDecStmt:
		lhs = []ast.Expr{s.X}
	default:
		return
	}
	for _, l := range lhs {
		if r.shared(l) {
			if !r.splitWrite(n) {
				r.insert(n.Pos(), "_prep_rt.Yield(); ")
			}
			r.yields++
			return
		}
	}
}

// splitWrite rewrites a single write to shared memory so that it yields between its
// read and its write, keeping it on its line: `x++` becomes
// `{ t := x; _prep_rt.Yield(); x = t + 1 }`, `x op= y` becomes
// `{ t := x; _prep_rt.Yield(); x = t op (y) }` and `x = e` becomes
// `{ t := e; _prep_rt.Yield(); x = t }`. It reports false where the form would not
// mean the same, leaving n as it is.
func (r *rewriter) splitWrite(n ast.Stmt) bool {
	var x, rhs ast.Expr
	var op string
	switch s := n.(type) {
	case *ast.IncDecStmt:
		x, op = s.X, "+ 1"
		if s.Tok == token.DEC {
			op = "- 1"
		}
	case *ast.AssignStmt:
		if len(s.Lhs) != 1 || len(s.Rhs) != 1 {
			return false
		}
		x, rhs = s.Lhs[0], s.Rhs[0]
		switch {
		case s.Tok == token.ASSIGN:
			tx, te := r.p.info.Types[x], r.p.info.Types[rhs]
			if tx.Type == nil || te.Type == nil || te.Value != nil || !types.Identical(tx.Type, te.Type) {
				return false
			}
		case s.Tok.IsOperator() && s.Tok != token.DEFINE && !r.hasCall(rhs):
			// With a call in y, Go reads x after the call: reading it first could differ.
			op = strings.TrimSuffix(s.Tok.String(), "=")
		default:
			return false
		}
	default:
		return false
	}
	if !r.plainPlace(x) {
		return false
	}
	t, place := r.fresh("t"), r.text(x)
	switch {
	case rhs == nil: // x++, x--
		r.replace(n.Pos(), n.End(), fmt.Sprintf("{ %s := %s; _prep_rt.Yield(); %s = %s %s }", t, place, place, t, op))
	case op == "": // x = e: e stays where it is, with whatever other rewrites made in it
		r.insert(n.Pos(), fmt.Sprintf("{ %s := ", t))
		r.replace(x.Pos(), rhs.Pos(), "")
		r.close(rhs.End(), fmt.Sprintf("; _prep_rt.Yield(); %s = %s }", place, t))
	default: // x op= y
		r.insert(n.Pos(), fmt.Sprintf("{ %s := %s; _prep_rt.Yield(); %s = %s %s (", t, place, place, t, op))
		r.replace(x.Pos(), rhs.Pos(), "")
		r.close(rhs.End(), ") }")
	}
	return true
}

// plainPlace reports whether e names memory without calling or receiving anything, so
// that its text can be evaluated twice: a variable, a field of one, an element indexed
// by a variable or a constant, a pointer's target.
func (r *rewriter) plainPlace(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return true
	case *ast.ParenExpr:
		return r.plainPlace(x.X)
	case *ast.SelectorExpr:
		s := r.p.info.Selections[x]
		return s != nil && s.Kind() == types.FieldVal && r.plainPlace(x.X)
	case *ast.StarExpr:
		return r.plainPlace(x.X)
	case *ast.IndexExpr:
		if _, isLit := x.Index.(*ast.BasicLit); !isLit && !r.plainPlace(x.Index) {
			return false
		}
		return r.plainPlace(x.X)
	}
	return false
}

// shared reports whether writing e writes memory other goroutines may see.
func (r *rewriter) shared(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if s := r.p.info.Selections[x]; s != nil && s.Kind() == types.FieldVal {
			return s.Indirect() || r.shared(x.X)
		}
	case *ast.IndexExpr:
		if _, isMap := r.p.info.Types[x.X].Type.Underlying().(*types.Map); isMap {
			return true
		}
		if _, isSlice := r.p.info.Types[x.X].Type.Underlying().(*types.Slice); isSlice {
			return true
		}
		return r.shared(x.X)
	case *ast.StarExpr:
		return true
	case *ast.Ident:
		if v, ok := r.p.info.Uses[x].(*types.Var); ok {
			return v.Parent() == r.p.types.Scope()
		}
	}
	return false
}

// yieldImport imports the grader's runtime into a file where yields were inserted, on
// the package clause's line.
func (r *rewriter) yieldImport() {
	if r.yields > 0 {
		r.insert(r.file.Name.End(), "; import _prep_rt "+`"`+rtImport+`"`)
	}
}

// locks reports whether e calls Lock or RLock of a sync.Mutex or sync.RWMutex.
func (r *rewriter) locks(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || (sel.Sel.Name != "Lock" && sel.Sel.Name != "RLock") {
		return false
	}
	fn, ok := r.p.info.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync"
}
