package sandbox

import (
	"fmt"
	"go/types"
	"strings"
)

// Helpers that look at a value's dynamic type. yaegi cannot assert a value held in
// `any` or in a compiled interface (error, fmt.Stringer) to an interface type the code
// declares, nor compare two errors holding the code's pointers, nor call the code's
// methods from compiled code (errors.Is, fmt). What it does get right is asserting to a
// concrete type, and calling a method on the result. So these helpers try, one by one,
// each type of the package a value can have — they are few — and hand compiled values
// to the grader's runtime package (rt.go).

// dynType is a dynamic type the helpers can name: a named type of the package, a
// pointer to one, or a nil box.
type dynType struct {
	text string     // spelled in the helper file
	typ  types.Type // its method set: for a nil box, that of the type it boxes
	box  *nilBox
	vbox *valBox // how values of this (struct) type are held in compiled interfaces
	// interpName is how the interpreter spells the type (pkg.T, *pkg.T); rt is the
	// helper file's name for package rt.
	interpName, rt string
}

// dynTypes returns every dynamic type the helpers can name, boxes last.
func (h *helpers) dynTypes() []dynType {
	var out []dynType
	scope := h.pkg.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok || named.TypeParams().Len() > 0 || types.IsInterface(named) {
			continue
		}
		cands := []types.Type{named}
		if _, isPtr := named.Underlying().(*types.Pointer); !isPtr {
			cands = append(cands, types.NewPointer(named))
		}
		for _, t := range cands {
			if text, ok := h.typeName(t); ok {
				d := dynType{text: text, typ: t, rt: h.rt(), interpName: types.TypeString(t, func(p *types.Package) string { return p.Name() })}
				for _, vb := range h.vboxes {
					if types.Identical(vb.of, t) {
						d.vbox = vb
					}
				}
				out = append(out, d)
			}
		}
	}
	for _, b := range h.boxes {
		out = append(out, dynType{text: b.name, typ: b.of, box: b})
	}
	return out
}

// implementing returns the dynamic types that implement iface.
func (h *helpers) implementing(iface *types.Interface) []dynType {
	var out []dynType
	for _, d := range h.dynTypes() {
		if types.Implements(d.typ, iface) {
			out = append(out, d)
		}
	}
	return out
}

// match opens an if statement that binds v to x's dynamic value when it has type d;
// compiled says x's static type is a compiled interface, where values of the code's
// struct types are held in value boxes. v is the nil value of a nil box's type.
func (d dynType) match(x, v string, compiled bool) string {
	switch {
	case d.box != nil:
		return fmt.Sprintf("\tif _, ok := %s.(%s); ok {\n\t\tvar %s %s\n\t\t_ = %s\n", x, d.text, v, d.box.ofText, v)
	case compiled && d.vbox != nil:
		return fmt.Sprintf("\tif w, ok := %s.(*%s); ok {\n\t\t%s := w.v\n\t\t_ = %s\n", x, d.vbox.name, v, v)
	}
	if !compiled {
		// In `any`, yaegi tells types apart by their reflect types, which two types
		// of the code can share (a named int and int, two structs with the same
		// fields): check the interpreter's own name for the value's type too.
		return fmt.Sprintf("\tif %s, ok := %s.(%s); ok && %s.TypeIs(%s, %q, %v) {\n\t\t_ = %s\n",
			v, x, d.text, d.rt, x, d.interpName, d.rawOK(), v)
	}
	return fmt.Sprintf("\tif %s, ok := %s.(%s); ok {\n\t\t_ = %s\n", v, x, d.text, v)
}

// rawOK reports whether a value of d's type may be held in `any` without its
// interpreter type: yaegi keeps the type only for values whose type has methods, and
// not for structs and pointers in every path.
func (d dynType) rawOK() bool {
	switch d.typ.Underlying().(type) {
	case *types.Struct, *types.Pointer:
		return true
	}
	return types.NewMethodSet(d.typ).Len() == 0
}

func (h *helpers) rt() string {
	h.imports[rtImport] = "_prep_rt"
	return "_prep_rt"
}

// nilBox is a generated struct type standing for a nil value of the code's type `of`
// held in a compiled interface: yaegi makes `var err error = (*MyErr)(nil)` a nil
// error, where Go makes it a non-nil error holding a nil pointer — the classic bug code
// must be graded on. The box has every method of `of`, each calling it on the nil value.
type nilBox struct {
	name   string
	of     types.Type
	ofText string
}

// box returns the nil box of t, generating it the first time; false when t's methods
// cannot be spelled in the helper file.
func (h *helpers) box(t types.Type) (*nilBox, bool) {
	T, ok := h.typeName(t)
	if !ok {
		return nil, false
	}
	for _, b := range h.boxes {
		if types.Identical(b.of, t) {
			return b, true
		}
	}
	ms := types.NewMethodSet(t)
	var methods []string
	for i := 0; i < ms.Len(); i++ {
		fn := ms.At(i).Obj().(*types.Func)
		m, ok := h.forward(fn, "var p "+T+"\n\t", "p")
		if !ok {
			return nil, false
		}
		methods = append(methods, m)
	}
	b := &nilBox{of: t, ofText: T}
	b.name = h.add("box "+T, "nil", func(name string) string {
		src := fmt.Sprintf("// %s is a nil %s held in an interface.\ntype %s struct{}\n", name, T, name)
		for _, m := range methods {
			src += "\nfunc (" + name + ") " + m
		}
		return src
	})
	h.boxes = append(h.boxes, b)
	return b, true
}

// forward spells method fn's signature and a body that runs prelude and calls it on
// recv with the same arguments.
func (h *helpers) forward(fn *types.Func, prelude, recv string) (string, bool) {
	sig := fn.Type().(*types.Signature)
	var params, args, results []string
	for i := 0; i < sig.Params().Len(); i++ {
		pt := sig.Params().At(i).Type()
		name := fmt.Sprintf("a%d", i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			E, ok := h.typeName(pt.(*types.Slice).Elem())
			if !ok {
				return "", false
			}
			params = append(params, name+" ..."+E)
			args = append(args, name+"...")
			continue
		}
		P, ok := h.typeName(pt)
		if !ok {
			return "", false
		}
		params = append(params, name+" "+P)
		args = append(args, name)
	}
	for i := 0; i < sig.Results().Len(); i++ {
		R, ok := h.typeName(sig.Results().At(i).Type())
		if !ok {
			return "", false
		}
		results = append(results, R)
	}
	res := ""
	switch len(results) {
	case 0:
	case 1:
		res = " " + results[0]
	default:
		res = " (" + strings.Join(results, ", ") + ")"
	}
	call := recv + "." + fn.Name() + "(" + strings.Join(args, ", ") + ")"
	if len(results) > 0 {
		call = "return " + call
	}
	return fmt.Sprintf("%s(%s)%s {\n\t%s%s\n}\n", fn.Name(), strings.Join(params, ", "), res, prelude, call), true
}

// valBox is a generated struct type holding a value of the code's struct type `of` in
// a compiled interface, by pointer: yaegi's own wrapper keeps only the struct's last
// field (getConcreteValue), so the value could never be asserted back or compared.
type valBox struct {
	name   string
	of     types.Type
	ofText string
}

// vbox returns the value box of struct type t, generating it the first time.
func (h *helpers) vbox(t types.Type) (*valBox, bool) {
	T, ok := h.typeName(t)
	if !ok {
		return nil, false
	}
	for _, b := range h.vboxes {
		if types.Identical(b.of, t) {
			return b, true
		}
	}
	ms := types.NewMethodSet(t)
	var methods []string
	for i := 0; i < ms.Len(); i++ {
		m, ok := h.forward(ms.At(i).Obj().(*types.Func), "", "b.v")
		if !ok {
			return nil, false
		}
		methods = append(methods, m)
	}
	b := &valBox{of: t, ofText: T}
	b.name = h.add("vbox "+T, "val", func(name string) string {
		src := fmt.Sprintf("// %s holds a %s in an interface.\ntype %s struct{ v %s }\n", name, T, name, T)
		for _, m := range methods {
			src += "\nfunc (b *" + name + ") " + m
		}
		return src
	})
	h.vboxes = append(h.vboxes, b)
	return b, true
}

// valConv returns a helper converting a value of the code's struct type t to the
// compiled interface type f, in its value box.
func (h *helpers) valConv(t, f types.Type) (string, bool) {
	T, ok := h.typeName(t)
	F, ok2 := h.typeName(f)
	if !ok || !ok2 {
		return "", false
	}
	b, ok := h.vbox(t)
	if !ok {
		return "", false
	}
	return h.add("valconv "+T+" "+F, "conv", func(name string) string {
		return fmt.Sprintf("func %s(v %s) %s {\n\treturn &%s{v}\n}\n", name, T, F, b.name)
	}), true
}

// boxConv returns a helper converting a value of the code's nilable type p to the
// compiled interface type f, boxing nil.
func (h *helpers) boxConv(p, f types.Type) (string, bool) {
	P, ok := h.typeName(p)
	F, ok2 := h.typeName(f)
	if !ok || !ok2 {
		return "", false
	}
	b, ok := h.box(p)
	if !ok {
		return "", false
	}
	return h.add("boxconv "+P+" "+F, "conv", func(name string) string {
		return fmt.Sprintf("func %s(p %s) %s {\n\tif p == nil {\n\t\treturn %s{}\n\t}\n\treturn p\n}\n", name, P, F, b.name)
	}), true
}

// assertFrom returns a helper asserting x of compiled interface type f to the concrete
// type t: with ok, returning (T, bool); else T, panicking as the assertion does. For
// the code's types it takes a nil box or a value box apart; and it never lets yaegi
// look at a compiled value that is an empty struct (context.DeadlineExceeded), whose
// assertion to any type panics in the interpreter (reflect: Field index out of range).
func (h *helpers) assertFrom(f, t types.Type, own, ok bool) (string, bool) {
	F, ok1 := h.typeName(f)
	T, ok2 := h.typeName(t)
	if !ok1 || !ok2 {
		return "", false
	}
	return h.addLate(fmt.Sprintf("assert %s %s %v", F, T, ok), "assert", func(name string) string {
		var b strings.Builder
		ret := func(v string) string { // the return statement for a match
			if ok {
				return "return " + v + ", true"
			}
			return "return " + v
		}
		if ok {
			fmt.Fprintf(&b, "func %s(x %s) (%s, bool) {\n\tvar zero %s\n", name, F, T, T)
		} else {
			fmt.Fprintf(&b, "func %s(x %s) %s {\n\tvar zero %s\n", name, F, T, T)
		}
		fail := "\t\treturn zero, false\n"
		if !ok {
			fail = fmt.Sprintf("\t\tpanic(%q)\n", "interface conversion: the value is not a "+types.TypeString(t, types.RelativeTo(h.pkg)))
		}
		// A compiled value is never one of the code's types; an empty struct cannot be
		// asserted at all.
		if own {
			fmt.Fprintf(&b, "\tif x == nil || !%s.Wrapped(x) {\n%s\t}\n", h.rt(), fail)
		} else {
			fmt.Fprintf(&b, "\tif x == nil || %s.EmptyStruct(x) {\n%s\t}\n", h.rt(), fail)
		}
		for _, bx := range h.boxes {
			if types.Identical(bx.of, t) {
				fmt.Fprintf(&b, "\tif _, ok := x.(%s); ok {\n\t\t%s\n\t}\n", bx.name, ret("zero"))
			}
		}
		isStruct := false
		for _, vb := range h.vboxes {
			if types.Identical(vb.of, t) {
				isStruct = true
				fmt.Fprintf(&b, "\tif w, ok := x.(*%s); ok {\n\t\t%s\n\t}\n", vb.name, ret("w.v"))
			}
		}
		switch {
		case isStruct:
			// Only a boxed value can match: yaegi's own wrapper of a struct value has
			// lost all but one of its fields.
			b.WriteString(strings.TrimPrefix(fail, "\t") + "}\n")
		case ok:
			fmt.Fprintf(&b, "\tv, ok := x.(%s)\n\treturn v, ok\n}\n", T)
		default:
			fmt.Fprintf(&b, "\treturn x.(%s)\n}\n", T)
		}
		return b.String()
	}), true
}

// assertAny returns a helper asserting x of type `any` to t, where yaegi cannot tell
// a type of the code from its underlying type (a named int with methods is an int to
// it): the interpreter's name for the value's type decides — t's own for a type of the
// code, none (a value held as it is) for any other.
func (h *helpers) assertAny(t types.Type, own, ok bool) (string, bool) {
	T, ok1 := h.typeName(t)
	if !ok1 {
		return "", false
	}
	name := ""
	if own {
		name = types.TypeString(t, func(p *types.Package) string { return p.Name() })
	}
	return h.add(fmt.Sprintf("assert any %s %v %v", T, own, ok), "assert", func(fn string) string {
		if ok {
			return fmt.Sprintf("func %s(x any) (%s, bool) {\n\tv, ok := x.(%s)\n\tif !ok || !%s.TypeIs(x, %q, %v) {\n\t\tvar zero %s\n\t\treturn zero, false\n\t}\n\treturn v, true\n}\n",
				fn, T, T, h.rt(), name, !own, T)
		}
		return fmt.Sprintf("func %s(x any) %s {\n\tif !%s.TypeIs(x, %q, %v) {\n\t\tpanic(%q)\n\t}\n\treturn x.(%s)\n}\n",
			fn, T, h.rt(), name, !own, "interface conversion: the value is not a "+types.TypeString(t, types.RelativeTo(h.pkg)), T)
	}), true
}

// ifaceAssert returns a helper asserting x of type f (the empty interface, or a
// compiled one) to the interface type i the code declares: with ok, returning
// (I, bool); else I, panicking as the assertion does.
func (h *helpers) ifaceAssert(f, i types.Type, ok bool) (string, bool) {
	F, ok1 := h.typeName(f)
	I, ok2 := h.typeName(i)
	if !ok1 || !ok2 {
		return "", false
	}
	iface := i.Underlying().(*types.Interface)
	compiled := f.Underlying().(*types.Interface).NumMethods() > 0
	if !ok {
		inner, _ := h.ifaceAssert(f, i, true)
		return h.add(fmt.Sprintf("assert %s %s false", F, I), "assert", func(name string) string {
			return fmt.Sprintf("func %s(x %s) %s {\n\tv, ok := %s(x)\n\tif !ok {\n\t\tpanic(%q)\n\t}\n\treturn v\n}\n",
				name, F, I, inner, "interface conversion: the value does not implement "+types.TypeString(i, types.RelativeTo(h.pkg)))
		}), true
	}
	return h.addLate(fmt.Sprintf("assert %s %s true", F, I), "assert", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(x %s) (%s, bool) {\n\tif x == nil {\n\t\treturn nil, false\n\t}\n", name, F, I)
		if compiled {
			// The code's values are wrapped; only they can be the code's types (and
			// yaegi panics asserting a compiled empty struct to one).
			fmt.Fprintf(&b, "\tif %s.Wrapped(x) {\n", h.rt())
		}
		for _, d := range h.implementing(iface) {
			b.WriteString(d.match("x", "v", compiled) + "\t\treturn v, true\n\t}\n")
		}
		if compiled {
			b.WriteString("\t}\n")
		}
		if types.AssignableTo(f, i) {
			// Every value of f has i's methods: a compiled one converts as it is.
			fmt.Fprintf(&b, "\treturn x, true\n}\n")
			return b.String()
		}
		for shape, si := range rtShapes {
			if types.Identical(si, iface) {
				// A compiled error with these methods (errors.Join's, fmt.Errorf's).
				fmt.Fprintf(&b, "\tif v, ok := x.(%s.%s); ok {\n\t\treturn v, true\n\t}\n", h.rt(), shape)
			}
		}
		var names, sigs []string
		for k := 0; k < iface.NumMethods(); k++ {
			m := iface.Method(k)
			names = append(names, fmt.Sprintf("%q", m.Name()))
			sigs = append(sigs, fmt.Sprintf("%q", types.TypeString(m.Type(), func(p *types.Package) string { return p.Name() })))
		}
		fmt.Fprintf(&b, "\t%s.CannotConvert(x, %q, []string{%s}, []string{%s})\n\treturn nil, false\n}\n",
			h.rt(), types.TypeString(i, types.RelativeTo(h.pkg)), strings.Join(names, ", "), strings.Join(sigs, ", "))
		return b.String()
	}), true
}
