package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
)

// Interfaces. yaegi represents an interface value three ways, and gets conversions
// between them wrong in ways the rewrite routes around:
//
//   - a nil pointer (map, slice, func) of the code's type put in a compiled interface
//     (error, fmt.Stringer) becomes a nil interface, where in Go the interface holds the
//     nil pointer and is not nil: such conversions box the nil (helpers_dyn.go), and
//     assertions back to the type unbox it;
//   - a value of the code's struct type put in a compiled interface keeps only its last
//     field (yaegi's getConcreteValue): such conversions put the value in a box by
//     pointer, and assertions back take it out;
//   - asserting a value held in `any` or in a compiled interface to an interface type
//     the code declares fails (false, a nil value, or a reflect panic): such
//     assertions go through helpers that try the package's types one by one.

// ifaceClass is how yaegi represents values of an interface type.
type ifaceClass int

const (
	notIface      ifaceClass = iota
	emptyIface               // any: the value itself
	compiledIface            // error, fmt.Stringer, testing.TB: a wrapper compiled code can call
	codeIface                // declared by the code, with methods: the interpreter's own representation
)

func (r *rewriter) ifaceClass(t types.Type) ifaceClass {
	if t == nil {
		return notIface
	}
	if _, ok := types.Unalias(t).(*types.TypeParam); ok || !types.IsInterface(t) {
		return notIface
	}
	if t.Underlying().(*types.Interface).NumMethods() == 0 {
		return emptyIface
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		pkg := n.Obj().Pkg()
		if pkg == nil || (pkg != r.p.types && !isSourcePackage(pkg.Path())) {
			return compiledIface
		}
	}
	return codeIface
}

// nilableOwn reports whether t is a type of the package that can be nil and have
// methods: a pointer to a named type, or a named pointer, map, slice, func or chan type.
func (r *rewriter) nilableOwn(t types.Type) bool {
	if t == nil {
		return false
	}
	if p, ok := t.(*types.Pointer); ok {
		n, ok := types.Unalias(p.Elem()).(*types.Named)
		return ok && n.Obj().Pkg() == r.p.types && !types.IsInterface(n)
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != r.p.types {
		return false
	}
	switch n.Underlying().(type) {
	case *types.Map, *types.Slice, *types.Signature, *types.Chan:
		return true
	}
	return false
}

// neverNil reports whether e cannot be nil: &T{...}, new(T), a composite literal.
func (r *rewriter) neverNil(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return x.Op == token.AND
	case *ast.CompositeLit, *ast.FuncLit:
		return true
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if b, ok := r.p.info.Uses[id].(*types.Builtin); ok && (b.Name() == "new" || b.Name() == "make") {
				return true
			}
		}
	}
	return false
}

// ownStruct reports whether t is a struct type of the package.
func (r *rewriter) ownStruct(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != r.p.types || n.TypeParams().Len() > 0 {
		return false
	}
	_, ok = n.Underlying().(*types.Struct)
	return ok
}

// toCompiled returns the helper converting e, a value of the code's type, to the
// compiled interface type target: a nil box for a nilable type (a nil stays a non-nil
// interface), a value box for a struct type; "" when neither is needed. Only error and
// fmt.Stringer, whose values code compares with nil, asserts back and compares: with
// sort.Interface or heap.Interface the boxes would only add a call per operation.
func (r *rewriter) toCompiled(e ast.Expr, target types.Type) string {
	t := r.p.info.Types[e].Type
	if t == nil || !errorOrStringer(target) {
		return ""
	}
	if !types.Implements(t, target.Underlying().(*types.Interface)) {
		return ""
	}
	var name string
	switch {
	case r.nilableOwn(t) && !r.neverNil(e):
		name, _ = r.h.boxConv(t, target)
	case r.ownStruct(t):
		name, _ = r.h.valConv(t, target)
	}
	return name
}

// errorOrStringer reports whether t is error or fmt.Stringer.
func errorOrStringer(t types.Type) bool {
	if types.Identical(t, errorT) {
		return true
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "fmt" && n.Obj().Name() == "Stringer"
}

// convert wraps e, converted implicitly to a compiled interface, in toCompiled's
// helper, or else in a conversion helper when the interface is error or fmt.Stringer
// (see below) or e is passed to a compiled variadic function (errors.Join: yaegi fails
// to convert the code's values there when another argument is compiled — reflect:
// cannot use ... as type error in Call).
func (r *rewriter) convert(e ast.Expr) {
	t := r.p.info.Types[e].Type
	if t == nil || !r.ownType(t) || types.IsInterface(t) {
		return // only the code's concrete types need it: the test is cheap, the rest not
	}
	target := r.implicitTarget(e)
	name := r.toCompiled(e, target)
	if name == "" && r.ifaceClass(target) == compiledIface && (r.compiledVariadicArg(e) || errorOrStringer(target)) {
		// Every value of the code's put in an error goes through a helper: yaegi's own
		// conversion can keep a reference to the frame slot the value came from, which
		// the next evaluation overwrites (append(errs, &E{i}) in a loop gives one error
		// many times). A helper's result is a fresh value.
		name, _ = r.h.convFrom(t, target)
	}
	if name != "" {
		r.wrap(e, name+"(", ")")
	}
}

// compiledVariadicArg reports whether e is one of the variadic arguments of a call to
// a compiled function.
func (r *rewriter) compiledVariadicArg(e ast.Expr) bool {
	call, ok := r.parents[e].(*ast.CallExpr)
	if !ok || call.Ellipsis.IsValid() || !r.compiled(call.Fun) {
		return false
	}
	sig, ok := r.p.info.Types[call.Fun].Type.(*types.Signature)
	if !ok || !sig.Variadic() {
		return false
	}
	for i, a := range call.Args {
		if a == e {
			return i >= sig.Params().Len()-1
		}
	}
	return false
}

// implicitTarget returns the type e is implicitly converted to where it stands (an
// assignment, a return, an argument, an element of a composite literal, a send, a
// comparison), or nil.
func (r *rewriter) implicitTarget(e ast.Expr) types.Type {
	info := r.p.info
	switch p := r.parents[e].(type) {
	case *ast.AssignStmt:
		if (p.Tok == token.ASSIGN || p.Tok == token.DEFINE) && len(p.Lhs) == len(p.Rhs) {
			for i, x := range p.Rhs {
				if x == e {
					return r.destType(p.Lhs[i], p.Tok == token.DEFINE)
				}
			}
		}
	case *ast.ValueSpec:
		if p.Type != nil {
			return info.Types[p.Type].Type
		}
	case *ast.ReturnStmt:
		if sig := r.enclosingSig(p); sig != nil && sig.Results().Len() == len(p.Results) {
			for i, x := range p.Results {
				if x == e {
					return sig.Results().At(i).Type()
				}
			}
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[p.Fun]; !ok || tv.IsType() {
			return nil
		}
		if id, ok := ast.Unparen(p.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok {
				if b.Name() == "panic" {
					return nil // panicked as it is: recover gives back the value's own type
				}
				if b.Name() == "append" && len(p.Args) > 1 && p.Args[0] != e && !p.Ellipsis.IsValid() {
					if s, ok := info.Types[p].Type.Underlying().(*types.Slice); ok {
						return s.Elem()
					}
				}
				return nil
			}
		}
		sig, ok := info.Types[p.Fun].Type.Underlying().(*types.Signature)
		if !ok {
			return nil
		}
		for i, x := range p.Args {
			if x == e {
				return paramType(sig, i, p.Ellipsis.IsValid())
			}
		}
	case *ast.CompositeLit:
		switch u := info.Types[p].Type.Underlying().(type) {
		case *types.Struct:
			for i, x := range p.Elts {
				if x == e && i < u.NumFields() {
					return u.Field(i).Type()
				}
			}
		case *types.Slice:
			return u.Elem()
		case *types.Array:
			return u.Elem()
		}
	case *ast.KeyValueExpr:
		lit, ok := r.parents[p].(*ast.CompositeLit)
		if !ok {
			return nil
		}
		switch u := info.Types[lit].Type.Underlying().(type) {
		case *types.Struct:
			if id, ok := p.Key.(*ast.Ident); ok && p.Value == e {
				for i := 0; i < u.NumFields(); i++ {
					if u.Field(i).Name() == id.Name {
						return u.Field(i).Type()
					}
				}
			}
		case *types.Slice:
			if p.Value == e {
				return u.Elem()
			}
		case *types.Array:
			if p.Value == e {
				return u.Elem()
			}
		case *types.Map:
			if p.Value == e {
				return u.Elem()
			}
			return u.Key()
		}
	case *ast.SendStmt:
		if p.Value == e {
			if c, ok := info.Types[p.Chan].Type.Underlying().(*types.Chan); ok {
				return c.Elem()
			}
		}
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			other := p.X
			if other == e {
				other = p.Y
			}
			if t := info.Types[other].Type; t != nil && types.IsInterface(t) {
				return t
			}
		}
	case *ast.IndexExpr:
		if p.Index == e {
			if m, ok := info.Types[p.X].Type.Underlying().(*types.Map); ok {
				return m.Key()
			}
		}
	}
	return nil
}

// paramType is the type of the parameter argument i is passed to.
func paramType(sig *types.Signature, i int, ellipsis bool) types.Type {
	n := sig.Params().Len()
	if sig.Variadic() && i >= n-1 {
		last := sig.Params().At(n - 1).Type()
		if ellipsis {
			return last
		}
		if s, ok := last.Underlying().(*types.Slice); ok {
			return s.Elem()
		}
		return nil
	}
	if i < n {
		return sig.Params().At(i).Type()
	}
	return nil
}

// enclosingSig returns the signature of the function n is in.
func (r *rewriter) enclosingSig(n ast.Node) *types.Signature {
	for p := r.parents[n]; p != nil; p = r.parents[p] {
		switch f := p.(type) {
		case *ast.FuncLit:
			sig, _ := r.p.info.Types[f].Type.(*types.Signature)
			return sig
		case *ast.FuncDecl:
			if obj := r.p.info.Defs[f.Name]; obj != nil {
				sig, _ := obj.Type().(*types.Signature)
				return sig
			}
			return nil
		}
	}
	return nil
}

// assertHelper returns the helper that asserts a value of type from to type to (with
// ok: returning the value and a bool), when yaegi's own assertion is wrong for them;
// handled is false when it is right. An empty name means the helper cannot be written
// for these types.
func (r *rewriter) assertHelper(from, to types.Type, ok bool) (name string, handled bool) {
	fc := r.ifaceClass(from)
	switch {
	case r.ifaceClass(to) == codeIface && (fc == emptyIface || fc == compiledIface):
		name, _ = r.h.ifaceAssert(from, to, ok)
		return name, true
	case fc == compiledIface && !types.IsInterface(to):
		name, _ = r.h.assertFrom(from, to, r.ownType(to), ok)
		return name, true
	case fc == emptyIface && r.ambiguousInAny(to):
		name, _ = r.h.assertAny(to, true, ok)
		return name, true
	case fc == emptyIface && r.shadowedInAny(to):
		name, _ = r.h.assertAny(to, false, ok)
		return name, true
	}
	return "", false
}

// ambiguousInAny reports whether t is a type of the code with methods that yaegi, in
// `any`, cannot tell from its underlying type: a named basic, slice, map, func or chan
// type.
func (r *rewriter) ambiguousInAny(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() != r.p.types || types.IsInterface(n) || types.NewMethodSet(n).Len() == 0 {
		return false
	}
	switch n.Underlying().(type) {
	case *types.Struct, *types.Pointer:
		return false
	}
	return true
}

// shadowedInAny reports whether t, not a type of the code, is the underlying type of
// one that ambiguousInAny: in `any` yaegi takes a value of the code's type for a t.
func (r *rewriter) shadowedInAny(t types.Type) bool {
	if r.ownType(t) || types.IsInterface(t) {
		return false
	}
	scope := r.p.types.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok && r.ambiguousInAny(tn.Type()) && types.Identical(tn.Type().Underlying(), t) {
			return true
		}
	}
	return false
}

// typeAssert rewrites x.(T) where yaegi's assertion is wrong (see assertHelper), and
// the comma-ok form where x may be nil (see commaOk).
func (r *rewriter) typeAssert(n *ast.TypeAssertExpr) {
	if n.Type == nil {
		return // a type switch's guard: see typeSwitch
	}
	ok := r.commaOkForm(n)
	to, from := r.p.info.Types[n.Type].Type, r.p.info.Types[n.X].Type
	name, handled := r.assertHelper(from, to, ok)
	if !handled {
		if ok {
			r.commaOk(n)
		}
		return
	}
	if name == "" {
		r.unsupported(n.Pos(), "asserting a value of type %s to %s is something the grader's interpreter gets wrong, and %s cannot be named outside its function; declare the interface type at package level, or assert to a concrete type",
			from, to, to)
		return
	}
	r.insert(n.X.Pos(), name+"(")
	r.replace(n.X.End(), n.End(), ")")
}

// commaOkForm reports whether the assertion n is the right-hand side of `v, ok =`.
func (r *rewriter) commaOkForm(n *ast.TypeAssertExpr) bool {
	var e ast.Node = n
	for {
		if p, ok := r.parents[e].(*ast.ParenExpr); ok {
			e = p
			continue
		}
		break
	}
	switch p := r.parents[e].(type) {
	case *ast.AssignStmt:
		return len(p.Lhs) == 2 && len(p.Rhs) == 1
	case *ast.ValueSpec:
		return len(p.Names) == 2 && len(p.Values) == 1
	}
	return false
}
