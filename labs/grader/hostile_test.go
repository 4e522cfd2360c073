package grader

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"prep"
	"prep/labs"
)

// lruWith returns a correct minilru solution whose New first runs body (with the given
// extra imports and declarations): a hostile submission that the first test triggers.
func lruWith(imports, body, decls string) string {
	return `package minilru

import (
	"container/list"
` + imports + `
)

type Cache struct {
	cap   int
	order *list.List
	items map[int]*list.Element
}

type entry struct{ key, value int }

func New(capacity int) *Cache {
` + body + `
	return &Cache{cap: capacity, order: list.New(), items: map[int]*list.Element{}}
}

func (c *Cache) Get(key int) (int, bool) {
	e, ok := c.items[key]
	if !ok {
		return 0, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*entry).value, true
}

func (c *Cache) Put(key, value int) {
	if e, ok := c.items[key]; ok {
		e.Value.(*entry).value = value
		c.order.MoveToFront(e)
		return
	}
	if c.order.Len() >= c.cap {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*entry).key)
	}
	c.items[key] = c.order.PushFront(&entry{key, value})
}
` + decls
}

// compileBomb is 24 struct types, each holding two fields of the one before: 652
// bytes whose type check is exponential.
const compileBomb = "type B0 struct{ a, b int }\ntype B1 struct{ a, b B0 }\ntype B2 struct{ a, b B1 }\ntype B3 struct{ a, b B2 }\ntype B4 struct{ a, b B3 }\ntype B5 struct{ a, b B4 }\ntype B6 struct{ a, b B5 }\ntype B7 struct{ a, b B6 }\ntype B8 struct{ a, b B7 }\ntype B9 struct{ a, b B8 }\ntype B10 struct{ a, b B9 }\ntype B11 struct{ a, b B10 }\ntype B12 struct{ a, b B11 }\ntype B13 struct{ a, b B12 }\ntype B14 struct{ a, b B13 }\ntype B15 struct{ a, b B14 }\ntype B16 struct{ a, b B15 }\ntype B17 struct{ a, b B16 }\ntype B18 struct{ a, b B17 }\ntype B19 struct{ a, b B18 }\ntype B20 struct{ a, b B19 }\ntype B21 struct{ a, b B20 }\ntype B22 struct{ a, b B21 }\ntype B23 struct{ a, b B22 }\n"

// hostile is the table of submissions that attack the grader. Each must get its own
// verdict — with a message naming the cause and, where one was running, the test —
// while the parent goes on grading others.
var hostile = []struct {
	name    string
	src     string
	verdict labs.Verdict
	want    string // in the result's message
}{
	{"goroutine left spinning", lruWith("", "\tgo func() {\n\t\tfor {\n\t\t}\n\t}()", ""), labs.Passed, "left 1 goroutine(s) running"},
	{"infinite loop", lruWith("", "\tfor {\n\t}", ""), labs.Timeout, "TestPutGet did not finish within 1s"},
	{"infinite loop in init", lruWith("", "", "var x = spin()\n\nfunc spin() int {\n\tfor {\n\t}\n}\n"), labs.Timeout, "initialising your package"},
	{"panic in init", lruWith("", "", "var boom = map[string]int(nil)\n\nfunc init() {\n\tboom[\"x\"] = 1\n}\n"), labs.Crash, "panic while initialising the package: assignment to entry in nil map\n\tat lru.go:46 (init)"},
	{"panic in init with a 300 KB value", lruWith("\t\"strings\"", "", "func init() {\n\tpanic(strings.Repeat(\"\\x00\", 300000))\n}\n"), labs.Crash, "panic while initialising the package: \x00\x00"},
	{"deadlock", lruWith("\t\"sync\"", "\tvar mu sync.Mutex\n\tmu.Lock()\n\tmu.Lock()", ""), labs.Timeout, "deadlock"},
	{"panic in goroutine", lruWith("\t\"time\"", "\tgo func() {\n\t\tpanic(\"boom in goroutine\")\n\t}()\n\ttime.Sleep(50 * time.Millisecond)", ""), labs.Crash, "panic: boom in goroutine"},
	{"time.AfterFunc panic", lruWith("\t\"time\"", "\ttime.AfterFunc(time.Millisecond, func() { panic(\"boom in timer\") })\n\ttime.Sleep(50 * time.Millisecond)", ""), labs.Crash, "panic: boom in timer"},
	{"8 GiB allocation", lruWith("", "\tb := make([]byte, 8<<30)\n\tb[len(b)-1] = 1", ""), labs.MemoryLimit, "memory"},
	{"allocation loop", lruWith("", "\tvar keep [][]byte\n\tfor i := 0; i < 4096; i++ {\n\t\tkeep = append(keep, make([]byte, 1<<20))\n\t\tkeep[i][0] = 1\n\t}", ""), labs.MemoryLimit, "memory limit exceeded"},
	// Each goroutine holds a little memory too, so the bomb reaches the limit well
	// within the test's second even on a busy machine (stacks alone took 0.5–1.1 s,
	// with 64 KiB each 0.2–0.4 s).
	{"goroutine bomb", lruWith("", "\tfor {\n\t\tgo func() {\n\t\t\tb := make([]byte, 64<<10)\n\t\t\t_ = b\n\t\t\tselect {}\n\t\t}()\n\t}", ""), labs.MemoryLimit, "memory"},
	{"deep recursion", lruWith("", "\tdeep(0)", "func deep(n int) int { return deep(n+1) + 1 }\n"), labs.Crash, "stack overflow: deep or infinite recursion"},
	{"output flood", lruWith("\t\"fmt\"", "\tfor {\n\t\tfmt.Println(\"spam spam spam spam spam spam spam spam\")\n\t}", ""), labs.OutputLimit, "printed more than"},
	{"concurrent map writes", lruWith("\t\"sync\"", "\tm := map[int]int{}\n\tvar wg sync.WaitGroup\n\tfor g := 0; g < 4; g++ {\n\t\twg.Add(1)\n\t\tgo func() {\n\t\t\tdefer wg.Done()\n\t\t\tfor i := 0; i < 1000000; i++ {\n\t\t\t\tm[i%100] = i\n\t\t\t}\n\t\t}()\n\t}\n\twg.Wait()", ""), labs.ThreadSafety, "concurrent map"},
	{"unlock of unlocked mutex", lruWith("\t\"sync\"", "\tvar mu sync.Mutex\n\tmu.Unlock()", ""), labs.ThreadSafety, "unlock of an unlocked mutex"},
	{"recursive generic type", lruWith("", "", "type node[K comparable, V any] struct {\n\tnext *node[K, V]\n\tkey  K\n\tval  V\n}\n"), labs.Unsupported, "node"},
	{"reading files (import os)", lruWith("\t\"os\"", "\t_, _ = os.ReadFile(\"/etc/passwd\")", ""), labs.ForbiddenImport, `import "os" is not allowed`},
	{"starting processes (import os/exec)", lruWith("\t\"os/exec\"", "\t_ = exec.Command(\"sh\", \"-c\", \"id\").Run()", ""), labs.ForbiddenImport, `import "os/exec" is not allowed`},
	{"import net", lruWith("\t\"net\"", "\t_, _ = net.Dial(\"tcp\", \"127.0.0.1:80\")", ""), labs.ForbiddenImport, `import "net" is not allowed`},
	{"import unsafe", lruWith("\t\"unsafe\"", "\t_ = unsafe.Sizeof(0)", ""), labs.ForbiddenImport, `import "unsafe" is not allowed`},
	{"import syscall", lruWith("\t\"syscall\"", "\t_ = syscall.Getpid()", ""), labs.ForbiddenImport, `import "syscall" is not allowed`},
	{"import reflect", lruWith("\t\"reflect\"", "\t_ = reflect.TypeOf(0)", ""), labs.ForbiddenImport, `import "reflect" is not allowed`},
	{"import runtime", lruWith("\t\"runtime\"", "\truntime.GC()", ""), labs.ForbiddenImport, `import "runtime" is not allowed`},
	{"import yaegi stdlib", lruWith("\t\"github.com/traefik/yaegi/stdlib\"", "\t_ = stdlib.Symbols", ""), labs.ForbiddenImport, "is not allowed"},
	// Names the grader generates are reserved, in every scope.
	{"reserved name: package variable shadowing the runtime alias", lruWith("", "", "var _prep_rt = 1\n"), labs.CompileError, "lru.go:43:5: _prep_rt: names beginning with _prep_ are reserved"},
	{"reserved name: local variable", lruWith("", "\t_prep_x := 1\n\t_ = _prep_x", ""), labs.CompileError, "lru.go:17:2: _prep_x: names beginning with _prep_ are reserved"},
	{"reserved name: field", lruWith("", "", "type t struct{ _prep_f int }\n"), labs.CompileError, "_prep_f: names beginning with _prep_ are reserved"},
	{"reserved name: method", lruWith("", "", "func (c *Cache) _prep_m() {}\n"), labs.CompileError, "_prep_m: names beginning with _prep_ are reserved"},
	{"reserved name: label", lruWith("", "_prep_l:\n\tfor {\n\t\tbreak _prep_l\n\t}", ""), labs.CompileError, "_prep_l: names beginning with _prep_ are reserved"},
	{"reserved name: import alias", lruWith("\t_prep_pkg0 \"errors\"", "\t_ = _prep_pkg0.New", ""), labs.CompileError, "lru.go:5:2: _prep_pkg0: names beginning with _prep_ are reserved"},
	{"reserved name: calling a helper", lruWith("", "\t_ = _prep_erreq0", ""), labs.CompileError, "_prep_erreq0: names beginning with _prep_ are reserved"},
	{"compile bomb: 24 struct types, each two of the previous", lruWith("", "", compileBomb), labs.Unsupported, "your code takes too long to compile"},
	// The standard library's package variables are each interpreter's own copies
	// (labs/sandbox/hostvars_test.go); the one write a copy cannot absorb is refused.
	{"overwriting time.UTC through its pointer", lruWith("\t\"time\"", "\t*time.UTC = *time.Local", ""), labs.Unsupported, "lru.go:17:2: assigning a whole time.Location through a pointer"},
	{"syntax error", lruWith("", "\tx := ", ""), labs.CompileError, "lru.go:"},
	{"type error", lruWith("", "\tvar s string = 1\n\t_ = s", ""), labs.CompileError, "does not compile"},
}

func TestHostileSubmissions(t *testing.T) {
	g := newTestGrader(t, Config{Workers: 2, QueueSize: 64})
	lab := fastLab(t)
	// A benign grading keeps going alongside: the parent must stay healthy throughout.
	var wg sync.WaitGroup
	stopBenign := make(chan struct{})
	benignErr := make(chan string, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stopBenign:
				return
			default:
			}
			res, err := g.Grade(context.Background(), lab, labs.Files(lab.Solution), labs.ModeRun)
			if err != nil || res.Verdict != labs.Passed {
				select {
				case benignErr <- "benign grading broke: " + resultOrErr(res, err):
				default:
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	// Runaway recursion reaches the stack limit in about a second on an idle machine:
	// with the table's other cases running alongside it needs more than the 1 s a test
	// gets here, or it is told as a timeout instead of the crash it is.
	slow := *lab
	slow.Limits.Test = 5 * time.Second
	needsTime := map[string]bool{"deep recursion": true}
	t.Run("table", func(t *testing.T) {
		for _, tc := range hostile {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				lab := lab
				if needsTime[tc.name] {
					lab = &slow
				}
				res, err := g.Grade(context.Background(), lab, map[string]string{"lru.go": tc.src}, labs.ModeRun)
				if err != nil {
					t.Fatalf("Grade: %v", err)
				}
				t.Logf("%v in %v: %s", res.Verdict, time.Since(start).Round(time.Millisecond), res.Message)
				for _, d := range res.Diagnostics {
					t.Logf("  %s", d)
				}
				if res.Verdict != tc.verdict {
					t.Errorf("verdict %s, want %s (%s)", res.Verdict, tc.verdict, res.Message)
				}
				if text := res.Message + diagText(res) + strings.Join(res.Notes, "\n"); !strings.Contains(text, tc.want) {
					t.Errorf("message %q does not mention %q", text, tc.want)
				}
			})
		}
	})
	close(stopBenign)
	wg.Wait()
	select {
	case msg := <-benignErr:
		t.Error(msg)
	default:
	}
}

func TestHugeSourceRejectedBeforeSpawning(t *testing.T) {
	g := newTestGrader(t, Config{})
	lab := loadTestLab(t, "minilru")
	src := lruWith("", "", "var junk = `"+strings.Repeat("x", labs.MaxSourceBytes)+"`\n")
	_, err := g.Grade(context.Background(), lab, map[string]string{"lru.go": src}, labs.ModeRun)
	if prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), "64 KiB") {
		t.Fatalf("err = %v, want an Invalid error naming the 64 KiB limit", err)
	}
}

// fastLab is minilru with a one-second test limit, so that hangs are cut short.
func fastLab(t *testing.T) *labs.Lab {
	lab := *loadTestLab(t, "minilru")
	lab.Limits.Test, lab.Limits.Wall = time.Second, 5*time.Second
	return &lab
}

func diagText(res *labs.Result) string {
	var b strings.Builder
	for _, d := range res.Diagnostics {
		b.WriteString("\n" + d.String())
	}
	return b.String()
}

func resultOrErr(res *labs.Result, err error) string {
	if err != nil {
		return err.Error()
	}
	return string(res.Verdict) + ": " + res.Message
}
