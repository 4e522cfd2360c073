package sandbox

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"

	"prep/labs"
)

// importer gives go/types the packages the interpreter offers, built from the very
// symbol tables yaegi uses (reflect values) plus the source of the generic packages. So
// type checking sees exactly the API the code will run against — the Go 1.22 standard
// library as extracted by yaegi, and the grader's testing package — without a GOROOT or
// export data on the machine. It is built lazily, package by package.
type importer struct {
	fset    *token.FileSet
	exports interp.Exports                // yaegi's tables, by "path/name"
	sources map[string]string             // generic packages compiled from source, by path
	pkgs    map[string]*types.Package     // every package seen, complete or not
	done    map[string]bool               // packages whose scope is filled
	named   map[reflect.Type]*types.Named // converted named types
	alias   map[string]string             // reflect package path -> path the code imports
}

func newImporter(exports interp.Exports, sources map[string]string) *importer {
	return &importer{
		fset:    token.NewFileSet(),
		exports: exports,
		sources: sources,
		pkgs:    map[string]*types.Package{},
		done:    map[string]bool{},
		named:   map[reflect.Type]*types.Named{},
		alias:   map[string]string{reflect.TypeOf(T{}).PkgPath(): labs.TestingImport},
	}
}

// Import implements types.Importer.
func (im *importer) Import(p string) (*types.Package, error) {
	if im.done[p] {
		return im.pkgs[p], nil
	}
	if src, ok := im.sources[p]; ok {
		f, err := parser.ParseFile(im.fset, p+".go", src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		conf := types.Config{Importer: im}
		pkg, err := conf.Check(p, im.fset, []*ast.File{f}, nil)
		if err != nil {
			return nil, fmt.Errorf("grader's %s package: %v", p, err)
		}
		im.pkgs[p], im.done[p] = pkg, true
		return pkg, nil
	}
	syms := im.symbols(p)
	if syms == nil {
		return nil, fmt.Errorf("package %s is not available", p)
	}
	pkg := im.pkg(p)
	im.done[p] = true
	for name, v := range syms {
		if strings.HasPrefix(name, "_") || !token.IsExported(name) {
			continue // yaegi's interface wrappers
		}
		if obj := im.object(pkg, name, v); obj != nil && pkg.Scope().Lookup(name) == nil {
			pkg.Scope().Insert(obj)
		}
	}
	if err := im.extend(pkg); err != nil {
		return nil, err
	}
	pkg.MarkComplete()
	return pkg, nil
}

// symbols returns yaegi's table for import path p.
func (im *importer) symbols(p string) map[string]reflect.Value {
	for key, syms := range im.exports {
		if path.Dir(key) == p {
			return syms
		}
	}
	return nil
}

// pkg returns the package for a path, creating an empty one; packages that appear only
// in the types of others (io, internal/...) stay incomplete and unimportable.
func (im *importer) pkg(p string) *types.Package {
	if a, ok := im.alias[p]; ok {
		p = a
	}
	if pkg, ok := im.pkgs[p]; ok {
		return pkg
	}
	pkg := types.NewPackage(p, path.Base(p))
	im.pkgs[p] = pkg
	return pkg
}

// constValue is the interface of yaegi's untyped constants.
var constValue = reflect.TypeOf((*constant.Value)(nil)).Elem()

// object converts one yaegi symbol. yaegi stores a type as a nil pointer to it, an
// untyped constant as a constant.Value, a variable as an addressable value, a function
// as a func value and a typed constant as a plain value.
func (im *importer) object(pkg *types.Package, name string, v reflect.Value) types.Object {
	switch {
	case !v.IsValid():
		return nil
	case v.Kind() == reflect.Ptr && v.IsNil():
		t := im.typ(v.Type().Elem())
		if n, ok := t.(*types.Named); ok && n.Obj().Name() == name && n.Obj().Pkg() == pkg {
			return n.Obj()
		}
		return types.NewTypeName(token.NoPos, pkg, name, t) // an alias
	case !v.CanAddr() && v.Type().Implements(constValue):
		c := v.Interface().(constant.Value)
		kind := map[constant.Kind]types.BasicKind{constant.Bool: types.UntypedBool, constant.String: types.UntypedString,
			constant.Int: types.UntypedInt, constant.Float: types.UntypedFloat, constant.Complex: types.UntypedComplex}[c.Kind()]
		return types.NewConst(token.NoPos, pkg, name, types.Typ[kind], c)
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, im.typ(v.Type()))
	case v.Kind() == reflect.Func:
		return types.NewFunc(token.NoPos, pkg, name, im.signature(v.Type(), false))
	}
	var c constant.Value
	switch v.Kind() {
	case reflect.Bool:
		c = constant.MakeBool(v.Bool())
	case reflect.String:
		c = constant.MakeString(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c = constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c = constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		c = constant.MakeFloat64(v.Float())
	default:
		return types.NewVar(token.NoPos, pkg, name, im.typ(v.Type()))
	}
	return types.NewConst(token.NoPos, pkg, name, im.typ(v.Type()), c)
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// typ converts a reflect type.
func (im *importer) typ(t reflect.Type) types.Type {
	if t == errorType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() != "" && t.PkgPath() != "" {
		return im.namedType(t)
	}
	return im.structure(t)
}

var basicKinds = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

// namedType converts a defined type, with its methods. Instantiated generic types
// (names with brackets) become named types no code can name, which keeps recursive
// ones finite.
func (im *importer) namedType(t reflect.Type) types.Type {
	if n, ok := im.named[t]; ok {
		return n
	}
	pkg := im.pkg(t.PkgPath())
	tn := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	n := types.NewNamed(tn, nil, nil)
	im.named[t] = n
	if !strings.Contains(t.Name(), "[") && pkg.Scope().Lookup(t.Name()) == nil {
		pkg.Scope().Insert(tn)
	}
	n.SetUnderlying(im.structure(t))
	if t.Kind() == reflect.Interface {
		return n
	}
	promoted := im.promoted(t)
	value := map[string]bool{}
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		value[m.Name] = true
		if !promoted[m.Name] {
			n.AddMethod(im.method(pkg, m, n))
		}
	}
	pt := reflect.PointerTo(t)
	for i := 0; i < pt.NumMethod(); i++ {
		m := pt.Method(i)
		if !value[m.Name] && !promoted[m.Name] {
			n.AddMethod(im.method(pkg, m, types.NewPointer(n)))
		}
	}
	return n
}

// promoted returns the names of the methods a struct type gets from embedded fields:
// go/types finds those itself, and declaring them again would make selectors ambiguous.
func (im *importer) promoted(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		for _, ft := range []reflect.Type{f.Type, reflect.PointerTo(f.Type)} {
			for j := 0; j < ft.NumMethod(); j++ {
				out[ft.Method(j).Name] = true
			}
		}
	}
	return out
}

func (im *importer) method(pkg *types.Package, m reflect.Method, recv types.Type) *types.Func {
	sig := im.signature(m.Type, true)
	sig = types.NewSignatureType(types.NewVar(token.NoPos, pkg, "", recv), nil, nil, sig.Params(), sig.Results(), sig.Variadic())
	return types.NewFunc(token.NoPos, pkg, m.Name, sig)
}

// structure converts a type's structure, ignoring its name.
func (im *importer) structure(t reflect.Type) types.Type {
	if k, ok := basicKinds[t.Kind()]; ok {
		return types.Typ[k]
	}
	switch t.Kind() {
	case reflect.Ptr:
		return types.NewPointer(im.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(im.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(im.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(im.typ(t.Key()), im.typ(t.Elem()))
	case reflect.Chan:
		dir := map[reflect.ChanDir]types.ChanDir{reflect.BothDir: types.SendRecv, reflect.SendDir: types.SendOnly, reflect.RecvDir: types.RecvOnly}[t.ChanDir()]
		return types.NewChan(dir, im.typ(t.Elem()))
	case reflect.Func:
		return im.signature(t, false)
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = types.NewField(token.NoPos, im.fieldPkg(t, f.PkgPath), f.Name, im.typ(f.Type), f.Anonymous)
		}
		return types.NewStruct(fields, nil)
	case reflect.Interface:
		methods := make([]*types.Func, t.NumMethod())
		for i := range methods {
			m := t.Method(i)
			methods[i] = types.NewFunc(token.NoPos, im.fieldPkg(t, m.PkgPath), m.Name, im.signature(m.Type, false))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	return types.Typ[types.Invalid]
}

// fieldPkg is the package that owns a field or method name: its own for unexported
// names, the type's for exported ones.
func (im *importer) fieldPkg(t reflect.Type, pkgPath string) *types.Package {
	if pkgPath != "" {
		return im.pkg(pkgPath)
	}
	if t.PkgPath() != "" {
		return im.pkg(t.PkgPath())
	}
	return nil
}

// signature converts a func type; skipRecv drops the receiver reflect puts first in a
// method's type.
func (im *importer) signature(t reflect.Type, skipRecv bool) *types.Signature {
	start := 0
	if skipRecv {
		start = 1
	}
	var params, results []*types.Var
	for i := start; i < t.NumIn(); i++ {
		params = append(params, types.NewParam(token.NoPos, nil, "", im.typ(t.In(i))))
	}
	for i := 0; i < t.NumOut(); i++ {
		results = append(results, types.NewParam(token.NoPos, nil, "", im.typ(t.Out(i))))
	}
	return types.NewSignatureType(nil, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}
