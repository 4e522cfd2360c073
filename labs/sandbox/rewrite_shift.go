package sandbox

import (
	"go/ast"
	"go/token"
	"go/types"
)

// untypedShift gives the untyped constant on the left of a non-constant shift the type
// Go gives it — the type the shift takes from its context (`u | 1<<n` with u a uint64:
// uint64) — as an explicit conversion. yaegi makes it an int, and `u | 1<<n` panics
// ("call of reflect.Value.Uint on int Value") or computes in the wrong width.
func (r *rewriter) untypedShift(n *ast.BinaryExpr) {
	if n.Op != token.SHL && n.Op != token.SHR {
		return
	}
	info := r.p.info
	shift, ok := info.Types[n]
	if !ok || shift.Value != nil || shift.Type == nil {
		return // a constant shift: computed exactly at compile time
	}
	// A constant on the left: go/types records the type it was converted to (an untyped
	// one's final type), which a typed constant already has — converting is harmless.
	if left, ok := info.Types[n.X]; !ok || left.Value == nil {
		return
	}
	if _, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
		return // already converted: uint8(1) << n
	}
	t := shift.Type
	if b, ok := t.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return
	}
	name, ok := r.typeName(t)
	if !ok {
		return
	}
	r.wrap(n.X, name+"(", ")")
}

// typeName writes t as this file can name it: package types by their import name here.
// It reports false when t names a package the file does not import.
func (r *rewriter) typeName(t types.Type) (string, bool) {
	ok := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p == r.p.types {
			return ""
		}
		name, imported := r.imports[p.Path()]
		if !imported {
			ok = false
		}
		return name
	})
	return s, ok
}
