package sandbox

import (
	"fmt"
	"go/types"
	"strings"
)

// The errors package, for errors of the code's own types. Compiled errors.Is, As and
// Unwrap cannot call the code's Is, As and Unwrap methods, nor compare the code's
// pointers (the interpreter hands compiled code an uncomparable wrapper), so calls to
// them go to these helpers instead: the same walk of the error tree as the standard
// library's, with the code's types tried one by one and compiled errors handed to rt.

var (
	errorT  = types.Universe.Lookup("error").Type()
	isIface = methodIface("Is", []types.Type{errorT}, []types.Type{types.Typ[types.Bool]})
	asIface = methodIface("As", []types.Type{types.NewInterfaceType(nil, nil)}, []types.Type{types.Typ[types.Bool]})
	unwrap1 = methodIface("Unwrap", nil, []types.Type{errorT})
	unwrapN = methodIface("Unwrap", nil, []types.Type{types.NewSlice(errorT)})
	// rtShapes are the interfaces package rt offers, by name.
	rtShapes = map[string]*types.Interface{
		"UnwrapOne":        unwrap1,
		"UnwrapMulti":      unwrapN,
		"ErrorUnwrapOne":   types.NewInterfaceType(nil, []types.Type{errorT, unwrap1}).Complete(),
		"ErrorUnwrapMulti": types.NewInterfaceType(nil, []types.Type{errorT, unwrapN}).Complete(),
	}
)

func methodIface(name string, params, results []types.Type) *types.Interface {
	vars := func(ts []types.Type) *types.Tuple {
		var vs []*types.Var
		for _, t := range ts {
			vs = append(vs, types.NewParam(0, nil, "", t))
		}
		return types.NewTuple(vs...)
	}
	sig := types.NewSignatureType(nil, nil, nil, vars(params), vars(results), false)
	return types.NewInterfaceType([]*types.Func{types.NewFunc(0, nil, name, sig)}, nil).Complete()
}

// errorTypes returns the dynamic types that are errors.
func (h *helpers) errorTypes() []dynType {
	return h.implementing(errorIface)
}

// errEq returns the helper comparing two errors as == does: the code's own values by
// their type, compiled ones by rt.
func (h *helpers) errEq() string {
	return h.addLate("errors eq", "erreq", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(a, b error) bool {\n\tif a == nil || b == nil {\n\t\treturn a == nil && b == nil\n\t}\n", name)
		fmt.Fprintf(&b, "\tif !%[1]s.Wrapped(a) || !%[1]s.Wrapped(b) {\n\t\treturn %[1]s.Equal(a, b)\n\t}\n", h.rt())
		for _, d := range h.errorTypes() {
			b.WriteString(d.match("a", "x", true))
			b.WriteString(strings.ReplaceAll(d.match("b", "y", true), "\t", "\t\t"))
			if d.box != nil || types.Comparable(d.typ) {
				b.WriteString("\t\t\treturn x == y\n\t\t}\n\t\treturn false\n\t}\n")
			} else {
				fmt.Fprintf(&b, "\t\t\tpanic(%q)\n\t\t}\n\t\treturn false\n\t}\n",
					"runtime error: comparing uncomparable type "+types.TypeString(d.typ, types.RelativeTo(h.pkg)))
			}
		}
		fmt.Fprintf(&b, "\treturn %s.Equal(a, b)\n}\n", h.rt())
		return b.String()
	})
}

// errComparable returns the helper telling whether errors.Is may compare a target
// with ==.
func (h *helpers) errComparable() string {
	return h.addLate("errors comparable", "errcmp", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(x error) bool {\n\tif !%s.Wrapped(x) {\n\t\treturn %s.Comparable(x)\n\t}\n", name, h.rt(), h.rt())
		for _, d := range h.errorTypes() {
			fmt.Fprintf(&b, "%s\t\treturn %v\n\t}\n", d.match("x", "v", true), d.box != nil || types.Comparable(d.typ))
		}
		fmt.Fprintf(&b, "\treturn %s.Comparable(x)\n}\n", h.rt())
		return b.String()
	})
}

// errUnwrap returns the helper doing one step of the walk: what err wraps, and how
// (1: Unwrap() error, 2: Unwrap() []error, 0: neither).
func (h *helpers) errUnwrap() string {
	return h.addLate("errors unwrap step", "errunwrap", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(err error) (error, []error, int) {\n\tif err == nil || !%s.Wrapped(err) {\n\t\treturn %s.Unwrap(err)\n\t}\n", name, h.rt(), h.rt())
		for _, d := range h.errorTypes() {
			switch {
			case types.Implements(d.typ, unwrap1):
				b.WriteString(d.match("err", "x", true) + "\t\treturn x.Unwrap(), nil, 1\n\t}\n")
			case types.Implements(d.typ, unwrapN):
				b.WriteString(d.match("err", "x", true) + "\t\treturn nil, x.Unwrap(), 2\n\t}\n")
			}
		}
		fmt.Fprintf(&b, "\treturn %s.Unwrap(err)\n}\n", h.rt())
		return b.String()
	})
}

// errIsMethod returns the helper calling err's Is method, if it has one.
func (h *helpers) errIsMethod() string {
	return h.addLate("errors is method", "erris", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(err, target error) bool {\n\tif err == nil {\n\t\treturn false\n\t}\n\tif !%s.Wrapped(err) {\n\t\treturn %s.Is(err, target)\n\t}\n", name, h.rt(), h.rt())
		for _, d := range h.errorTypes() {
			if types.Implements(d.typ, isIface) {
				b.WriteString(d.match("err", "x", true) + "\t\treturn x.Is(target)\n\t}\n")
			}
		}
		fmt.Fprintf(&b, "\treturn %s.Is(err, target)\n}\n", h.rt())
		return b.String()
	})
}

// errorsIs returns the helper doing errors.Is.
func (h *helpers) errorsIs() string {
	eq, cmp, step, is := h.errEq(), h.errComparable(), h.errUnwrap(), h.errIsMethod()
	walk := h.add("errors is walk", "errwalk", func(name string) string {
		return fmt.Sprintf(`func %[1]s(err, target error, comparable bool) bool {
	for {
		if comparable && %[2]s(err, target) {
			return true
		}
		if %[3]s(err, target) {
			return true
		}
		one, many, how := %[4]s(err)
		switch how {
		case 1:
			if one == nil {
				return false
			}
			err = one
		case 2:
			for _, e := range many {
				if %[1]s(e, target, comparable) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
}
`, name, eq, is, step)
	})
	return h.add("errors.Is", "errorsIs", func(name string) string {
		return fmt.Sprintf("func %s(err, target error) bool {\n\tif err == nil || target == nil {\n\t\treturn err == nil && target == nil\n\t}\n\treturn %s(err, target, %s(target))\n}\n",
			name, walk, cmp)
	})
}

// errorsUnwrap returns the helper doing errors.Unwrap.
func (h *helpers) errorsUnwrap() string {
	step := h.errUnwrap()
	return h.add("errors.Unwrap", "errorsUnwrap", func(name string) string {
		return fmt.Sprintf("func %s(err error) error {\n\tone, _, how := %s(err)\n\tif how != 1 {\n\t\treturn nil\n\t}\n\treturn one\n}\n", name, step)
	})
}

// errorsAs returns the helper doing errors.As with a target of type *E, where assert
// is the expression (over x) that asserts an error to E, comma-ok.
func (h *helpers) errorsAs(elem types.Type, assert func(x string) string) (string, bool) {
	E, ok := h.typeName(elem)
	if !ok {
		return "", false
	}
	step := h.errUnwrap()
	asm := h.addLate("errors as method", "erras", func(name string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "func %s(err error, target any) bool {\n\tif !%s.Wrapped(err) {\n\t\treturn false\n\t}\n", name, h.rt())
		for _, d := range h.errorTypes() {
			if types.Implements(d.typ, asIface) {
				b.WriteString(d.match("err", "x", true) + "\t\treturn x.As(target)\n\t}\n")
			}
		}
		b.WriteString("\treturn false\n}\n")
		return b.String()
	})
	return h.add("errors.As "+E, "errorsAs", func(name string) string {
		return fmt.Sprintf(`func %[1]s(err error, target *%[2]s) bool {
	if err == nil {
		return false
	}
	if target == nil {
		panic("errors: target cannot be nil")
	}
	for err != nil {
		if v, ok := %[3]s; ok {
			*target = v
			return true
		}
		if %[4]s(err, target) {
			return true
		}
		one, many, how := %[5]s(err)
		switch how {
		case 1:
			err = one
		case 2:
			for _, e := range many {
				if e != nil && %[1]s(e, target) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}
`, name, E, assert("err"), asm, step)
	}), true
}
