package sandbox

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"prep/labs"
)

// The rewrite gives interpreted code the semantics it has under Go 1.22+ where yaegi's
// differ, by editing the source text: each edit stays on its line, so line numbers in
// later messages are still the candidate's. What cannot be rewritten is reported by
// unsupported() before this runs, or here as a diagnostic.
//
//   - per-iteration loop variables: a loop variable a closure captures (or whose address
//     is taken) is copied at the top of the body: `i := i;`
//   - `for i := range n` over an integer becomes a three-clause loop
//   - the builtins min, max and clear become calls to generated helpers (or constants)
//   - type switches become expression switches over type assertions, which yaegi gets
//     right where its type switch does not (interface cases, pointer cases with a binding)
//   - explicit conversions to an interface type go through helpers, where yaegi converts
//     them correctly
//   - `v, ok := x.(I)` for an interface type I goes through a helper that checks for nil,
//     where yaegi panics
//   - multiple assignments (rewrite_assign.go); conversions to and assertions from
//     interfaces (rewrite_iface.go); errors.Is, As, Unwrap and comparisons of errors
//     (rewrite_errors.go); arguments of printing functions (rewrite_fmt.go); yields
//     before shared writes when the tests start goroutines (rewrite_yield.go)

// edit replaces src[pos:end] with text. At one offset, closing insertions (the end of
// a wrapper: a node's End) go first, innermost (made last) first; then the others in
// the order they were made, outermost first — so wrappers nest.
type edit struct {
	pos, end int
	text     string
	closing  bool
	seq      int
}

// rewriter rewrites the files of one package.
type rewriter struct {
	p       *pkgState
	file    *ast.File
	name    string
	src     string
	edits   []edit
	parents map[ast.Node]ast.Node
	imports map[string]string // import path -> name in this file
	yields  int               // yields inserted
	h       *helpers
	diags   []labs.Diagnostic
	n       *int
}

// rewrite applies every rewrite to every file.
func (p *pkgState) rewrite() (map[string]string, *loadError) {
	out := map[string]string{}
	h := newHelpers(p.types)
	var diags []labs.Diagnostic
	n := 0
	p.yields = p.testsStartGoroutines()
	for i, af := range p.asts {
		r := &rewriter{p: p, file: af, name: p.files[i].name, src: p.files[i].src, h: h, n: &n,
			parents: map[ast.Node]ast.Node{}, imports: map[string]string{}}
		r.index()
		r.walk()
		r.instantiateAll()
		r.newerAPIs()
		r.rangeFuncs()
		r.assignForms()
		r.methodForms()
		r.typeVerbs()
		r.yieldImport()
		diags = append(diags, r.diags...)
		out[r.name] = r.apply()
	}
	if len(diags) > 0 {
		return nil, p.fail(labs.Unsupported, "your code uses Go the grader's interpreter cannot run faithfully; write it as suggested", diags)
	}
	out[helperFile] = h.source(p.name)
	return out, nil
}

func (r *rewriter) unsupported(pos token.Pos, format string, args ...any) {
	r.diags = append(r.diags, r.p.diag(pos, fmt.Sprintf(format, args...)))
}

// index records every node's parent and the file's import names.
func (r *rewriter) index() {
	var stack []ast.Node
	ast.Inspect(r.file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			r.parents[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	for _, im := range r.file.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := ""
		if im.Name != nil {
			name = im.Name.Name
		} else if pkg := r.importedPkg(path); pkg != nil {
			name = pkg.Name()
		}
		if name != "_" && name != "." && name != "" {
			r.imports[path] = name
		}
	}
}

func (r *rewriter) importedPkg(path string) *types.Package {
	for _, p := range r.p.types.Imports() {
		if p.Path() == path {
			return p
		}
	}
	return nil
}

func (r *rewriter) off(pos token.Pos) int { return r.p.fset.Position(pos).Offset }

func (r *rewriter) insert(pos token.Pos, text string) {
	o := r.off(pos)
	r.edits = append(r.edits, edit{pos: o, end: o, text: text, seq: len(r.edits)})
}

// close inserts text at pos, the end of a node: after what nodes inside it insert there.
func (r *rewriter) close(pos token.Pos, text string) {
	o := r.off(pos)
	r.edits = append(r.edits, edit{pos: o, end: o, text: text, closing: true, seq: len(r.edits)})
}

// wrap puts before and after around n.
func (r *rewriter) wrap(n ast.Node, before, after string) {
	r.insert(n.Pos(), before)
	r.close(n.End(), after)
}

func (r *rewriter) replace(pos, end token.Pos, text string) {
	r.edits = append(r.edits, edit{pos: r.off(pos), end: r.off(end), text: text, seq: len(r.edits)})
}

func (r *rewriter) text(n ast.Node) string { return r.src[r.off(n.Pos()):r.off(n.End())] }

func (r *rewriter) fresh(prefix string) string {
	*r.n++
	return fmt.Sprintf("_prep_%s%d", prefix, *r.n)
}

// apply returns the source with every edit made. Edits never overlap except insertions
// at one offset, which keep the order they were made in.
func (r *rewriter) apply() string {
	sort.Slice(r.edits, func(i, j int) bool {
		a, b := r.edits[i], r.edits[j]
		switch {
		case a.pos != b.pos:
			return a.pos < b.pos
		case a.closing != b.closing:
			return a.closing
		case a.closing:
			return a.seq > b.seq
		}
		return a.seq < b.seq
	})
	var b strings.Builder
	last := 0
	for _, e := range r.edits {
		if e.pos < last {
			continue // nested in an edit already made (cannot happen for the rewrites above)
		}
		b.WriteString(r.src[last:e.pos])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(r.src[last:])
	return b.String()
}

// walk visits the file and makes the rewrites.
func (r *rewriter) walk() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		descend := true
		switch n := n.(type) {
		case *ast.ForStmt:
			r.forLoop(n)
		case *ast.RangeStmt:
			r.rangeLoop(n)
		case *ast.TypeSwitchStmt:
			r.typeSwitch(n)
		case *ast.CallExpr:
			descend = r.call(n)
		case *ast.AssignStmt:
			r.assign(n)
		case *ast.ValueSpec:
			if gd, ok := r.parents[n].(*ast.GenDecl); ok {
				r.valueSpec(gd, n)
			}
		case *ast.TypeAssertExpr:
			r.typeAssert(n)
		case *ast.BinaryExpr:
			r.errCompare(n)
			r.untypedShift(n)
		case *ast.SwitchStmt:
			r.errSwitch(n)
		}
		if st, ok := n.(ast.Stmt); ok {
			r.yieldBefore(st)
		}
		if e, ok := n.(ast.Expr); ok {
			r.convert(e)
		}
		return descend
	})
}

// forLoop gives a three-clause loop per-iteration variables where it matters: when a
// variable is captured. If the body also assigns it, a copy at the top would change the
// loop's count, so that is reported instead.
func (r *rewriter) forLoop(n *ast.ForStmt) {
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE {
		return
	}
	var copies []string
	for _, lhs := range init.Lhs {
		id, ok := lhs.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		obj := r.p.info.Defs[id]
		if obj == nil {
			continue
		}
		captured, assigned := r.uses(n.Body, obj)
		switch {
		case captured && assigned:
			r.unsupported(id.Pos(), "loop variable %s is both changed in the loop body and captured by a closure (or its address taken); the interpreter shares one %s across iterations — capture a copy instead (v := %s) or change it in the post statement only", id.Name, id.Name, id.Name)
		case captured:
			copies = append(copies, id.Name)
		}
	}
	if len(copies) > 0 {
		r.insert(n.Body.Lbrace+1, " "+strings.Join(copies, ", ")+" := "+strings.Join(copies, ", ")+";")
	}
}

// rangeLoop rewrites range over an integer and copies captured range variables.
func (r *rewriter) rangeLoop(n *ast.RangeStmt) {
	if t := r.p.info.Types[n.X].Type; t != nil {
		if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsInteger != 0 {
			r.rangeInt(n, t)
			return
		}
	}
	if n.Tok != token.DEFINE {
		return
	}
	var copies []string
	for _, e := range []ast.Expr{n.Key, n.Value} {
		id, ok := e.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		if obj := r.p.info.Defs[id]; obj != nil {
			if captured, _ := r.uses(n.Body, obj); captured {
				copies = append(copies, id.Name)
			}
		}
	}
	if len(copies) > 0 {
		r.insert(n.Body.Lbrace+1, " "+strings.Join(copies, ", ")+" := "+strings.Join(copies, ", ")+";")
	}
}

// rangeInt turns `for i := range n {` into
// `for _i, _n := T(0), n; _i < _n; _i++ { i := _i;`: n is evaluated once and i is a
// fresh variable each iteration that the body may change, as in Go.
func (r *rewriter) rangeInt(n *ast.RangeStmt, t types.Type) {
	zero := "0"
	if b, ok := t.(*types.Basic); !ok || (b.Kind() != types.Int && b.Kind() != types.UntypedInt && b.Kind() != types.UntypedRune) {
		name, ok := r.localTypeName(t)
		if !ok {
			r.unsupported(n.X.Pos(), "range over a value of type %s: convert it, e.g. for i := range int(n)", t)
			return
		}
		zero = name + "(0)"
	}
	i, lim := r.fresh("i"), r.fresh("n")
	start := n.Range
	if n.Key != nil {
		start = n.Key.Pos()
	}
	r.replace(start, n.X.Pos(), i+", "+lim+" := "+zero+", ")
	r.insert(n.X.End(), "; "+i+" < "+lim+"; "+i+"++")
	if id, ok := n.Key.(*ast.Ident); ok && id.Name != "_" {
		op := " := "
		if n.Tok == token.ASSIGN {
			op = " = "
		}
		r.insert(n.Body.Lbrace+1, " "+id.Name+op+i+";")
	} else if n.Key != nil && n.Tok == token.ASSIGN {
		r.insert(n.Body.Lbrace+1, " "+r.text(n.Key)+" = "+i+";")
	}
}

// localTypeName spells t for use in this file, or reports that it cannot.
func (r *rewriter) localTypeName(t types.Type) (string, bool) {
	ok := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p == r.p.types {
			return ""
		}
		name, found := r.imports[p.Path()]
		ok = ok && found
		return name
	})
	return s, ok && nameable(t, r.p.types, true)
}

// uses reports whether obj is captured in body — referred to from a closure, or its
// address taken (explicitly, or by calling a pointer method on it) — and whether body
// assigns it.
func (r *rewriter) uses(body ast.Node, obj types.Object) (captured, assigned bool) {
	ast.Inspect(body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || r.p.info.Uses[id] != obj {
			return true
		}
		for p := r.parents[id]; p != nil && p != body; p = r.parents[p] {
			if _, ok := p.(*ast.FuncLit); ok {
				captured = true
			}
		}
		// Climb through field selections and array indexing: &x.f and &x[i] take x's address.
		var cur ast.Node = id
		for {
			p := r.parents[cur]
			if sel, ok := p.(*ast.SelectorExpr); ok && sel.X == cur {
				if s := r.p.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
					if _, ptrRecv := s.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer); ptrRecv && !isPointer(r.p.info.Types[sel.X].Type) {
						captured = true
					}
					break
				}
				if isPointer(r.p.info.Types[sel.X].Type) {
					break
				}
				cur = p
				continue
			}
			if ix, ok := p.(*ast.IndexExpr); ok && ix.X == cur && isArray(r.p.info.Types[ix.X].Type) {
				cur = p
				continue
			}
			if pe, ok := p.(*ast.ParenExpr); ok {
				cur = pe
				continue
			}
			if u, ok := p.(*ast.UnaryExpr); ok && u.Op == token.AND {
				captured = true
			}
			if s, ok := p.(*ast.SliceExpr); ok && s.X == cur && isArray(r.p.info.Types[s.X].Type) {
				captured = true
			}
			break
		}
		switch p := r.parents[id].(type) {
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == id {
					assigned = true
				}
			}
		case *ast.IncDecStmt:
			assigned = true
		}
		return true
	})
	return captured, assigned
}

func isPointer(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

func isArray(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Array)
	return ok
}
