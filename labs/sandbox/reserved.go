package sandbox

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"strings"

	"prep/labs"
)

// reservedPrefix begins every name the grader generates: helpers (_prep_erreq3), the
// helper file's import aliases (_prep_pkg0), the runtime's alias in rewritten files
// (_prep_rt), box types. Code may not declare or use a name with it, in any scope, so
// nothing it writes can stand in for (or call) what the grader added.
const reservedPrefix = "_prep_"

// reserved rejects every identifier with the reserved prefix: declared or used, at
// package level or in a function, as a field, method, label or import name.
func (p *pkgState) reserved() *loadError {
	var diags []labs.Diagnostic
	for _, af := range p.asts {
		ast.Inspect(af, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if ok && strings.HasPrefix(id.Name, reservedPrefix) && len(diags) < maxDiagnostics {
				diags = append(diags, p.diag(id.Pos(), fmt.Sprintf("%s: names beginning with %s are reserved for the grader's generated code; rename it", clip(id.Name, maxNameText), reservedPrefix)))
			}
			return true
		})
	}
	if len(diags) > 0 {
		return p.fail(labs.CompileError, "your code uses a name reserved for the grader", diags)
	}
	return nil
}

// checkRewritten type-checks the package exactly as it will be interpreted — the
// rewritten files and the generated helper file together — so that a rewrite or a
// helper that does not fit the code is caught before anything runs, never resolved by
// whichever declaration the interpreter happens to keep. A problem here is the
// grader's, not the candidate's: the verdict says so.
func (p *pkgState) checkRewritten(im *importer, src map[string]string) *loadError {
	fset := p.fset
	var files []*ast.File
	names := make([]string, 0, len(src))
	for _, f := range p.files {
		names = append(names, f.name)
	}
	names = append(names, helperFile)
	for _, name := range names {
		af, err := parser.ParseFile(fset, "rewritten/"+name, src[name], parser.SkipObjectResolution)
		if err != nil {
			return p.rewriteFailed(name, err.Error())
		}
		files = append(files, af)
	}
	var first string
	var firstFile string
	conf := types.Config{
		Importer:  im,
		GoVersion: "go1.22",
		Sizes:     types.SizesFor("gc", "amd64"),
		Error: func(err error) {
			// A rewrite may leave an import or a variable unused (errors.Is becomes a
			// helper call): soft errors the candidate's own check already ruled out.
			if te, ok := err.(types.Error); first != "" || ok && te.Soft {
				return
			}
			first = err.Error()
			if te, ok := err.(types.Error); ok {
				pos := fset.Position(te.Pos)
				firstFile, first = strings.TrimPrefix(pos.Filename, "rewritten/"), te.Msg
				if r := p.roles[firstFile]; firstFile != helperFile && (r == roleCode || r == rolePublic) {
					first = fmt.Sprintf("line %d: %s", pos.Line, te.Msg)
				}
			}
		},
	}
	conf.Check(p.name, fset, files, nil) // every error, soft or hard, went to conf.Error
	if first != "" {
		return p.rewriteFailed(firstFile, first)
	}
	return nil
}

func (p *pkgState) rewriteFailed(file, msg string) *loadError {
	where := file
	switch p.roles[file] {
	case roleHidden:
		where, msg = "hidden tests", "the rewritten hidden tests do not type-check"
	case rolePerf:
		where = "the lab's performance workload"
	case roleGenerated:
		where = "the grader's generated code"
	}
	return &loadError{verdict: labs.Unsupported,
		msg:   "the grader could not prepare your code for its interpreter (a limit of the grader, not a mistake of yours); write the construct differently",
		diags: []labs.Diagnostic{{File: where, Msg: clip(msg, maxDiagText)}}}
}
