package sandbox

import (
	"fmt"
	"go/types"
	"sort"
	"strings"

	"prep/labs"
)

// helpers generates the functions the rewrite calls in place of what the interpreter
// lacks or gets wrong. They live in one extra file of the package, with their own
// imports, so any type the code uses can be spelled there.
type helpers struct {
	pkg     *types.Package
	imports map[string]string // import path -> alias in the helper file
	names   map[string]string // what the helper does, e.g. "min int" -> its name
	decls   []string
	// late are helpers rendered once the rewrite is done, because they enumerate the
	// dynamic types values can have — the nil boxes included, which the rewrite adds.
	late   []func() string
	boxes  []*nilBox
	vboxes []*valBox
}

func newHelpers(pkg *types.Package) *helpers {
	return &helpers{pkg: pkg, imports: map[string]string{}, names: map[string]string{}}
}

// addLate is add for a helper rendered at the end.
func (h *helpers) addLate(key, prefix string, gen func(name string) string) string {
	if name, ok := h.names[key]; ok {
		return name
	}
	name := fmt.Sprintf("_prep_%s%d", prefix, len(h.names))
	h.names[key] = name
	h.late = append(h.late, func() string { return gen(name) })
	return name
}

// typeName spells t in the helper file, or reports that it cannot be spelled outside
// where it is declared (type parameters, types local to a function).
func (h *helpers) typeName(t types.Type) (string, bool) {
	if !nameable(t, h.pkg, false) {
		return "", false
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == h.pkg {
			return ""
		}
		alias, ok := h.imports[p.Path()]
		if !ok {
			alias = fmt.Sprintf("_prep_pkg%d", len(h.imports))
			h.imports[p.Path()] = alias
		}
		return alias
	}), true
}

// nameable reports whether t can be spelled at package level: no type parameters
// (unless allowTypeParams, for code inside the generic function), no types declared
// inside a function, and only packages code can import.
func nameable(t types.Type, pkg *types.Package, allowTypeParams bool) bool {
	seen := map[types.Type]bool{}
	var ok func(types.Type) bool
	ok = func(t types.Type) bool {
		if seen[t] {
			return true
		}
		seen[t] = true
		switch t := types.Unalias(t).(type) {
		case *types.Basic:
			return t.Kind() != types.Invalid
		case *types.TypeParam:
			return allowTypeParams
		case *types.Named:
			obj := t.Obj()
			if obj.Pkg() != nil && obj.Pkg() != pkg && !isImportable(obj.Pkg().Path()) {
				return false
			}
			if obj.Pkg() == pkg && obj.Parent() != pkg.Scope() {
				return false
			}
			if args := t.TypeArgs(); args != nil {
				for i := 0; i < args.Len(); i++ {
					if !ok(args.At(i)) {
						return false
					}
				}
			}
			return true
		case *types.Pointer:
			return ok(t.Elem())
		case *types.Slice:
			return ok(t.Elem())
		case *types.Array:
			return ok(t.Elem())
		case *types.Map:
			return ok(t.Key()) && ok(t.Elem())
		case *types.Chan:
			return ok(t.Elem())
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for i := 0; i < tup.Len(); i++ {
					if !ok(tup.At(i).Type()) {
						return false
					}
				}
			}
			return true
		case *types.Struct:
			for i := 0; i < t.NumFields(); i++ {
				if !ok(t.Field(i).Type()) {
					return false
				}
			}
			return true
		case *types.Interface:
			for i := 0; i < t.NumMethods(); i++ {
				if !ok(t.Method(i).Type()) {
					return false
				}
			}
			return true
		}
		return false
	}
	return ok(t)
}

func isImportable(path string) bool { return path == "testing" || allowedPath(path) }

// add returns the helper for key, generating it with gen(name) the first time.
func (h *helpers) add(key, prefix string, gen func(name string) string) string {
	if name, ok := h.names[key]; ok {
		return name
	}
	name := fmt.Sprintf("_prep_%s%d", prefix, len(h.names))
	h.names[key] = name
	h.decls = append(h.decls, gen(name))
	return name
}

// minmax returns a helper computing the builtin min or max over values of type t, with
// the builtin's rules for floats: a NaN wins, and -0 is less than +0.
func (h *helpers) minmax(op string, t types.Type) (string, bool) {
	T, ok := h.typeName(t)
	b, basic := t.Underlying().(*types.Basic)
	if !ok || !basic || b.Info()&types.IsOrdered == 0 {
		return "", false
	}
	less := "y < x"
	zero := "y == x && x == 0 && 1/y < 0" // min(-0, +0) is -0
	if op == "max" {
		less, zero = "y > x", "y == x && x == 0 && 1/x < 0" // max(-0, +0) is +0
	}
	body := "if " + less + " {\n\t\t\tx = y\n\t\t}"
	if b.Info()&types.IsFloat != 0 {
		body = "if x != x {\n\t\t\treturn x\n\t\t}\n\t\tif y != y || " + less + " || (" + zero + ") {\n\t\t\tx = y\n\t\t}"
	}
	return h.add(op+" "+T, op, func(name string) string {
		return fmt.Sprintf("func %s(x %s, ys ...%s) %s {\n\tfor _, y := range ys {\n\t\t%s\n\t}\n\treturn x\n}\n", name, T, T, T, body)
	}), true
}

// clear returns a helper doing the builtin clear on a map or slice of type t.
func (h *helpers) clear(t types.Type) (string, bool) {
	T, ok := h.typeName(t)
	if !ok {
		return "", false
	}
	switch u := t.Underlying().(type) {
	case *types.Map:
		return h.add("clear "+T, "clear", func(name string) string {
			return fmt.Sprintf("func %s(m %s) {\n\tfor k := range m {\n\t\tdelete(m, k)\n\t}\n}\n", name, T)
		}), true
	case *types.Slice:
		E, ok := h.typeName(u.Elem())
		if !ok {
			return "", false
		}
		return h.add("clear "+T, "clear", func(name string) string {
			return fmt.Sprintf("func %s(s %s) {\n\tvar zero %s\n\tfor i := 0; i < len(s); i++ {\n\t\ts[i] = zero\n\t}\n}\n", name, T, E)
		}), true
	}
	return "", false
}

// conv returns a helper converting a value to interface type t by passing it as an
// argument, which the interpreter does right where an explicit conversion is wrong.
func (h *helpers) conv(t types.Type) (string, bool) {
	T, ok := h.typeName(t)
	if !ok {
		return "", false
	}
	return h.add("conv "+T, "conv", func(name string) string {
		return fmt.Sprintf("func %s(x %s) %s {\n\treturn x\n}\n", name, T, T)
	}), true
}

// convFrom returns a helper converting a value of the concrete type from to interface
// type t by returning it: yaegi converts a method's or function's result right there,
// where passing it straight on as an interface-typed argument fails.
func (h *helpers) convFrom(from, t types.Type) (string, bool) {
	F, ok := h.typeName(from)
	T, ok2 := h.typeName(t)
	if !ok || !ok2 {
		return "", false
	}
	return h.add("conv "+F+" "+T, "conv", func(name string) string {
		return fmt.Sprintf("func %s(x %s) %s {\n\treturn x\n}\n", name, F, T)
	}), true
}

// assert returns a helper doing the comma-ok assertion of a value of interface type
// from to interface type to, false for nil.
func (h *helpers) assert(from, to types.Type) (string, bool) {
	F, ok := h.typeName(from)
	T, ok2 := h.typeName(to)
	if !ok || !ok2 {
		return "", false
	}
	return h.add("assert "+F+" "+T, "assert", func(name string) string {
		return fmt.Sprintf("func %s(x %s) (%s, bool) {\n\tif x == nil {\n\t\treturn nil, false\n\t}\n\tv, ok := x.(%s)\n\treturn v, ok\n}\n", name, F, T, T)
	}), true
}

// source returns the helper file of package pkgName.
func (h *helpers) source(pkgName string) string {
	// Late helpers first: they may import packages and add helpers of their own.
	var late []string
	for i := 0; i < len(h.late); i++ {
		late = append(late, h.late[i]())
	}
	decls := append(h.decls, late...)
	body := strings.Join(decls, "\n")
	var b strings.Builder
	b.WriteString("// Code generated by the prep grader. DO NOT EDIT.\n\npackage " + pkgName + "\n")
	// Only the imports the helpers use: a type spelled for a helper that is then not
	// generated (min of constants) leaves its alias unused, which the check of the
	// package as interpreted (checkRewritten) rejects, as Go does.
	paths := make([]string, 0, len(h.imports))
	for p, alias := range h.imports {
		if strings.Contains(body, alias+".") {
			paths = append(paths, p)
		}
	}
	if len(paths) > 0 {
		sort.Strings(paths)
		b.WriteString("\nimport (\n")
		for _, p := range paths {
			fmt.Fprintf(&b, "\t%s %q\n", h.imports[p], p)
		}
		b.WriteString(")\n")
	}
	for _, d := range decls {
		b.WriteString("\n" + d)
	}
	return b.String()
}

// allowedPath reports whether code may import path.
func allowedPath(path string) bool { return labs.ImportAllowed(path, false) }

// helperPurposes says, by a helper's name without _prep_ and its number, what in the
// code the helper stands for: for messages about a helper.
var helperPurposes = map[string]string{
	"min": "min", "max": "max", "clear": "clear",
	"conv":         "a value put in an interface",
	"assert":       "a type assertion or type switch",
	"nil":          "a nil pointer put in error or fmt.Stringer",
	"val":          "a struct value put in error or fmt.Stringer",
	"erreq":        "comparing errors (== or a switch on an error)",
	"errcmp":       "comparing errors (== or a switch on an error)",
	"errunwrap":    "errors.Is or errors.As",
	"erris":        "errors.Is",
	"errwalk":      "errors.Is",
	"errorsIs":     "errors.Is",
	"errorsUnwrap": "errors.Unwrap",
	"erras":        "errors.As",
	"errorsAs":     "errors.As",
	"fmtv":         "a value printed with fmt or t.Errorf",
	"fmts":         "a slice or map printed with fmt or t.Errorf",
	"fmtnil":       "a value printed with fmt or t.Errorf",
}

// helperPurpose returns what the helper declared at or above line of the helper file
// src stands for.
func helperPurpose(src string, line int) string {
	lines := strings.Split(src, "\n")
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(lines[i], "func "+reservedPrefix)
		if !ok {
			rest, ok = strings.CutPrefix(lines[i], "type "+reservedPrefix)
		}
		if !ok {
			continue
		}
		if i := strings.IndexAny(rest, "( ["); i >= 0 {
			rest = rest[:i]
		}
		if p, ok := helperPurposes[strings.TrimRight(rest, "0123456789")]; ok {
			return p
		}
		break
	}
	return "a construct"
}
