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
	{"mixed multiple assignment: calls, receives and composite literals", `
	calls := 0
	f := func() int { calls++; return 10 * calls }
	g := func(x int) int { return x * 10 }
	a, b := 0, 0
	a, b = 1, f()
	c, d := 2, f()
	var s struct{ x, y int }
	var y int
	s.x, y = f(), 2
	a, b = b, a
	p, q := counter{1}, 2
	ch := make(chan int, 1)
	ch <- 7
	u, w := <-ch, 5
	z1, z2 := 1, 2
	z1, z2 = g(z2), g(z1)
	var pa, pb = counter{3}, 4
	i := 0
	arr := []int{1, 2, 3}
	i, arr[i] = 2, g(i)
	fmt.Println(a, b, c, d, s, y, p, q, u, w, z1, z2, pa, pb, i, arr)
	n1, n2 := &counter{1}, &counter{2}
	n1, n2 = nil, nil
	var m map[int]int
	var sl []int = []int{1}
	m, sl = nil, nil
	var c1, c2 *counter = nil, &counter{3}
	fmt.Println(n1 == nil, n2 == nil, m == nil, sl == nil, c1 == nil, c2.n)`, ""},
	{"multiple assignment to interface-typed variables", `
	var a, b any = 1, "x"
	a, b = b, a
	var c, d Clock = systemClock{}, fixedClock{7}
	c, d = d, c
	var e error
	var n int
	e, n = &myErr{"m"}, 3
	s := []any{1, "a"}
	s[0], s[1] = s[1], s[0]
	i := 0
	t := []any{0, 0}
	i, t[i] = 1, "first"
	x, err := 5, errors.New("again")
	var f float64
	f, a = 1, 2
	fmt.Println(a, b, c.Now().Unix(), d.Now().Unix(), e, n, s, i, t, x, err, f)`, ""},
	{"struct value assigned to an interface-typed field, element or map entry", `
	var b Breaker
	b.clock = systemClock{}
	bp := &Breaker{clock: fixedClock{7}}
	bp.clock = fixedClock{8}
	cs := []Clock{systemClock{}, nil}
	cs[1] = fixedClock{9}
	mc := map[string]Clock{}
	mc["a"] = fixedClock{10}
	var c Clock = fixedClock{11}
	ret := func() Clock { return fixedClock{12} }
	arg := func(c Clock) int64 { return c.Now().Unix() }
	var e error = valErr{1}
	fmt.Println(b.clock.Now().Unix(), bp.clock.Now().Unix(), cs[0].Now().Unix(), cs[1].Now().Unix(),
		mc["a"].Now().Unix(), c.Now().Unix(), ret().Now().Unix(), arg(fixedClock{13}), e)`, ""},
	{"fmt calls String and Error of the code's types", `
	b := &Breaker{state: Open}
	states := []State{Open, Closed}
	var a any = HalfOpen
	var s fmt.Stringer = Closed
	fmt.Printf("%v|%s|%d|%q|%v|%d|%v|%d|%v|%v|%x\n", b.state, b.State(), b.state, b.State(), states, states, a, a,
		map[string]State{"x": Open}, s, b.State())
	fmt.Println(b.State(), valErr{3}, fmt.Sprintf("%d %+v", valErr{4}, valErr{5}))
	err := fmt.Errorf("wrapped: %w", valErr{6})
	fmt.Println(err, errors.Unwrap(err) == error(valErr{6}))
	var st any = stringer{}
	fmt.Println(st, []any{Open, valErr{7}})`, ""},
	{"a nil pointer in an error is a non-nil error", `
	find := func(fail bool) error {
		var f *failure
		if fail {
			f = &failure{"bad"}
		}
		return f // a nil *failure: the error is not nil
	}
	err := find(false)
	fmt.Println(err == nil, err != nil, err)
	f, ok := err.(*failure)
	fmt.Println(f == nil, ok, errors.Join(err) != nil)
	var p *failure
	var e error = p
	fmt.Println(e != nil, e == err)
	switch x := err.(type) {
	case *failure:
		fmt.Println("failure", x == nil)
	default:
		fmt.Println("other")
	}
	var fs []error
	fs = append(fs, p)
	fmt.Println(len(fs), fs[0] != nil)`, ""},
	{"errors.Is, As and Unwrap with the code's Is, As and Unwrap methods", `
	sentinel := errors.New("sentinel")
	w := &wrapErr{&wrapErr{sentinel}}
	m := &multiErr{[]error{errors.New("other"), &codeErr{7}}}
	fmt.Println(errors.Is(w, sentinel), errors.Unwrap(w) != nil, errors.Is(m, &codeErr{7}), errors.Is(m, &codeErr{8}))
	var ce *codeErr
	var ve valErr
	fmt.Println(errors.As(m, &ce), ce.code, errors.As(fmt.Errorf("x: %w", valErr{9}), &ve), ve.code)
	var target error = &myErr{"t"}
	fmt.Println(errors.Is(fmt.Errorf("a: %w", target), target), errors.Is(errors.Join(sentinel, target), target))
	var me *myErr
	fmt.Println(errors.As(errors.Join(sentinel, &wrapErr{target}), &me), me == target)
	var u interface{ Unwrap() []error }
	fmt.Println(errors.As(m, &u), len(u.Unwrap()), errors.Is(valErr{1}, valErr{1}))
	sentinel2 := &myErr{"s"}
	fmt.Println(errors.Is(sentinel2, sentinel2))`, ""},
	{"comparing errors that hold the code's values", `
	var e1 error = &myErr{"a"}
	e2 := e1
	var v1, v2 error = valErr{1}, valErr{1}
	fmt.Println(e1 == e2, e1 != e2, v1 == v2, v1 == error(valErr{2}), e1 == v1)
	switch e2 {
	case v1:
		fmt.Println("v1")
	case e1:
		fmt.Println("e1")
	}`, ""},
	{"asserting errors and any to interfaces the code declares", `
	var err error = &multiErr{[]error{errors.New("a")}}
	u, ok := err.(interface{ Unwrap() []error })
	fmt.Println(ok, len(u.Unwrap()))
	var a any = systemClock{}
	c, ok2 := a.(Clock)
	fmt.Println(ok2, c.Now().Unix(), a.(Clock).Now().Unix())
	for _, e := range []error{err, &wrapErr{err}, errors.Join(err), fmt.Errorf("%w", err), errors.New("x")} {
		switch x := e.(type) {
		case interface{ Unwrap() error }:
			fmt.Print("one ", x.Unwrap() != nil, "; ")
		case interface{ Unwrap() []error }:
			fmt.Print("many ", len(x.Unwrap()), "; ")
		default:
			fmt.Print("none; ")
		}
	}
	var e error = valErr{3}
	ve, ok3 := e.(valErr)
	_, ok4 := e.(interface{ Timeout() bool })
	fmt.Println(ve.code, ok3, ok4)`, ""},
	{"asserting context errors (compiled empty structs) to the code's types", `
	var err error = context.DeadlineExceeded
	_, isMine := err.(*myErr)
	_, isVal := err.(valErr)
	fmt.Println(isMine, isVal, errors.Is(err, context.DeadlineExceeded), errors.Is(fmt.Errorf("w: %w", err), context.DeadlineExceeded))
	switch err.(type) {
	case *myErr:
		fmt.Println("mine")
	default:
		fmt.Println("other")
	}
	var me *myErr
	fmt.Println(errors.As(err, &me), errors.Is(err, &myErr{}))`, ""},
	{"a named type with methods held in any is not its underlying type", `
	var a any = 2
	var b any = Open
	_, aIsState := a.(State)
	s, bIsState := b.(State)
	fmt.Println(aIsState, bIsState, s)
	switch a.(type) {
	case State:
		fmt.Println("state")
	case int:
		fmt.Println("int")
	}
	switch b.(type) {
	case int:
		fmt.Println("int")
	case State:
		fmt.Println("state")
	}
	n, bIsInt := b.(int)
	fmt.Println(n, bIsInt)`, ""},
	{"errors made by a composite literal in a loop and kept", `
	var errs []error
	m := map[int]error{}
	for i := 0; i < 3; i++ {
		errs = append(errs, &myErr{fmt.Sprint("e", i)})
		m[i] = &codeErr{i}
	}
	fmt.Println(errs, m[0], m[2], errors.Join(errs...) != nil)`, ""},
	{"heap, sort and errors.Join with the code's types", `
	h := &intHeap{5, 2, 8}
	heap.Init(h)
	heap.Push(h, 3)
	xs := intHeap{3, 1, 2}
	sort.Sort(xs)
	s := errors.New("s")
	fmt.Println(heap.Pop(h), heap.Pop(h), xs, errors.Join(s, &myErr{"mine"}), errors.Join(&myErr{"first"}, s) != nil)`, ""},
	{"recursive generic type with two parameters is rejected", `
	fmt.Print(pair[int, string]{})`, "generic type pair has 2 type parameters"},
	{"loop var changed and captured is rejected", `
	var fs []func() int
	for i := 0; i < 4; i++ {
		fs = append(fs, func() int { return i })
		i++
	}
	fmt.Print(len(fs))`, "is both changed in the loop body and captured"},
	{"multiple assignment to an interface in a for header is rejected", `
	var a, b any = 1, 2
	for i := 0; i < 2; i, a = i+1, b {
	}
	fmt.Print(a)`, "a multiple assignment to an interface-typed variable wrong"},
	{"range over func", `
	seq := func(yield func(int) bool) {
		for i := 0; i < 5 && yield(i); i++ {
		}
	}
	for x := range seq {
		if x == 1 {
			continue
		}
		if x == 3 {
			break
		}
		fmt.Print(x)
	}`, ""},
	{"range over func with a return in the body is rejected", `
	seq := func(yield func(int) bool) { yield(1) }
	for x := range seq {
		fmt.Print(x)
		return
	}`, "return inside a loop over a function"},
}

// semanticsPrelude is what every program of the table has besides its main body.
const semanticsPrelude = `package main

import (
	"cmp"
	"container/heap"
	"context"
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
	_ = context.Background
	_ = heap.Init
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

type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	n := len(old)
	x := old[n-1]
	*h = old[:n-1]
	return x
}

type State int

const (
	Closed State = iota
	Open
	HalfOpen
)

func (s State) String() string { return [...]string{"closed", "open", "half-open"}[s] }

type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Unix(5, 0) }

type fixedClock struct{ sec int64 }

func (c fixedClock) Now() time.Time { return time.Unix(c.sec, 0) }

type Breaker struct {
	clock Clock
	state State
}

func (b *Breaker) State() State { return b.state }

type valErr struct{ code int }

func (e valErr) Error() string { return fmt.Sprint("code ", e.code) }

type failure struct{ msg string }

func (f *failure) Error() string { return "failure: " + f.msg }

type wrapErr struct{ inner error }

func (w *wrapErr) Error() string { return "wrap: " + w.inner.Error() }
func (w *wrapErr) Unwrap() error { return w.inner }

type multiErr struct{ errs []error }

func (m *multiErr) Error() string   { return "multi" }
func (m *multiErr) Unwrap() []error { return m.errs }

type codeErr struct{ code int }

func (e *codeErr) Error() string { return fmt.Sprint("code error ", e.code) }
func (e *codeErr) Is(target error) bool {
	t, ok := target.(*codeErr)
	return ok && t.code == e.code
}

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
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module semantics\n\ngo 1.23\n"), 0o644))
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
