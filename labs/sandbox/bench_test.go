package sandbox

import (
	"io"
	"testing"
	"testing/fstest"

	"prep/labs"
)

// The child's start-up, phase by phase, for a lab's reference with its public and
// hidden tests: the type checker's importer built from yaegi's tables, the check and
// rewrite, a fresh interpreter, and loading the package into it.
func benchFiles(b *testing.B, slug string) []srcFile {
	set, err := labs.Load("")
	if err != nil {
		b.Fatal(err)
	}
	lab, err := set.Lab(slug)
	if err != nil {
		b.Fatal(err)
	}
	var files []srcFile
	for _, f := range lab.Solution {
		files = append(files, srcFile{f.Name, f.Src, roleCode})
	}
	for _, f := range lab.Public {
		files = append(files, srcFile{f.Name, f.Src, rolePublic})
	}
	for _, f := range lab.Hidden {
		files = append(files, srcFile{f.Name, f.Src, roleHidden})
	}
	return files
}

// BenchmarkPrepare is a fresh importer (as each child builds one) plus check and
// rewrite, for each lab.
func BenchmarkPrepare(b *testing.B) {
	set, err := labs.Load("")
	if err != nil {
		b.Fatal(err)
	}
	for _, lab := range set.All() {
		b.Run(lab.Slug, func(b *testing.B) {
			files := benchFiles(b, lab.Slug)
			for b.Loop() {
				im := newImporter(typeExports(), typeSources())
				if _, lerr := prepare(im, lab.Package, files); lerr != nil {
					b.Fatal(lerr.msg, lerr.diags)
				}
			}
		})
	}
}

func BenchmarkNewInterpreter(b *testing.B) {
	for b.Loop() {
		if _, err := newInterpreter(fstest.MapFS{}, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOwnVariables is the part of BenchmarkNewInterpreter that gives the
// interpreter its own copies of the host's package variables (hostvars.go).
func BenchmarkOwnVariables(b *testing.B) {
	for b.Loop() {
		ownVariables(allowedExports())
	}
}

// BenchmarkLoad is a fresh interpreter loading the prepared package with its tests.
func BenchmarkLoad(b *testing.B) {
	files := benchFiles(b, "lru")
	src, lerr := prepare(newImporter(typeExports(), typeSources()), "lru", files)
	if lerr != nil {
		b.Fatal(lerr.msg)
	}
	mfs := fstest.MapFS{}
	for name, s := range src {
		mfs["src/lab/lru/"+name] = &fstest.MapFile{Data: []byte(s)}
	}
	for b.Loop() {
		i, err := newInterpreter(mfs, io.Discard, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if err := i.EvalTest("lab/lru"); err != nil {
			b.Fatal(err)
		}
	}
}
