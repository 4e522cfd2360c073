package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// semantics is the table of Go programs whose meaning the interpreter would get wrong
// without the grader's rewrite, or could not run at all. "same" programs must print
// exactly what the real go command prints (captured by building them in the test);
// the others must be rejected before they run, with the named message.
var semantics = []struct {
	name   string
	src    string
	reject string // "" = output must equal go run's; else the rejection must contain it
}{
	{"loop var captured in three-clause loop", `
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}`, ""},
	{"loop var captured in range loop", `
	var fs []func() string
	for k, v := range []string{"a", "b", "c"} {
		fs = append(fs, func() string { return fmt.Sprint(k, v) })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}`, ""},
	{"loop var in goroutines", `
	var mu sync.Mutex
	var wg sync.WaitGroup
	var got []int
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			got = append(got, i)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(got)
	fmt.Print(got)`, ""},
	{"loop var address taken", `
	var ps []*int
	for i := 0; i < 3; i++ {
		ps = append(ps, &i)
	}
	fmt.Print(*ps[0], *ps[1], *ps[2])`, ""},
	{"loop var changed in body, not captured", `
	for i := 0; i < 10; i++ {
		if i%2 == 0 {
			i++
		}
		fmt.Print(i, " ")
	}`, ""},
	{"loop var pointer method", `
	var cs []*counter
	for c := (counter{}); c.n < 3; c.n++ {
		cs = append(cs, c.self())
	}
	fmt.Print(cs[0].n, cs[1].n, cs[2].n)`, ""},
	{"range over int", `
	for i := range 3 {
		fmt.Print(i)
	}
	for range 2 {
		fmt.Print("x")
	}
	n := int64(2)
	for i := range n {
		fmt.Printf(" %T", i)
	}
	var d time.Duration = 2
	for i := range d {
		fmt.Print(" ", i)
	}`, ""},
	{"range over int: body changes i and n", `
	n := 3
	for i := range n {
		n = 0
		i += 10
		fmt.Print(i, " ")
	}
	var fs []func() int
	for i := range 3 {
		fs = append(fs, func() int { return i })
	}
	fmt.Print(fs[0](), fs[1](), fs[2]())`, ""},
	{"min and max", `
	const c = min(3, 1, 2)
	var f = max(1.0, 2)
	fmt.Printf("%v %v %T\n", c, f, f)
	a, b := 4, 7
	fmt.Println(min(a, b), max(a, b, 9), min("pear", "apple"), max(time.Second, time.Minute))
	nan := math.NaN()
	negz := math.Copysign(0, -1)
	fmt.Println(min(1.0, nan), max(nan, 1.0), math.Signbit(min(0.0, negz)), math.Signbit(max(negz, 0.0)))
	x := uint8(200)
	fmt.Println(min(x, 100), max(x, 255))`, ""},
	{"min shadowed by a local function", `
	min := func(a, b int) int { return a + b }
	fmt.Print(min(2, 3))`, ""},
	{"clear", `
	m := map[string]int{"a": 1, "b": 2}
	s := []int{1, 2, 3}
	clear(m)
	clear(s)
	fmt.Print(len(m), s)`, ""},
	{"type switch with binding on pointer types and interfaces", `
	for _, v := range []any{&myErr{"m"}, &node{1}, errors.New("plain"), stringer{}, 3, "s", nil, 2.5} {
		switch x := v.(type) {
		case *myErr:
			fmt.Print("myErr:", x.msg, " ")
		case *node:
			fmt.Print("node:", x.v, " ")
		case error:
			fmt.Print("error:", x.Error(), " ")
		case fmt.Stringer:
			fmt.Print("stringer:", x.String(), " ")
		case int, string:
			fmt.Printf("%T ", x)
		case nil:
			fmt.Print("nil ")
		default:
			fmt.Print("other ")
		}
	}`, ""},
	{"type switch with break and init", `
	for i := 0; i < 2; i++ {
		switch v := any(i); x := v.(type) {
		case int:
			if x == 0 {
				break
			}
			fmt.Print("one")
		}
	}`, ""},
	{"own error through fmt", `
	var e error = &myErr{"boom"}
	w := fmt.Errorf("wrapped: %w", &myErr{"inner"})
	fmt.Println(e, w, &myErr{"direct"})
	if me, ok := errors.Unwrap(w).(*myErr); ok {
		fmt.Println("unwrapped", me.msg)
	}`, ""},
	{"explicit conversion to an interface", `
	_, ok := any(&myErr{"a"}).(error)
	_, ok2 := any(&node{1}).(getter)
	fmt.Print(ok, ok2)`, ""},
	{"slices and maps", `
	type ids []int
	x := ids{5, 2, 9, 2}
	slices.Sort(x)
	y := slices.Clone(x)
	y = slices.Compact(y)
	i, found := slices.BinarySearch(y, 5)
	y = slices.Insert(y, 1, 3, 4)
	y = slices.Delete(y, 0, 1)
	slices.Reverse(y)
	ps := []string{"bb", "a", "ccc"}
	slices.SortFunc(ps, func(a, b string) int { return len(a) - len(b) })
	fmt.Println(x, y, i, found, slices.Index(x, 9), slices.Contains(x, 7), slices.Max(x), slices.Min(x), ps)
	m := map[string]int{"a": 1, "b": 2}
	c := maps.Clone(m)
	maps.DeleteFunc(c, func(k string, v int) bool { return v > 1 })
	fmt.Println(maps.Equal(m, c), len(c), cmp.Compare(1, 2), slices.Equal(x, ids{2, 2, 5, 9}))`, ""},
	{"comma-ok assertion of nil to an interface", `
	var x any
	var err error
	_, ok := x.(fmt.Stringer)
	g, ok2 := err.(interface{ Unwrap() error })
	var e, ok3 = x.(error)
	fmt.Print(ok, g == nil, ok2, e, ok3)`, ""},
	{"defer, recover and panics", `
	defer fmt.Println("deferred last")
	func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var m map[string]int
		m["x"] = 1
	}()
	fmt.Println("after")`, ""},
	{"labels, goto and select", `
outer:
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if j == 2 {
				continue outer
			}
			if i == 2 {
				break outer
			}
			fmt.Print(i, j, " ")
		}
	}
	n := 0
loop:
	if n < 3 {
		n++
		goto loop
	}
	ch := make(chan int, 1)
	select {
	case v := <-ch:
		fmt.Print(v)
	default:
		fmt.Print(" empty", n)
	}`, ""},
	{"sync primitives", `
	var once sync.Once
	var n atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { fmt.Print("once ") })
			n.Add(int64(i))
		}()
	}
	wg.Wait()
	fmt.Print(n.Load())`, ""},
	{"errors.As with own type is rejected", `
	var target *myErr
	err := fmt.Errorf("w: %w", &myErr{"x"})
	fmt.Print(errors.As(err, &target))`, "errors.As with your own error type"},
	{"errors.Is with own-typed target is rejected", `
	sentinel := &myErr{"s"}
	fmt.Print(errors.Is(sentinel, sentinel))`, "errors.Is with a target of your own type"},
	{"recursive generic type with two parameters is rejected", `
	fmt.Print(pair[int, string]{})`, "generic type pair has 2 type parameters"},
	{"loop var changed and captured is rejected", `
	var fs []func() int
	for i := 0; i < 4; i++ {
		fs = append(fs, func() int { return i })
		i++
	}
	fmt.Print(len(fs))`, "is both changed in the loop body and captured"},
	{"range over func needs go1.23", `
	seq := func(yield func(int) bool) {}
	for x := range seq {
		fmt.Print(x)
	}`, "range-over-func"},
}

// semanticsPrelude is what every program of the table has besides its main body.
const semanticsPrelude = `package main

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	_ = cmp.Compare(1, 2)
	_ = errors.New("")
	_ = maps.Clone(map[int]int{})
	_ = math.NaN()
	_ = slices.Index([]int{}, 0)
	var mu sync.Mutex
	var n atomic.Int64
	var d time.Duration
	_ = &mu
	_ = &n
	_ = d
	sort.Ints(nil)
}

type myErr struct{ msg string }

func (e *myErr) Error() string { return e.msg }

type node struct{ v int }

func (n *node) get() int { return n.v }

type getter interface{ get() int }

type stringer struct{}

func (stringer) String() string { return "str" }

type counter struct{ n int }

func (c *counter) self() *counter { return c }

`

func semanticsSource(i int) string {
	src := semanticsPrelude
	if strings.Contains(semantics[i].name, "recursive generic") {
		src += "type pair[K comparable, V any] struct {\n\tnext *pair[K, V]\n\tk    K\n\tv    V\n}\n\n"
	}
	return src + "func main() {" + semantics[i].src + "\n}\n"
}

func TestSemanticsAgainstGo(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	// Build every program that should run with the real toolchain, in one go build.
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module semantics\n\ngo 1.22\n"), 0o644))
	for i, tc := range semantics {
		if tc.reject != "" {
			continue
		}
		pkg := filepath.Join(dir, "p", progName(i))
		must(t, os.MkdirAll(pkg, 0o755))
		must(t, os.WriteFile(filepath.Join(pkg, "main.go"), []byte(semanticsSource(i)), 0o644))
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command(goTool, "build", "-o", bin+"/", "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for i, tc := range semantics {
		t.Run(tc.name, func(t *testing.T) {
			got := interpretInChild(t, semanticsSource(i))
			if tc.reject != "" {
				if !strings.Contains(got, "ERROR: ") || !strings.Contains(got, tc.reject) {
					t.Errorf("want a rejection containing %q, got:\n%s", tc.reject, got)
				}
				return
			}
			want, err := exec.Command(filepath.Join(bin, progName(i))).CombinedOutput()
			if err != nil {
				t.Fatalf("compiled program: %v\n%s", err, want)
			}
			if got != string(want) {
				t.Errorf("interpreted output differs from go's\n--- go:\n%s\n--- interpreted:\n%s", want, got)
			}
		})
	}
}

func progName(i int) string { return fmt.Sprintf("prog%02d", i) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
