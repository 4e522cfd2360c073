package sandbox

import (
	"fmt"
	"go/types"
	"strings"
)

// fmtPkg and stringerType stand for package fmt and fmt.Stringer in helpers.
var fmtPkg = types.NewPackage("fmt", "fmt")

var stringerNamed = types.NewNamed(types.NewTypeName(0, fmtPkg, "Stringer", nil), stringerIface, nil)

func (h *helpers) stringerType() types.Type { return stringerNamed }

// fmtValue returns the helper that hands a value held in an interface to fmt the way
// fmt would see it in Go: for verbs that call methods, converted to error or
// fmt.Stringer when its type has the method; for the others, a basic type with
// methods in its underlying type; else as the concrete value (not yaegi's
// representation of the interface).
func (h *helpers) fmtValue(methods bool) string {
	key := fmt.Sprintf("fmt value %v", methods)
	return h.addLate(key, "fmtv", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(x any) any {\n\tif x == nil {\n\t\treturn nil\n\t}\n", name)
		for _, d := range h.dynTypes() {
			if d.box != nil {
				continue
			}
			ret := "v"
			switch {
			case methods && types.Implements(d.typ, errorIface):
				c, _ := h.convFrom(d.typ, errorT)
				ret = c + "(v)"
			case methods && types.Implements(d.typ, stringerIface):
				c, _ := h.convFrom(d.typ, stringerNamed)
				ret = c + "(v)"
			case types.NewMethodSet(d.typ).Len() > 0:
				if u, ok := d.typ.Underlying().(*types.Basic); ok {
					ret = u.Name() + "(v)"
				}
			}
			b.WriteString(d.match("x", "v", false) + "\t\treturn " + ret + "\n\t}\n")
		}
		b.WriteString("\treturn x\n}\n")
		return b.String()
	})
}

// fmtElems returns a helper that copies a slice, array or map of t whose elements
// conv converts (to error or fmt.Stringer) into one of `any` holding them converted, so
// fmt calls their methods as Go's does.
func (h *helpers) fmtElems(t types.Type, conv func(types.Type) string) (string, bool) {
	T, ok := h.typeName(t)
	if !ok {
		return "", false
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Array:
		var elem types.Type
		if s, ok := u.(*types.Slice); ok {
			elem = s.Elem()
		} else {
			elem = u.(*types.Array).Elem()
		}
		c := conv(elem)
		if c == "" {
			return "", false
		}
		return h.add("fmt elems "+T, "fmts", func(name string) string {
			return fmt.Sprintf("func %s(xs %s) []any {\n\tout := make([]any, len(xs))\n\tfor i := 0; i < len(xs); i++ {\n\t\tout[i] = %s(xs[i])\n\t}\n\treturn out\n}\n", name, T, c)
		}), true
	case *types.Map:
		if conv(u.Key()) != "" {
			return h.fmtMapKeys(t, u, conv)
		}
		c := conv(u.Elem())
		K, ok := h.typeName(u.Key())
		if c == "" || !ok {
			return "", false
		}
		return h.add("fmt elems "+T, "fmts", func(name string) string {
			return fmt.Sprintf("func %s(m %s) map[%s]any {\n\tif m == nil {\n\t\treturn nil\n\t}\n\tout := make(map[%s]any, len(m))\n\tfor k := range m {\n\t\tout[k] = %s(m[k])\n\t}\n\treturn out\n}\n", name, T, K, K, c)
		}), true
	}
	return "", false
}

// fmtNil returns the helper that hands fmt a value of compiled interface type f the
// way Go's fmt prints a nil pointer of the code's type held in it: the method's text,
// or "<nil>" when the method panics. Other values go as they are.
func (h *helpers) fmtNil(f types.Type) (string, bool) {
	F, ok := h.typeName(f)
	if !ok {
		return "", false
	}
	return h.addLate("fmt nil "+F, "fmtnil", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(x %s) any {\n", name, F)
		for _, bx := range h.boxes {
			method := "String"
			if types.Implements(bx.of, errorIface) {
				method = "Error"
			} else if !types.Implements(bx.of, stringerIface) {
				continue
			}
			fmt.Fprintf(&b, "\tif _, ok := x.(%s); ok {\n\t\treturn %s.NilText(func() string {\n\t\t\tvar p %s\n\t\t\treturn p.%s()\n\t\t})\n\t}\n",
				bx.name, h.rt(), bx.ofText, method)
		}
		b.WriteString("\treturn x\n}\n")
		return b.String()
	}), true
}
