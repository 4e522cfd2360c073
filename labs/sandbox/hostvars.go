package sandbox

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"

	"prep/labs"
)

// Host package variables (io.EOF, context.Canceled, time.Local, unicode.Upper, the
// tables of unicode and hash/crc32, ...) live in the child's own memory, which the
// grader's compiled code and, in performance tests, the reference's interpreter share.
// Each interpreter is given its own copy of every one of them (ownVariables): code that
// assigns one, takes its address or writes through it (unicode.Upper.R16[0].Lo = 0,
// delete(unicode.Categories, "Lu"), crc32.IEEETable[0] = 1) changes only its own copy,
// as it would change only its own program's under go test. Copies rather than a
// read-only rule, because a rule on assignments cannot see the writes that go through
// an alias (m := unicode.Categories; m["Lu"] = nil) or a compiled function
// (sort.Slice(unicode.CaseRanges, ...)); a copy closes every path at once.
//
// What a copy keeps shared: interface values (sentinel errors stay identical, so
// err == io.EOF holds for errors from compiled code), functions, channels, and pointers
// to structs without exported fields (time.UTC, time.Local: package time compares
// them by identity, and no field of theirs can be written). The one write left to such
// a pointee, assigning it whole (*time.Local = *time.UTC), is refused before running
// (opaqueWrites).

// ownVariables returns exports with every variable replaced by a copy of its own.
func ownVariables(exports interp.Exports) interp.Exports {
	out := make(interp.Exports, len(exports))
	for key, syms := range exports {
		own := make(map[string]reflect.Value, len(syms))
		for name, v := range syms {
			if v.IsValid() && v.CanAddr() {
				nv := reflect.New(v.Type()).Elem()
				nv.Set(deepCopy(v))
				v = nv
			}
			own[name] = v
		}
		out[key] = own
	}
	return out
}

// deepCopy copies v and whatever can be written through its exported parts.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || opaque(v.Type().Elem()) {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			s.Index(i).Set(deepCopy(v.Index(i)))
		}
		return s
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			m.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return m
	case reflect.Array:
		a := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			a.Index(i).Set(deepCopy(v.Index(i)))
		}
		return a
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		s.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return s
	}
	return v
}

// opaque reports whether t is a struct type without exported fields.
func opaque(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// opaqueWrites refuses assignments through a pointer to an opaque struct type of
// another package that a host variable points to (*time.Local = *time.UTC): the
// pointee is shared (see above), and assigning it whole is the only way to change it.
func (p *pkgState) opaqueWrites() *loadError {
	var diags []labs.Diagnostic
	for i, af := range p.asts {
		if p.files[i].role != roleCode {
			continue
		}
		ast.Inspect(af, func(n ast.Node) bool {
			var lhs []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok != token.DEFINE {
					lhs = n.Lhs
				}
			case *ast.RangeStmt:
				if n.Tok == token.ASSIGN {
					lhs = []ast.Expr{n.Key, n.Value}
				}
			}
			for _, e := range lhs {
				star, ok := ast.Unparen(e).(*ast.StarExpr)
				if !ok || e == nil {
					continue
				}
				if name, shared := p.sharedOpaque(p.info.Types[star].Type); shared {
					diags = append(diags, p.diag(star.Pos(), fmt.Sprintf("assigning a whole %s through a pointer: one may be shared with the grader (a package variable of the standard library points to one); make a new value instead", name)))
				}
			}
			return true
		})
	}
	if len(diags) > 0 {
		return p.fail(labs.Unsupported, "your code writes to a value the standard library shares", diags)
	}
	return nil
}

// sharedOpaque reports whether t is the opaque struct type some host variable points
// to, and names it.
func (p *pkgState) sharedOpaque(t types.Type) (string, bool) {
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() == p.types {
		return "", false
	}
	name := n.Obj().Pkg().Path() + "." + n.Obj().Name()
	return name, sharedOpaqueTypes()[name]
}

// sharedOpaqueTypes names, as path.Name, the opaque struct types host variables point
// to, from the interpreter's own tables.
var sharedOpaqueTypes = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, syms := range allowedExports() {
		for _, v := range syms {
			if !v.IsValid() || !v.CanAddr() || v.Kind() != reflect.Pointer {
				continue
			}
			if e := v.Type().Elem(); opaque(e) && e.PkgPath() != "" {
				out[e.PkgPath()+"."+e.Name()] = true
			}
		}
	}
	return out
})
