package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
)

// TestMain doubles as the child for tests that run programs through the interpreter:
// with PREP_SANDBOX_PROGRAM set it interprets the program on stdin and exits, so an
// interpreter crash takes down only that child.
func TestMain(m *testing.M) {
	if os.Getenv("PREP_SANDBOX_PROGRAM") == "1" {
		src, _ := io.ReadAll(os.Stdin)
		if err := runProgram(string(src), os.Stdout); err != nil {
			fmt.Fprintln(os.Stdout, "ERROR:", err)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runProgram checks, rewrites and interprets a main package as the grader does with a
// lab's package, printing to stdout. Rejections come back as an error naming the
// verdict and diagnostics.
func runProgram(src string, stdout io.Writer) error {
	im := newImporter(typeExports(), typeSources())
	out, lerr := prepare(im, "main", []srcFile{{name: "main.go", src: src, role: roleCode}})
	if lerr != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s", lerr.verdict, lerr.msg)
		for _, d := range lerr.diags {
			fmt.Fprintf(&b, "\n%s", d)
		}
		return fmt.Errorf("%s", b.String())
	}
	mfs := fstest.MapFS{}
	for name, s := range out {
		mfs["src/prog/"+name] = &fstest.MapFile{Data: []byte(s)}
		if os.Getenv("PREP_SANDBOX_DUMP") == "1" {
			fmt.Fprintf(os.Stderr, "--- %s\n%s", name, s) // to see what a rewrite made
		}
	}
	i, err := newInterpreter(mfs, stdout, io.Discard)
	if err != nil {
		return err
	}
	_, err = i.EvalPath("prog")
	return err
}

// interpretInChild runs src through runProgram in a child process and returns its
// output.
func interpretInChild(t *testing.T, src string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{"PREP_SANDBOX_PROGRAM=1"}
	cmd.Stdin = strings.NewReader(src)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return out.String() + "\nCHILD FAILED: " + err.Error()
	}
	return out.String()
}
