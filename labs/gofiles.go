package labs

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// goFiles parses every Go file: syntax, package clause, imports, test functions and the
// perf functions lab.yaml names.
func (p *parseState) goFiles() {
	p.fset = token.NewFileSet()
	names := map[string]string{} // name in the package -> archive path, for clashes
	tests := map[string]string{}
	perfFuncs := map[string]bool{}
	groups := []struct {
		files []File
		test  bool
		kind  string
	}{{p.lab.Starter, false, "starter"}, {p.lab.Solution, false, "solution"}, {p.lab.Public, true, "public"}, {p.lab.Hidden, true, "hidden"}, {p.lab.Perf, false, "perf"}}
	size := 0
	for _, f := range p.lab.Starter {
		size += len(f.Src)
	}
	if size > MaxSourceBytes {
		p.add(p.lab.Starter[0].Line, "the starter files total %d bytes, over the %d a submission may have", size, MaxSourceBytes)
	}
	for _, fx := range p.lab.Fixtures { // parsed and checked like the starter, not added to the package
		for _, f := range fx.Files {
			p.parseGo(f)
		}
	}
	for _, g := range groups {
		for _, f := range g.files {
			if g.kind != "solution" { // the solution replaces the starter, so it may reuse its names
				if prev, ok := names[f.Name]; ok {
					p.add(f.Line, "%s has the same file name as %s; they share one package directory", f.Path, prev)
				}
				names[f.Name] = f.Path
			}
			af := p.parseGo(f)
			if af == nil {
				continue
			}
			for _, d := range af.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil {
					continue
				}
				name := fd.Name.Name
				if g.test && isTestFunc(fd) {
					if prev, ok := tests[name]; ok {
						p.add(p.line(f, fd.Pos()), "test %s is also defined in %s", name, prev)
					}
					tests[name] = f.Path
				}
				if g.kind == "perf" && isPerfFunc(fd) {
					perfFuncs[name] = true
				}
			}
		}
	}
	if len(p.lab.Public) > 0 && !p.hasTests(p.lab.Public, tests) {
		p.add(p.lab.Public[0].Line, "the public tests define no func TestXxx(t *testing.T)")
	}
	if len(p.lab.Hidden) > 0 && !p.hasTests(p.lab.Hidden, tests) {
		p.add(p.lab.Hidden[0].Line, "the hidden tests define no func TestXxx(t *testing.T)")
	}
	for _, spec := range p.lab.PerfTests {
		if _, clash := tests[spec.Name]; clash {
			p.add(p.yamlFile.line, "perf name %s is also a test function; give it its own name", spec.Name)
		}
		if spec.Func == "" {
			continue
		}
		if len(p.lab.Perf) == 0 {
			p.add(p.yamlFile.line, "perf %s names func %s but the lab has no perf/*.go (add perf/perf.go with func %s(n int) func() int)", spec.Name, spec.Func, spec.Func)
		} else if !perfFuncs[spec.Func] {
			p.add(p.lab.Perf[0].Line, "perf %s: no func %s(n int) func() int in perf/*.go (it builds a structure of size n and returns a batch of operations to time, which returns how many it did)", spec.Name, spec.Func)
		}
	}
	if len(p.lab.Perf) > 0 && len(p.lab.PerfTests) == 0 {
		p.add(p.lab.Perf[0].Line, "perf files but no perf: entries in lab.yaml (add one or remove the files)")
	}
}

func (p *parseState) hasTests(files []File, tests map[string]string) bool {
	for _, f := range files {
		for _, path := range tests {
			if path == f.Path {
				return true
			}
		}
	}
	return false
}

// parseGo parses one lab file and checks its package clause and imports.
func (p *parseState) parseGo(f File) *ast.File {
	af, err := parser.ParseFile(p.fset, f.Path, f.Src, parser.SkipObjectResolution)
	if err != nil {
		line := f.Line
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			line, err = f.Line+list[0].Pos.Line, errors.New(list[0].Msg)
		}
		p.add(line, "%s does not parse: %v", f.Path, err)
		return nil
	}
	if p.lab.Package != "" && af.Name.Name != p.lab.Package {
		p.add(p.line(f, af.Name.Pos()), "%s is package %s; every file of the lab is package %s (internal tests included)", f.Path, af.Name.Name, p.lab.Package)
	}
	test := strings.HasSuffix(f.Name, "_test.go")
	for _, im := range af.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		if !ImportAllowed(path, test) {
			p.add(p.line(f, im.Pos()), "%s imports %q, which the grader does not allow (allowed: %s)", f.Path, path, strings.Join(AllowedImports(), ", "))
		}
	}
	return af
}

// line turns a position in f into an archive line.
func (p *parseState) line(f File, pos token.Pos) int { return f.Line + p.fset.Position(pos).Line }

func isTestFunc(fd *ast.FuncDecl) bool {
	name := fd.Name.Name
	if !strings.HasPrefix(name, "Test") || (len(name) > 4 && !isUpperOrDigit(name[4])) {
		return false
	}
	ps := fd.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) > 1 || fd.Type.Results != nil {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}

func isUpperOrDigit(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' }

// isPerfFunc reports whether fd is a perf workload: func F(n int) func() int (a setup
// returning a batch to time), or the older func F(n int) (timed whole).
func isPerfFunc(fd *ast.FuncDecl) bool {
	ps := fd.Type.Params.List
	if fd.Type.TypeParams != nil || len(ps) != 1 || len(ps[0].Names) > 1 || !isIdent(ps[0].Type, "int") {
		return false
	}
	if fd.Type.Results == nil {
		return true
	}
	rs := fd.Type.Results.List
	if len(rs) != 1 || len(rs[0].Names) > 0 {
		return false
	}
	ft, ok := rs[0].Type.(*ast.FuncType)
	return ok && len(ft.Params.List) == 0 && ft.Results != nil && len(ft.Results.List) == 1 &&
		len(ft.Results.List[0].Names) == 0 && isIdent(ft.Results.List[0].Type, "int")
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// TestNames returns the names of the TestXxx functions in files, in file order and
// source order: the order tests run and are reported in.
func TestNames(files []File) []string {
	var out []string
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && isTestFunc(fd) {
				out = append(out, fd.Name.Name)
			}
		}
	}
	return out
}

// TestSource returns the source of test function name in files, for showing public
// tests (Exercism's test_code); "" if it is not there.
func TestSource(files []File, name string) string {
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f.Name, f.Src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
				src := []byte(f.Src)
				start, end := fset.Position(fd.Pos()).Offset, fset.Position(fd.End()).Offset
				if fd.Doc != nil {
					start = fset.Position(fd.Doc.Pos()).Offset
				}
				return string(bytes.TrimSpace(src[start:end]))
			}
		}
	}
	return ""
}
