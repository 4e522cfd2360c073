package sandbox

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"prep/labs"
)

// role says whose a file is, which decides what messages may show of it.
type role int

const (
	roleCode      role = iota // the candidate's files (or the reference's, in its own package)
	rolePublic                // public tests: shown to the candidate
	roleHidden                // hidden tests: positions and code never shown
	rolePerf                  // the lab's perf workloads: not shown either
	roleGenerated             // the grader's helper file: not the candidate's, not shown
)

// srcFile is one file of a package to prepare.
type srcFile struct {
	name string
	src  string
	role role
}

// helperFile is the name of the file of generated helpers added to a package.
const helperFile = "zz_prep_helpers.go"

// loadError is why a package cannot run: a verdict, a summary and where.
type loadError struct {
	verdict labs.Verdict
	msg     string
	diags   []labs.Diagnostic
}

func (e *loadError) Error() string { return e.msg }

// maxDiagnostics bounds the diagnostics reported for one package, as the go command does.
const maxDiagnostics = 10

// pkgState is one package being checked and rewritten.
type pkgState struct {
	name  string
	fset  *token.FileSet
	files []srcFile
	asts  []*ast.File
	roles map[string]role
	types *types.Package
	info  *types.Info
	// yields is whether writes to shared memory yield first (see rewrite_yield.go).
	yields bool
}

// prepare checks one package (syntax, package clause, names reserved for the grader,
// imports, types, constructs the interpreter would get wrong) and returns its files
// rewritten for the interpreter, by name, with the helper file added — the whole checked
// again as one — or the first kind of problem found, every instance of it located.
func prepare(im *importer, pkgName string, files []srcFile) (map[string]string, *loadError) {
	p := newPkgState(pkgName, files)
	if err := p.parse(); err != nil {
		return nil, err
	}
	if err := p.reserved(); err != nil {
		return nil, err
	}
	if err := p.imports(); err != nil {
		return nil, err
	}
	if err := p.typecheck(im); err != nil {
		return nil, err
	}
	if err := p.unsupported(); err != nil {
		return nil, err
	}
	if err := p.opaqueWrites(); err != nil {
		return nil, err
	}
	src, err := p.rewrite()
	if err != nil {
		return nil, err
	}
	if err := p.checkRewritten(im, src); err != nil {
		return nil, err
	}
	return src, nil
}

func newPkgState(pkgName string, files []srcFile) *pkgState {
	p := &pkgState{name: pkgName, fset: token.NewFileSet(), files: files, roles: map[string]role{}}
	for _, f := range files {
		p.roles[f.name] = f.role
	}
	p.roles[helperFile] = roleGenerated
	return p
}

// diag locates msg at pos, hiding where it is in files the candidate may not see.
func (p *pkgState) diag(pos token.Pos, msg string) labs.Diagnostic {
	position := p.fset.Position(pos)
	return p.diagAt(position.Filename, position.Line, position.Column, msg)
}

func (p *pkgState) diagAt(file string, line, col int, msg string) labs.Diagnostic {
	switch p.roles[file] {
	case roleHidden:
		return labs.Diagnostic{File: "hidden tests", Msg: p.hiddenMsg(token.NoPos, msg, nil)}
	case rolePerf:
		return labs.Diagnostic{File: "the lab's performance workload", Msg: msg}
	case roleGenerated:
		return labs.Diagnostic{File: "the grader's generated code", Msg: msg}
	}
	return labs.Diagnostic{File: file, Line: line, Col: col, Msg: msg}
}

func (p *pkgState) fail(v labs.Verdict, summary string, diags []labs.Diagnostic) *loadError {
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i], diags[j]
		if ra, rb := p.roles[a.File], p.roles[b.File]; ra != rb {
			return ra < rb // the candidate's own files first
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	if len(diags) > maxDiagnostics {
		diags = diags[:maxDiagnostics]
	}
	return &loadError{verdict: v, msg: summary, diags: diags}
}

// parse parses every file and checks its package clause.
func (p *pkgState) parse() *loadError {
	var diags []labs.Diagnostic
	for _, f := range p.files {
		af, err := parser.ParseFile(p.fset, f.name, f.src, parser.SkipObjectResolution|parser.ParseComments)
		var list scanner.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				diags = append(diags, p.diagAt(e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Msg))
			}
			continue
		} else if err != nil {
			diags = append(diags, p.diagAt(f.name, 0, 0, err.Error()))
			continue
		}
		if why := labs.BuildConstraint(f.name, f.src); why != "" && f.role == roleCode {
			diags = append(diags, p.diagAt(f.name, 0, 0, why+"; labs build every file on every system: rename it and remove build constraints"))
		}
		if af.Name.Name != p.name {
			diags = append(diags, p.diag(af.Name.Pos(), fmt.Sprintf("package %s; every file of this lab is package %s", af.Name.Name, p.name)))
		}
		p.asts = append(p.asts, af)
	}
	if len(diags) > 0 {
		return p.fail(labs.CompileError, "your code does not compile", diags)
	}
	return nil
}

// imports checks every import against the allow-list before anything is loaded.
func (p *pkgState) imports() *loadError {
	var diags []labs.Diagnostic
	for i, af := range p.asts {
		test := strings.HasSuffix(p.files[i].name, "_test.go")
		for _, im := range af.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			if labs.ImportAllowed(path, test) {
				continue
			}
			msg := fmt.Sprintf("import %q is not allowed in labs (nothing that reaches files, processes, the network or the runtime); allowed: %s",
				path, strings.Join(labs.AllowedImports(), ", "))
			if path == "C" {
				msg = "cgo (import \"C\") is not available in labs"
			}
			diags = append(diags, p.diag(im.Pos(), msg))
		}
	}
	if len(diags) > 0 {
		return p.fail(labs.ForbiddenImport, "your code imports a package labs do not allow", diags)
	}
	return nil
}

// typecheck type-checks the code files alone, so the candidate sees their own errors
// first, then the whole package with its tests.
func (p *pkgState) typecheck(im *importer) *loadError {
	var code []*ast.File
	for i, af := range p.asts {
		if p.files[i].role == roleCode {
			code = append(code, af)
		}
	}
	if len(code) < len(p.asts) {
		if _, diags := p.check(im, code, false); len(diags) > 0 {
			return p.fail(labs.CompileError, "your code does not compile", diags)
		}
	}
	if _, diags := p.check(im, p.asts, true); len(diags) > 0 {
		summary := "your code does not compile"
		for _, d := range diags {
			if d.File == "hidden tests" || p.roles[d.File] != roleCode {
				summary = "the tests do not compile against your code: check that it has the API the statement gives (names, signatures)"
				break
			}
		}
		return p.fail(labs.CompileError, summary, diags)
	}
	return nil
}

// check runs go/types on files; keep makes the result the package's type information.
func (p *pkgState) check(im *importer, files []*ast.File, keep bool) (*types.Package, []labs.Diagnostic) {
	var diags []labs.Diagnostic
	var info *types.Info
	conf := types.Config{
		Importer:  im,
		GoVersion: "go1.23",
		Sizes:     types.SizesFor("gc", "amd64"),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				d := p.diag(te.Pos, hint(te.Msg))
				if p.roles[p.fset.Position(te.Pos).Filename] == roleHidden {
					d.Msg = p.hiddenMsg(te.Pos, te.Msg, info)
				}
				diags = append(diags, d)
			} else {
				diags = append(diags, labs.Diagnostic{Msg: err.Error()})
			}
		},
	}
	info = &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	pkg, _ := conf.Check(p.name, p.fset, files, info)
	if keep {
		p.types, p.info = pkg, info
	}
	return pkg, diags
}

// hint adds what to do to type errors whose cause is the grader rather than the code.
func hint(msg string) string {
	switch {
	case strings.Contains(msg, "requires go1.23") && strings.Contains(msg, "range"):
		return msg + " (range-over-func iterators are not available in labs; loop over a slice or map)"
	case strings.HasPrefix(msg, "undefined: ") && strings.Contains(msg, "."):
		pkg := strings.SplitN(strings.TrimPrefix(msg, "undefined: "), ".", 2)[0]
		if labs.ImportAllowed(pkg, true) {
			return msg + " (labs offer the Go 1.22 standard library and the common subset of package testing)"
		}
	case strings.Contains(msg, "has no field or method") && strings.Contains(msg, "testing.T"):
		return msg + " (labs offer the common subset of testing.T: Run, Error(f), Fatal(f), Fail(Now), Log(f), Skip(f), Helper, Cleanup, Name, Context)"
	}
	return msg
}
