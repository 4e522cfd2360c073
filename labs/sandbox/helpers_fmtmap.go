package sandbox

import (
	"fmt"
	"go/types"
)

// fmtMapKeys returns a helper that hands fmt a map whose keys fmt must print with their
// String or Error method, as a fmt.Stringer whose String writes what Go's fmt writes for
// the map: "map[k:v ...]", keys in order, each key and value printed with its method.
// (The keys cannot go over in a map[any]any: yaegi's method wrappers are not
// comparable.) It needs keys of an ordered underlying type, as enums are; others are
// left to fmt.
func (h *helpers) fmtMapKeys(t types.Type, m *types.Map, conv func(types.Type) string) (string, bool) {
	b, ok := m.Key().Underlying().(*types.Basic)
	if !ok || b.Info()&types.IsOrdered == 0 {
		return "", false
	}
	T, ok1 := h.typeName(t)
	K, ok2 := h.typeName(m.Key())
	if !ok1 || !ok2 {
		return "", false
	}
	kc, vc := conv(m.Key()), conv(m.Elem())
	val := "x.m[k]"
	if vc != "" {
		val = vc + "(x.m[k])"
	}
	fmtPkg, sortPkg, stringsPkg := h.importPath("fmt"), h.importPath("sort"), h.importPath("strings")
	stringer, ok := h.typeName(h.stringerType())
	if !ok {
		return "", false
	}
	return h.add("fmt map keys "+T, "fmtmap", func(name string) string {
		return fmt.Sprintf(`type %[1]sT struct{ m %[2]s }

func (x %[1]sT) String() string {
	ks := make([]%[3]s, 0, len(x.m))
	for k := range x.m {
		ks = append(ks, k)
	}
	%[5]s.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	var b %[6]s.Builder
	b.WriteString("map[")
	for i, k := range ks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(%[4]s.Sprint(%[7]s(k)))
		b.WriteByte(':')
		b.WriteString(%[4]s.Sprint(%[8]s))
	}
	b.WriteString("]")
	return b.String()
}

func %[1]s(m %[2]s) %[9]s { return %[1]sT{m} }
`, name, T, K, fmtPkg, sortPkg, stringsPkg, kc, val, stringer)
	}), true
}

// importPath returns the helper file's name for the standard package at path.
func (h *helpers) importPath(path string) string {
	if alias, ok := h.imports[path]; ok {
		return alias
	}
	alias := fmt.Sprintf("_prep_pkg%d", len(h.imports))
	h.imports[path] = alias
	return alias
}
