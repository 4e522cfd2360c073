package sandbox

import (
	"embed"
	"fmt"
	"go/constant"
	"go/parser"
	"io"
	"io/fs"
	"math/bits"
	"path"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"prep/labs"
)

//go:embed stdsrc/*.go.txt
var stdsrc embed.FS

// sourcePackages are the generic standard packages the interpreter compiles from source
// (stdsrc/), in dependency order. They replace yaegi's own copies, whose signatures need
// a type inference yaegi does not have (slices.Reverse(s) fails to compile there).
var sourcePackages = []string{"cmp", "iter", "maps", "slices"}

// sourceTexts returns the source the interpreter runs for each source package, by
// import path.
func sourceTexts() map[string]string { return readSources(".go.txt") }

// typeSources returns what the type checker sees of each source package: the real Go
// 1.22 signatures where the interpreter's copy had to simplify them.
func typeSources() map[string]string {
	out := readSources(".go.txt")
	for p, src := range readSources(".types.go.txt") {
		out[p] = src
	}
	return out
}

func readSources(suffix string) map[string]string {
	out := map[string]string{}
	for _, p := range sourcePackages {
		b, err := fs.ReadFile(stdsrc, "stdsrc/"+p+suffix)
		if err == nil {
			out[p] = string(b)
		}
	}
	return out
}

// allowedExports returns yaegi's symbol tables for the allowed binary packages, keyed the
// way Interpreter.Use wants them. fmt is keyed "fmt/./fmt" (the same import path, after
// path.Dir's cleaning) so that Use does not recognise the standard library and compile
// yaegi's generic sources, which ours replace; we redirect fmt's printing ourselves.
// Nothing outside labs.AllowedImports is included — in particular not yaegi's own
// "stdlib" table, which would hand out every package.
func allowedExports() interp.Exports {
	out := interp.Exports{}
	for key, syms := range stdlib.Symbols {
		p := path.Dir(key)
		if !labs.ImportAllowed(p, false) || isSourcePackage(p) {
			continue
		}
		if p == "fmt" {
			key = "fmt/./fmt"
		}
		out[key] = syms
	}
	return out
}

func isSourcePackage(p string) bool {
	for _, s := range sourcePackages {
		if s == p {
			return true
		}
	}
	return false
}

// newInterpreter returns an interpreter offering the allowed packages and the grader's
// testing package, with the candidate's printing going to stdout and the interpreter's
// panic traces to stderr, that loads source only from fsys (never the real disk).
func newInterpreter(fsys fs.FS, stdout, stderr io.Writer) (*interp.Interpreter, error) {
	i := interp.New(interp.Options{
		GoPath:               ".",
		SourcecodeFilesystem: fsys,
		Stdin:                strings.NewReader(""),
		Stdout:               stdout,
		Stderr:               stderr,
		Args:                 []string{"lab"},
		Env:                  []string{},
	})
	// Every interpreter has its own copy of the host's package variables (hostvars.go).
	exports := ownVariables(allowedExports())
	// What yaegi's fixStdlib would do for the packages we allow: print to the
	// interpreter's streams, read nothing, and report the right word size.
	fmtSyms := map[string]reflect.Value{}
	for k, v := range exports["fmt/./fmt"] {
		fmtSyms[k] = v
	}
	mapTypes := map[reflect.Value][]reflect.Type{}
	for k, v := range stdlib.MapTypes {
		mapTypes[k] = v
	}
	redirect := map[string]any{
		"Print":   func(a ...any) (int, error) { return fmt.Fprint(stdout, a...) },
		"Printf":  func(f string, a ...any) (int, error) { return fmt.Fprintf(stdout, f, a...) },
		"Println": func(a ...any) (int, error) { return fmt.Fprintln(stdout, a...) },
		"Scan":    func(a ...any) (int, error) { return 0, io.EOF },
		"Scanf":   func(f string, a ...any) (int, error) { return 0, io.EOF },
		"Scanln":  func(a ...any) (int, error) { return 0, io.EOF },
	}
	for name, fn := range redirect {
		v := reflect.ValueOf(fn)
		mapTypes[v] = stdlib.MapTypes[fmtSyms[name]]
		fmtSyms[name] = v
	}
	exports["fmt/./fmt"] = fmtSyms
	exports["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
	if b := exports["math/bits/bits"]; b != nil {
		c := map[string]reflect.Value{}
		for k, v := range b {
			c[k] = v
		}
		c["UintSize"] = reflect.ValueOf(constant.MakeInt64(bits.UintSize))
		exports["math/bits/bits"] = c
	}
	exports[labs.TestingImport+"/"+labs.TestingImport] = testingExports()
	exports[rtImport+"/rt"] = rtExports()
	if err := i.Use(exports); err != nil {
		return nil, err
	}
	texts := sourceTexts()
	for _, p := range sourcePackages {
		f, err := parser.ParseFile(i.FileSet(), p+".go", texts[p], 0)
		if err != nil {
			return nil, err
		}
		if _, err := i.CompileAST(f); err != nil {
			return nil, fmt.Errorf("grader's %s package: %w", p, err)
		}
	}
	return i, nil
}

// typeExports is what the type checker sees: the same tables, with testing and the
// grader's runtime, keyed by "path/name".
func typeExports() interp.Exports {
	out := interp.Exports{}
	for k, v := range allowedExports() {
		if k == "fmt/./fmt" {
			k = "fmt/fmt"
		}
		out[k] = v
	}
	out[labs.TestingImport+"/"+labs.TestingImport] = testingExports()
	// The grader's runtime, for checking the rewritten package (checkRewritten); code
	// cannot import it: it is not on the allow-list, which is checked first.
	out[rtImport+"/rt"] = rtExports()
	return out
}
