package sandbox

import (
	"strings"
	"testing"

	"prep/labs"
)

// TestRewrittenPackageIsCheckedAsOne: the package as interpreted — rewritten files and
// generated helpers together — is type-checked before it runs, so a helper that clashes
// with or does not fit the code is caught, never settled by the interpreter keeping one
// declaration.
func TestRewrittenPackageIsCheckedAsOne(t *testing.T) {
	code := "package p\n\nimport \"errors\"\n\nvar ErrX = errors.New(\"x\")\n\nfunc Same(a, b error) bool { return a == b }\n\nfunc Is(err error) bool { return errors.Is(err, ErrX) }\n"
	for _, tc := range []struct {
		name   string
		tamper func(src map[string]string)
		want   string // "" for none
	}{
		{"as generated", func(map[string]string) {}, ""},
		{"a helper declared twice", func(src map[string]string) {
			src["code.go"] += "\nfunc " + firstHelper(src[helperFile]) + "() {}\n"
		}, "redeclared"},
		{"a candidate function redeclared by the helper file", func(src map[string]string) {
			src[helperFile] += "\nfunc Same(a, b error) bool { return true }\n"
		}, "the grader's generated code"},
		{"an alias shadowed at package level", func(src map[string]string) {
			src["code.go"] += "\nvar _prep_rt = 1\n"
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPkgState("p", []srcFile{{name: "code.go", src: code}})
			im := newImporter(typeExports(), typeSources())
			if err := p.parse(); err != nil {
				t.Fatal(err.msg)
			}
			if err := p.typecheck(im); err != nil {
				t.Fatal(err.msg)
			}
			src, lerr := p.rewrite()
			if lerr != nil {
				t.Fatal(lerr.msg)
			}
			tc.tamper(src)
			lerr = p.checkRewritten(im, src)
			switch {
			case tc.want == "" && tc.name == "as generated" && lerr != nil:
				t.Fatalf("the generated package does not check: %s %v", lerr.msg, lerr.diags)
			case tc.name != "as generated" && lerr == nil:
				t.Fatalf("tampered package accepted:\n%s", src[helperFile])
			case lerr != nil:
				text := lerr.msg + diagsText(lerr.diags)
				t.Logf("%s: %s", lerr.verdict, text)
				if lerr.verdict != labs.Unsupported || !strings.Contains(text, tc.want) {
					t.Errorf("got %s %q, want unsupported mentioning %q", lerr.verdict, text, tc.want)
				}
			}
		})
	}
}

func firstHelper(src string) string {
	i := strings.Index(src, "func _prep_")
	name := src[i+len("func "):]
	return name[:strings.IndexByte(name, '(')]
}

func diagsText(ds []labs.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("\n" + d.String())
	}
	return b.String()
}

// TestRewriteMayLeaveImportsUnused: when a rewrite replaces the only use of an import
// (errors.Is becomes a generated helper), the combined check does not refuse the code:
// unused imports and variables are soft errors the candidate's own check ruled out.
func TestRewriteMayLeaveImportsUnused(t *testing.T) {
	code := "package p\n\nimport \"errors\"\n\nfunc Is(err, target error) bool { return errors.Is(err, target) }\n"
	p := newPkgState("p", []srcFile{{name: "code.go", src: code}})
	im := newImporter(typeExports(), typeSources())
	if err := p.parse(); err != nil {
		t.Fatal(err.msg)
	}
	if err := p.typecheck(im); err != nil {
		t.Fatal(err.msg)
	}
	src, lerr := p.rewrite()
	if lerr != nil {
		t.Fatal(lerr.msg)
	}
	if lerr := p.checkRewritten(im, src); lerr != nil {
		t.Fatalf("refused: %s %v\n%s", lerr.msg, lerr.diags, src["code.go"])
	}
}
