package sandbox

import (
	"go/ast"
	"go/types"
	"strings"
)

// instantiateAll writes out the inferred type arguments of every use of the package's
// generic functions (see instantiate).
func (r *rewriter) instantiateAll() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			r.instantiate(id)
		}
		return true
	})
}

// instantiate writes out the type arguments go/types inferred for a use of one of the
// package's generic functions: `Map(xs, f)` becomes `Map[int, string](xs, f)`. yaegi's
// own inference binds a second type parameter to the first's type ("cannot use type
// func(int) string as type func(int) int") and crashes loading a variadic generic call
// (`MaxOf(1.5)`), but runs the explicit instantiation.
func (r *rewriter) instantiate(id *ast.Ident) {
	inst, ok := r.p.info.Instances[id]
	if !ok || inst.TypeArgs.Len() == 0 {
		return
	}
	fn, ok := r.p.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg() != r.p.types && fn.Pkg().Path() != "cmp" {
		// A generic type (its arguments are written) or another package's function.
		// cmp's interpreted copy has the real signatures, so its functions can be
		// instantiated (cmp.Or(a, b) fails to load otherwise); those of slices and maps
		// take []E and map[K]V where Go's take S ~[]E, and cannot.
		return
	}
	if ix, ok := r.parents[id].(*ast.IndexExpr); ok && ix.X == id {
		return // explicit already
	}
	if ix, ok := r.parents[id].(*ast.IndexListExpr); ok && ix.X == id {
		return
	}
	args := make([]string, inst.TypeArgs.Len())
	for i := range args {
		name, ok := r.typeName(inst.TypeArgs.At(i))
		if !ok {
			return
		}
		args[i] = name
	}
	r.close(id.End(), "["+strings.Join(args, ", ")+"]")
}
