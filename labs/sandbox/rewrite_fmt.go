package sandbox

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
	"unicode/utf8"
)

// Printing. Compiled fmt (and the grader's testing.T, which formats with it) sees the
// code's values as yaegi passes them: a value whose type has methods in a wrapper that
// has String or Error only when yaegi thought of it — not for a method's result, nor
// inside a slice or map, nor for a value held in `any` — and then for every verb, so
// %d prints the wrapper's fields. The rewrite decides per argument, from the format's
// verbs, what fmt must receive: for %v %s %q %x %X a value converted to error or
// fmt.Stringer (so fmt calls the method, as Go's does), for other verbs the value
// converted to its underlying type (so fmt prints the value, as Go's does), and for an
// interface-typed argument a helper that looks at the dynamic type.

var stringerIface = methodIface("String", nil, []types.Type{types.Typ[types.String]})

// verb classes of a format's verbs, as fmt treats the code's types.
const (
	verbMethod = 1 << iota // %v %s %q %x %X (not %#v): fmt calls Error or String
	verbWrap               // %w
	verbValue              // the others: fmt formats the value itself
	verbType               // %T %p: the wrapper would show; left alone
)

// fmtArgs rewrites the arguments of a call to a compiled function with a final ...any
// parameter: the fmt package's printers, and t.Error, t.Fatalf, t.Log....
func (r *rewriter) fmtArgs(n *ast.CallExpr) {
	sig, ok := r.p.info.Types[n.Fun].Type.(*types.Signature)
	if !ok || !sig.Variadic() || n.Ellipsis.IsValid() || !r.compiled(n.Fun) {
		return
	}
	np := sig.Params().Len()
	last := sig.Params().At(np - 1).Type().(*types.Slice).Elem()
	if r.ifaceClass(last) != emptyIface {
		return
	}
	if r.scanner(n) {
		return // fmt.Sscan and friends take pointers to fill, not values to print
	}
	first := np - 1
	var classes []int // per variadic argument; nil when the format is unknown
	if r.printfLike(n, sig) {
		if tv := r.p.info.Types[n.Args[np-2]]; tv.Value != nil && tv.Value.Kind() == constant.String {
			classes = verbClasses(constant.StringVal(tv.Value), len(n.Args)-first)
		}
	} else {
		classes = make([]int, len(n.Args)-first)
		for i := range classes {
			classes[i] = verbMethod
		}
	}
	for i := first; i < len(n.Args); i++ {
		c := -1
		if classes != nil {
			c = classes[i-first]
		}
		r.fmtArg(n.Args[i], c)
	}
}

// scanner reports whether the call is to one of fmt's Scan functions.
func (r *rewriter) scanner(n *ast.CallExpr) bool {
	if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok {
		return strings.Contains(sel.Sel.Name, "scan") || strings.Contains(sel.Sel.Name, "Scan")
	}
	return false
}

// printfLike reports whether the call's function formats its variadic arguments with
// a format string: a name ending in f, with a string parameter just before them.
func (r *rewriter) printfLike(n *ast.CallExpr, sig *types.Signature) bool {
	var name string
	switch f := ast.Unparen(n.Fun).(type) {
	case *ast.SelectorExpr:
		name = f.Sel.Name
	case *ast.Ident:
		name = f.Name
	}
	np := sig.Params().Len()
	if !strings.HasSuffix(name, "f") || np < 2 || len(n.Args) < np-1 {
		return false
	}
	b, ok := sig.Params().At(np - 2).Type().Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

// fmtArg rewrites one argument given the classes of the verbs that print it (-1: the
// format is not known, so only what is right for every verb is done).
func (r *rewriter) fmtArg(e ast.Expr, classes int) {
	t := r.p.info.Types[e].Type
	if t == nil || r.p.info.Types[e].IsNil() {
		return
	}
	own := r.ownType(t)
	isErr := types.Implements(t, errorIface)
	isStr := types.Implements(t, stringerIface)
	switch {
	case classes == -1:
		// Unknown verbs: an error of the code's type still goes over as an error, so
		// %w wraps it and %v prints its message.
		if own && isErr && !types.IsInterface(t) {
			r.toInterface(e, errorT)
		}
	case classes == verbWrap || classes == verbMethod|verbWrap:
		if own && isErr && !types.IsInterface(t) {
			r.toInterface(e, errorT)
		}
	case classes == verbMethod:
		switch {
		case types.IsInterface(t):
			switch r.ifaceClass(t) {
			case emptyIface, codeIface:
				r.wrap(e, r.h.fmtValue(true)+"(", ")")
			case compiledIface:
				if name, ok := r.h.fmtNil(t); ok {
					r.wrap(e, name+"(", ")")
				}
			}
		case own && isErr:
			r.toInterface(e, errorT)
		case own && isStr:
			r.toInterface(e, r.h.stringerType())
		case own:
			r.underlying(e, t)
		default:
			if name, ok := r.h.fmtElems(t, r.elemConv); ok {
				r.wrap(e, name+"(", ")")
			}
		}
	case classes == verbValue:
		switch {
		case types.IsInterface(t):
			if c := r.ifaceClass(t); c == emptyIface || c == codeIface {
				r.wrap(e, r.h.fmtValue(false)+"(", ")")
			}
		case own:
			r.underlying(e, t)
		}
	}
}

// underlying converts e, of the code's basic or struct type with methods, to its
// underlying type for fmt: yaegi would hand fmt a wrapper, whose fields fmt prints.
func (r *rewriter) underlying(e ast.Expr, t types.Type) {
	if types.IsInterface(t) || types.NewMethodSet(t).Len() == 0 {
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		r.wrap(e, u.Name()+"(", ")")
	case *types.Struct:
		if U, ok := r.localTypeName(u); ok {
			r.wrap(e, "("+U+")(", ")")
		}
	}
}

// toInterface converts e, of the code's type, to the compiled interface type iface
// (error or fmt.Stringer) on its way to fmt.
func (r *rewriter) toInterface(e ast.Expr, iface types.Type) {
	name := r.toCompiled(e, iface)
	if name == "" {
		var ok bool
		if name, ok = r.h.convFrom(r.p.info.Types[e].Type, iface); !ok {
			return
		}
	}
	r.wrap(e, name+"(", ")")
}

// elemConv is the helper that converts an element of type t for fmt, "" when the
// element goes as it is.
func (r *rewriter) elemConv(t types.Type) string {
	if c := r.ifaceClass(t); c == emptyIface || c == codeIface {
		return r.h.fmtValue(true)
	}
	if !r.ownType(t) || types.IsInterface(t) {
		return ""
	}
	var name string
	switch {
	case types.Implements(t, errorIface):
		name, _ = r.h.convFrom(t, errorT)
	case types.Implements(t, stringerIface):
		name, _ = r.h.convFrom(t, r.h.stringerType())
	}
	return name
}

// ownType reports whether t is a named type of the package or a pointer to one.
func (r *rewriter) ownType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() == r.p.types
}

// verbClasses returns, for each of n arguments, the classes of the verbs format prints
// it with, following fmt's rules for flags, widths and precisions (a * takes an
// argument) and explicit argument indexes ([n]).
func verbClasses(format string, n int) []int {
	out := make([]int, n)
	arg := 0
	use := func(c int) {
		if arg >= 0 && arg < n {
			out[arg] |= c
		}
		arg++
	}
	index := func(i int) int { // parses [n] at format[i:], setting arg
		if i < len(format) && format[i] == '[' {
			if j := strings.IndexByte(format[i:], ']'); j > 0 {
				k := 0
				for _, c := range format[i+1 : i+j] {
					if c < '0' || c > '9' {
						return i
					}
					k = k*10 + int(c-'0')
				}
				arg = k - 1
				return i + j + 1
			}
		}
		return i
	}
	number := func(i int) int { // skips a width or precision at format[i:]: * (an argument) or digits
		if i < len(format) && format[i] == '*' {
			use(verbValue)
			return i + 1
		}
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			i++
		}
		return i
	}
	for i := 0; i < len(format); {
		if format[i] != '%' {
			i++
			continue
		}
		i++
		sharp := false
		for i < len(format) && strings.IndexByte("#0+- ", format[i]) >= 0 {
			sharp = sharp || format[i] == '#'
			i++
		}
		i = number(index(i)) // width
		if i < len(format) && format[i] == '.' {
			i = number(index(i + 1)) // precision
		}
		i = index(i)
		if i >= len(format) {
			break
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		i += size
		switch {
		case verb == '%':
		case verb == 'T' || verb == 'p':
			use(verbType)
		case verb == 'w':
			use(verbWrap)
		case (verb == 'v' && !sharp) || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X':
			use(verbMethod)
		default:
			use(verbValue)
		}
	}
	return out
}
