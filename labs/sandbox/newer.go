package sandbox

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"strings"
)

// The generic API of sync and sync/atomic added since Go 1.19 — atomic.Pointer[T],
// sync.OnceFunc, OnceValue and OnceValues — cannot come from yaegi's symbol tables (a
// reflect value cannot be generic). The type checker sees their real signatures
// (newerDecls, added to the packages' scopes), and the rewrite replaces each use by a
// generic helper of the same behaviour in the package's helper file (newerHelpers).

// newerDecls are the declarations the type checker adds to a binary package.
var newerDecls = map[string]string{
	"sync": `package sync

func OnceFunc(f func()) func()                                          { return nil }
func OnceValue[T any](f func() T) func() T                              { return nil }
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2)          { return nil }
`,
	"sync/atomic": `package atomic

// A Pointer is an atomic pointer of type *T. The zero value is a nil *T.
type Pointer[T any] struct {
	_ [0]*T
	v *T
}

func (x *Pointer[T]) Load() *T                               { return nil }
func (x *Pointer[T]) Store(val *T)                           {}
func (x *Pointer[T]) Swap(new *T) (old *T)                   { return nil }
func (x *Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) { return false }
`,
}

// extend adds newerDecls[pkg's path] to pkg's scope. The objects belong to a package of
// the same path and name, so messages name them as Go does (sync.OnceValue).
func (im *importer) extend(pkg *types.Package) error {
	src, ok := newerDecls[pkg.Path()]
	if !ok {
		return nil
	}
	f, err := parser.ParseFile(im.fset, pkg.Path()+"_newer.go", src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	ext, err := (&types.Config{Importer: im}).Check(pkg.Path(), im.fset, []*ast.File{f}, nil)
	if err != nil {
		return err
	}
	for _, name := range ext.Scope().Names() {
		if obj := ext.Scope().Lookup(name); obj.Exported() && pkg.Scope().Lookup(name) == nil {
			pkg.Scope().Insert(obj)
		}
	}
	return nil
}

// newerHelpers are the helpers that stand for them: by package path and name, the
// helper's name and its declaration. They need no import (a channel is the lock), so
// they add nothing to the helper file's imports. A panic in f is raised again on every
// call, as sync's functions do.
var newerHelpers = map[[2]string][2]string{
	{"sync", "OnceFunc"}: {"_prep_OnceFunc", `func _prep_OnceFunc(f func()) func() {
	g := _prep_OnceValue(func() struct{} { f(); return struct{}{} })
	return func() { g() }
}
`},
	{"sync", "OnceValue"}: {"_prep_OnceValue", `func _prep_OnceValue[T any](f func() T) func() T {
	lock := make(chan struct{}, 1)
	done, failed := false, false
	var p any
	var v T
	return func() T {
		lock <- struct{}{}
		if !done {
			done = true
			func() {
				failed = true
				defer func() {
					if failed {
						p = recover()
					}
				}()
				v = f()
				failed = false
			}()
		}
		<-lock
		if failed {
			panic(p)
		}
		return v
	}
}
`},
	{"sync", "OnceValues"}: {"_prep_OnceValues", `func _prep_OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	lock := make(chan struct{}, 1)
	done, failed := false, false
	var p any
	var v1 T1
	var v2 T2
	return func() (T1, T2) {
		lock <- struct{}{}
		if !done {
			done = true
			func() {
				failed = true
				defer func() {
					if failed {
						p = recover()
					}
				}()
				v1, v2 = f()
				failed = false
			}()
		}
		<-lock
		if failed {
			panic(p)
		}
		return v1, v2
	}
}
`},
	{"sync/atomic", "Pointer"}: {"_prep_AtomicPointer", atomicPointerMethods},
}

// addAtomicLock declares the lock of the atomic.Pointer helpers once.
func (r *rewriter) addAtomicLock() {
	if _, ok := r.h.names["newer atomic lock"]; !ok {
		r.h.names["newer atomic lock"] = "_prep_atomicLock"
		r.h.decls = append(r.h.decls, "var _prep_atomicLock = make(chan struct{}, 1)\n")
	}
}

// atomicPointerMethods is the generic helper type for atomic.Pointer; atomicPointerOf
// writes it out for one type.
const atomicPointerMethods = `
type _prep_AtomicPointer[T any] struct{ v *T }

func (x *_prep_AtomicPointer[T]) Load() *T {
	_prep_atomicLock <- struct{}{}
	v := x.v
	<-_prep_atomicLock
	return v
}

func (x *_prep_AtomicPointer[T]) Store(val *T) {
	_prep_atomicLock <- struct{}{}
	x.v = val
	<-_prep_atomicLock
}

func (x *_prep_AtomicPointer[T]) Swap(new *T) *T {
	_prep_atomicLock <- struct{}{}
	old := x.v
	x.v = new
	<-_prep_atomicLock
	return old
}

func (x *_prep_AtomicPointer[T]) CompareAndSwap(old, new *T) bool {
	_prep_atomicLock <- struct{}{}
	ok := x.v == old
	if ok {
		x.v = new
	}
	<-_prep_atomicLock
	return ok
}
`

// newerAPIs replaces each use of the newer API by its helper, adding the helper (and
// those it calls) to the helper file once.
func (r *rewriter) newerAPIs() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		obj := r.p.info.Uses[sel.Sel]
		if obj == nil || obj.Pkg() == nil {
			return true
		}
		h, ok := newerHelpers[[2]string{obj.Pkg().Path(), obj.Name()}]
		if !ok {
			return true
		}
		if ix, ok := r.parents[sel].(*ast.IndexExpr); ok && ix.X == sel {
			if name, ok := r.atomicPointerOf(ix); ok {
				r.replace(ix.Pos(), ix.End(), name)
				return false
			}
		}
		r.addNewer(obj.Pkg().Path(), obj.Name())
		r.replace(sel.Pos(), sel.End(), h[0])
		return false
	})
}

// atomicPointerOf returns a helper type for atomic.Pointer[T] with T written out: yaegi
// cannot load a generic type instantiated with a type that holds it (a node whose next
// field is an atomic.Pointer[node]), but runs a plain struct type.
func (r *rewriter) atomicPointerOf(ix *ast.IndexExpr) (string, bool) {
	named, ok := r.p.info.Types[ix].Type.(*types.Named)
	if !ok || named.TypeArgs().Len() != 1 {
		return "", false
	}
	elem, ok := r.h.typeName(named.TypeArgs().At(0))
	if !ok {
		return "", false
	}
	key := "atomic.Pointer " + elem
	if name, ok := r.h.names[key]; ok {
		return name, true
	}
	r.addAtomicLock()
	name := fmt.Sprintf("_prep_AtomicPointer%d", len(r.h.names))
	r.h.names[key] = name
	r.h.decls = append(r.h.decls, strings.NewReplacer("_prep_AtomicPointer[T any]", name, "_prep_AtomicPointer[T]", name, "*T", "*"+elem).Replace(atomicPointerMethods))
	return name, true
}

func (r *rewriter) addNewer(path, name string) {
	key := "newer " + path + "." + name
	if _, ok := r.h.names[key]; ok {
		return
	}
	h := newerHelpers[[2]string{path, name}]
	r.h.names[key] = h[0]
	r.h.decls = append(r.h.decls, h[1])
	switch name {
	case "OnceFunc":
		r.addNewer(path, "OnceValue")
	case "Pointer":
		r.addAtomicLock()
	}
}
