package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Yields. A data race the candidate leaves (a check and then an act on a field, with no
// lock) shows only when two goroutines interleave inside it. Compiled Go on many cores
// interleaves often; the interpreter, slow and on a busy machine, may run each
// goroutine's few microseconds of work whole, and the race goes unseen. So when the
// tests start goroutines, each write of the code to shared memory (a field through a
// pointer, a package variable, an element of either) first yields the processor
// (runtime.Gosched): whatever another goroutine was about to do between the code's
// check and its act now happens there. Yielding changes no result a correct program can
// compute, only the interleavings tried.

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

// yieldBefore inserts a yield before n, a statement of the code writing shared memory.
func (r *rewriter) yieldBefore(n ast.Stmt) {
	if !r.p.yields || r.p.roles[r.name] != roleCode || !r.statementPosition(n) {
		return
	}
	var lhs []ast.Expr
	switch s := n.(type) {
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
			r.insert(n.Pos(), "_prep_rt.Yield(); ")
			r.yields++
			return
		}
	}
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
