package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"prep/labs"
)

// The differential harness: every program of three corpora is run by the real Go
// toolchain and by the sandbox (the path a candidate's code takes: type check,
// checker, rewrite, yaegi), and the outcomes are compared. An outcome is a class —
// same, refused up front, diverging, timeout — and a silent divergence is a failure:
//
//   - goroot: $GOROOT/test programs whose first line is "// run" and whose imports labs
//     allow; the oracle is the distribution's own .out file (or no output) and exit 0.
//     Divergences already known are listed in testdata/difftest/goroot-known.txt: a new
//     one fails the test, and so does a listed one that no longer diverges.
//   - idioms: the programs expanded from testdata/difftest/idioms/*.go.tmpl (interview-style
//     code), built with the real go command; any divergence fails.
//   - labs: every lab's reference solution and starter with its public and hidden tests,
//     under go test and under the sandbox's grading; any test whose result differs fails.
//
// The whole goroot corpus takes under a minute on 2 cores; with -short a fixed
// deterministic quarter of it runs. labs/difftest.sh runs everything and prints the
// counts.

// diffChildEnv makes the test binary a child that runs one program from stdin.
const diffChildEnv = "PREP_DIFFTEST_CHILD"

// diffStatus prefixes the child's last line on stderr: how the run ended.
const diffStatus = "PREP-DIFFTEST-STATUS "

func init() {
	switch os.Getenv(diffChildEnv) {
	case "program":
		src, _ := io.ReadAll(os.Stdin)
		status := diffRunProgram(string(src), os.Stdout)
		fmt.Fprintln(os.Stderr, diffStatus+status)
		os.Exit(0)
	case "job":
		Main(os.Stdin, os.Stdout)
	}
}

// diffRunProgram runs a main package the way the grader runs a lab's package and says
// how it ended: "ok", "refused <message>" (the checker or the interpreter's loader
// refused it, with a message) or "panic <value>".
func diffRunProgram(src string, out io.Writer) (status string) {
	debug.SetMaxStack(256 << 20)
	im := newImporter(typeExports(), typeSources())
	prepared, lerr := prepare(im, "main", []srcFile{{name: "main.go", src: src, role: roleCode}})
	if lerr != nil {
		var b strings.Builder
		fmt.Fprintf(&b, "refused %s: %s", lerr.verdict, lerr.msg)
		for _, d := range lerr.diags {
			fmt.Fprintf(&b, " | %s", d)
		}
		return b.String()
	}
	prepared["zz_prep_difftest.go"] = "package main\n\nfunc PrepDifftestMain() { main() }\n"
	mfs := fstest.MapFS{}
	for name, s := range prepared {
		mfs["src/prog/"+name] = &fstest.MapFile{Data: []byte(s)}
	}
	i, err := newInterpreter(mfs, out, io.Discard) // stderr: yaegi's unwinding traces, which the grader keeps apart
	if err != nil {
		return "refused interpreter: " + err.Error()
	}
	debug.SetMaxStack(labs.MaxStackBytes)
	loading := true
	defer func() {
		if p := recover(); p != nil {
			if loading && internalPanic(p) {
				// The grader reports a load the interpreter fails as unsupported, with
				// its message (runner.interpret): refused, not run.
				status = fmt.Sprintf("refused interpreter (loading): %v", p)
				return
			}
			status = fmt.Sprintf("panic %v", p)
			if os.Getenv("PREP_DIFFTEST_STACK") != "" {
				os.Stderr.Write(debug.Stack())
			}
		}
	}()
	if err := i.EvalTest("prog"); err != nil {
		return "refused interpreter: " + strings.SplitN(err.Error(), "\n", 2)[0]
	}
	v, ok := i.Symbols("prog")["prog"]["PrepDifftestMain"]
	if !ok || !v.IsValid() {
		return "refused interpreter: main did not load"
	}
	fn, ok := v.Interface().(func())
	if !ok {
		return "refused interpreter: main has type " + v.Type().String()
	}
	loading = false
	fn()
	return "ok"
}

// run is how one program ended under one engine.
type run struct {
	class  string // ok, panic (any failure exit), refused, timeout
	out    string // what it printed (stdout and stderr, as Go's test runner compares them)
	detail string
}

// diffTimeout bounds one interpreted program. Go's own programs run in milliseconds;
// under the interpreter a few take seconds.
const diffTimeout = 20 * time.Second

// interpretProgram runs src in a child test binary.
func interpretProgram(src string) run {
	exe, err := os.Executable()
	if err != nil {
		return run{class: "panic", detail: err.Error()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), diffTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = []string{diffChildEnv + "=program"}
	cmd.Stdin = strings.NewReader(src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if ctx.Err() != nil {
		return run{class: "timeout", out: stdout.String()}
	}
	errText := stderr.String()
	if i := strings.LastIndex(errText, diffStatus); i >= 0 && err == nil {
		status := strings.TrimSpace(errText[i+len(diffStatus):])
		kind, detail, _ := strings.Cut(status, " ")
		return run{class: kind, out: stdout.String() + errText[:i], detail: detail}
	}
	return run{class: "panic", out: stdout.String(), detail: firstLines(errText, 3)}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}

// compare classifies the interpreted run against Go's: same, refused, diverging or
// timeout. Output is compared exactly when Go succeeded; when Go failed (a panic, a
// deadlock), failing too is the same outcome.
func compare(goRun, in run) string {
	switch {
	case in.class == "refused":
		return "refused"
	case in.class == "timeout" && goRun.class != "timeout":
		return "timeout"
	case in.class != goRun.class:
		return "diverging"
	case goRun.class == "ok" && in.out != goRun.out:
		return "diverging"
	}
	return "same"
}

// parallel runs fn over n items, two at a time per CPU at most.
func parallel(n int, fn func(i int)) {
	sem := make(chan struct{}, max(2, runtime.NumCPU()))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}()
	}
	wg.Wait()
}

type counts map[string]int

func (c counts) String() string {
	return fmt.Sprintf("same %d, refused %d, diverging %d, timeout %d", c["same"], c["refused"], c["diverging"], c["timeout"])
}

// gorootProgram is one program of the Go distribution's test directory.
type gorootProgram struct {
	name string // path under $GOROOT/test
	src  string
	want string // the .out file, or ""
}

// gorootPrograms lists the "// run" programs (first line exactly that, no build
// constraints, a single file) whose imports labs allow.
func gorootPrograms(t *testing.T) []gorootProgram {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("go is not on PATH")
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "test")
	var progs []gorootProgram
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasSuffix(path, ".dir") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		first, _, _ := strings.Cut(src, "\n")
		if strings.TrimSpace(first) != "// run" || strings.Contains(src, "//go:build") || strings.Contains(src, "// +build") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, b, parser.ImportsOnly)
		if err != nil || f.Name.Name != "main" {
			return nil
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if !labs.ImportAllowed(p, false) {
				return nil
			}
		}
		want, _ := os.ReadFile(strings.TrimSuffix(path, ".go") + ".out")
		rel, _ := filepath.Rel(root, path)
		progs = append(progs, gorootProgram{name: filepath.ToSlash(rel), src: src, want: string(want)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(progs, func(i, j int) bool { return progs[i].name < progs[j].name })
	return progs
}

// knownDivergences reads testdata/difftest/goroot-known.txt: "name class  # note",
// where class is diverging, timeout or flaky (either outcome).
func knownDivergences(t *testing.T) map[string]string {
	b, err := os.ReadFile("testdata/difftest/goroot-known.txt")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	known := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) >= 2 {
			known[f[0]] = f[1]
		}
	}
	return known
}

func TestDifferentialGoroot(t *testing.T) {
	progs := gorootPrograms(t)
	if testing.Short() {
		var sub []gorootProgram
		for i, p := range progs {
			if i%4 == 0 {
				sub = append(sub, p)
			}
		}
		t.Logf("-short: a fixed quarter of the corpus (%d of %d programs)", len(sub), len(progs))
		progs = sub
	}
	known := knownDivergences(t)
	results := make([]string, len(progs))
	details := make([]run, len(progs))
	parallel(len(progs), func(i int) {
		in := interpretProgram(progs[i].src)
		results[i] = compare(run{class: "ok", out: progs[i].want}, in)
		details[i] = in
	})
	c := counts{}
	var listing strings.Builder
	for i, p := range progs {
		class := results[i]
		c[class]++
		if class == "diverging" || class == "timeout" {
			fmt.Fprintf(&listing, "%s %s\n", p.name, class)
		}
		want, listed := known[p.name]
		switch {
		case (class == "diverging" || class == "timeout") && !listed:
			t.Errorf("%s: new %s: %s %s\n--- go:\n%s--- interpreted:\n%s", p.name, class, details[i].class, details[i].detail, p.want, details[i].out)
		case want == "flaky":
			// Nondeterministic under Go or under the interpreter (a data race the
			// program tests for): any outcome is accepted, and counted.
		case listed && class != want:
			t.Errorf("%s: listed as %s in testdata/difftest/goroot-known.txt, now %s: remove or update the line", p.name, want, class)
		}
	}
	t.Logf("goroot corpus (%d programs): %v", len(progs), c)
	if os.Getenv("PREP_DIFFTEST_LIST") != "" {
		_ = os.WriteFile(os.Getenv("PREP_DIFFTEST_LIST"), []byte(listing.String()), 0o644)
	}
}

// idiom is one program of the idioms corpus.
type idiom struct {
	name string
	src  string
}

// idiomPrograms expands the templates testdata/difftest/idioms/*.go.tmpl (Go programs; not Go files, since a placeholder is not Go). A line "//difftest:vary K=a|b|c"
// makes one program per value, with every "{{K}}" in the file replaced; several such
// lines multiply.
func idiomPrograms(t *testing.T) []idiom {
	files, err := filepath.Glob("testdata/difftest/idioms/*.go.tmpl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no idiom programs: %v", err)
	}
	sort.Strings(files)
	var out []idiom
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(filepath.Base(file), ".go.tmpl")
		variants := []idiom{{name: base, src: string(b)}}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			spec, ok := strings.CutPrefix(sc.Text(), "//difftest:vary ")
			if !ok {
				continue
			}
			key, vals, _ := strings.Cut(spec, "=")
			var next []idiom
			for _, v := range variants {
				for j, val := range strings.Split(vals, "|") {
					next = append(next, idiom{name: fmt.Sprintf("%s.%s%d", v.name, key, j), src: strings.ReplaceAll(v.src, "{{"+key+"}}", val)})
				}
			}
			variants = next
		}
		out = append(out, variants...)
	}
	return out
}

// buildIdioms builds every idiom program into one binary with the real go command: each
// becomes package pNNN with main renamed Main, and the binary runs the one named by
// its argument. One link instead of hundreds.
func buildIdioms(t *testing.T, progs []idiom) string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module difftest\n\ngo 1.26\n"), 0o644))
	var mainSrc strings.Builder
	mainSrc.WriteString("package main\n\nimport (\n\t\"os\"\n")
	for i := range progs {
		fmt.Fprintf(&mainSrc, "\tp%03d \"difftest/p%03d\"\n", i, i)
	}
	mainSrc.WriteString(")\n\nfunc main() {\n\tswitch os.Args[1] {\n")
	for i, p := range progs {
		pkg := filepath.Join(dir, fmt.Sprintf("p%03d", i))
		must(t, os.MkdirAll(pkg, 0o755))
		src := strings.Replace(p.src, "package main", fmt.Sprintf("package p%03d", i), 1)
		src = strings.Replace(src, "\nfunc main() {", "\nfunc Main() {", 1)
		must(t, os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644))
		fmt.Fprintf(&mainSrc, "\tcase %q:\n\t\tp%03d.Main()\n", strconv.Itoa(i), i)
	}
	mainSrc.WriteString("\t}\n}\n")
	must(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(mainSrc.String()), 0o644))
	bin := filepath.Join(dir, "idioms")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runCompiled runs program i of the idioms binary.
func runCompiled(bin string, i int) run {
	ctx, cancel := context.WithTimeout(context.Background(), diffTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, strconv.Itoa(i))
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	// The program ran as package pNNN: its types print as main's would.
	out := strings.NewReplacer(fmt.Sprintf("p%03d.", i), "main.", fmt.Sprintf("difftest/p%03d", i), "main").Replace(buf.String())
	switch {
	case ctx.Err() != nil:
		return run{class: "timeout", out: out}
	case err != nil:
		return run{class: "panic", out: out, detail: firstLines(out, 2)}
	}
	return run{class: "ok", out: out}
}

func TestDifferentialIdioms(t *testing.T) {
	progs := idiomPrograms(t)
	if len(progs) < 300 {
		t.Errorf("the idioms corpus has %d programs; keep at least 300", len(progs))
	}
	bin := buildIdioms(t, progs)
	results := make([]string, len(progs))
	goRuns, inRuns := make([]run, len(progs)), make([]run, len(progs))
	parallel(len(progs), func(i int) {
		goRuns[i] = runCompiled(bin, i)
		inRuns[i] = interpretProgram(progs[i].src)
		results[i] = compare(goRuns[i], inRuns[i])
	})
	c := counts{}
	for i, p := range progs {
		c[results[i]]++
		switch results[i] {
		case "diverging", "timeout":
			t.Errorf("%s: %s (go %s, interpreted %s %s)\n--- go:\n%s--- interpreted:\n%s", p.name, results[i], goRuns[i].class, inRuns[i].class, inRuns[i].detail, goRuns[i].out, inRuns[i].out)
		case "refused":
			if os.Getenv("PREP_DIFFTEST_VERBOSE") != "" {
				t.Logf("%s: refused: %s", p.name, inRuns[i].detail)
			}
		}
	}
	t.Logf("idioms corpus (%d programs): %v", len(progs), c)
}

// TestDifferentialLabs grades every lab's reference solution and starter, with public
// and hidden tests, under go test and under the sandbox, and compares each test's result.
func TestDifferentialLabs(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	set, err := labs.Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := counts{}
	for _, lab := range set.All() {
		for _, variant := range []struct {
			name  string
			files []labs.File
		}{{"solution", lab.Solution}, {"starter", lab.Starter}} {
			name := lab.Slug + "/" + variant.name
			goRes := goTestResults(t, goTool, lab, variant.files)
			inRes, refusal := sandboxResults(t, lab, variant.files)
			class := "same"
			switch {
			case refusal != "":
				class = "refused"
				t.Errorf("%s: refused by the sandbox, go test runs it: %s", name, refusal)
			case !reflect.DeepEqual(goRes, inRes):
				class = "diverging"
				t.Errorf("%s: test results differ\n go test: %v\nsandbox: %v", name, goRes, inRes)
			}
			c[class]++
		}
	}
	t.Logf("labs corpus: %v", c)
}

func jobFiles(fs []labs.File) []labs.JobFile {
	out := make([]labs.JobFile, len(fs))
	for i, f := range fs {
		out[i] = labs.JobFile{Name: f.Name, Src: f.Src}
	}
	return out
}

// goTestResults runs go test -v on the files with the lab's tests: test name -> "pass"
// or "fail".
func goTestResults(t *testing.T, goTool string, lab *labs.Lab, code []labs.File) map[string]string {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module lab\n\ngo 1.26\n"), 0o644))
	for _, group := range [][]labs.File{code, lab.Public, lab.Perf} {
		for _, f := range group {
			must(t, os.WriteFile(filepath.Join(dir, f.Name), []byte(f.Src), 0o644))
		}
	}
	for _, f := range lab.Hidden {
		name := f.Name
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			name = strings.TrimSuffix(name, "_test.go") + "_hidden_test.go"
		}
		must(t, os.WriteFile(filepath.Join(dir, name), []byte(f.Src), 0o644))
	}
	cmd := exec.Command(goTool, "test", "-v", "-count=1", "-timeout=60s", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, _ := cmd.CombinedOutput()
	res := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		for _, p := range []struct{ prefix, status string }{{"--- PASS: ", "pass"}, {"--- FAIL: ", "fail"}, {"--- SKIP: ", "skip"}} {
			if rest, ok := strings.CutPrefix(line, p.prefix); ok {
				name, _, _ := strings.Cut(rest, " ")
				if !strings.Contains(name, "/") {
					res[name] = p.status
				}
			}
		}
	}
	if len(res) == 0 {
		t.Fatalf("%s: go test ran no test:\n%s", lab.Slug, out)
	}
	return res
}

// sandboxResults grades the files in a child, as the grader does (without the perf
// tests): test name -> status, or why the sandbox refused them.
func sandboxResults(t *testing.T, lab *labs.Lab, code []labs.File) (map[string]string, string) {
	job := labs.Job{Lab: lab.Slug, Package: lab.Package, Mode: labs.ModeSubmit,
		Candidate: jobFiles(code), Public: jobFiles(lab.Public), Hidden: jobFiles(lab.Hidden), Limits: lab.Limits}
	// The comparison is of meaning, not speed: the most time the limits allow, so that a
	// loaded machine does not turn a slow test into a timeout.
	job.Limits.Test, job.Limits.Wall = labs.MaxTest, labs.MaxWall
	b, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{diffChildEnv + "=job"}
	cmd.Stdin = bytes.NewReader(b)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	res := map[string]string{}
	refusal := ""
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, labs.MaxEventBytes)
	for sc.Scan() {
		var ev labs.Event
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch ev.Kind {
		case labs.EventLoad:
			refusal = fmt.Sprintf("%s: %s %v", ev.Verdict, ev.Message, ev.Diagnostics)
		case labs.EventStop:
			refusal = fmt.Sprintf("%s in %s: %s %s", ev.Verdict, ev.Test, ev.Message, firstLines(stderr.String(), 3))
		case labs.EventResult:
			res[ev.Result.Name] = string(ev.Result.Status)
		}
	}
	return res, refusal
}
