package labs

import "time"

// The grader's limits. Each Default* applies when a lab's lab.yaml sets nothing; a lab may
// raise or lower it up to the matching Max*, which no lab can exceed. They are named here,
// in the pure package, so validation, the child and the parent agree on one set.
const (
	// DefaultWall bounds a whole grading run in the child: loading, every test and the
	// performance tests. The parent kills the child's process group a little after it.
	DefaultWall = 10 * time.Second
	MaxWall     = 60 * time.Second

	// DefaultTest bounds one top-level test, subtests included. Interpreted code is
	// 75–165x slower than compiled Go, so a test that takes 5 ms under go test takes up to
	// about 800 ms here.
	DefaultTest = 3 * time.Second
	MaxTest     = 20 * time.Second

	// DefaultMemoryMB is the candidate's heap (live objects) in MiB, the interpreter's own
	// ~20 MiB included. The child sets it as Go's soft memory limit and a watchdog ends the
	// run when the heap passes it.
	DefaultMemoryMB = 256
	MaxMemoryMB     = 1024

	// DefaultOutputKB caps what the candidate's code prints (fmt.Print*, print, t.Log) over
	// the whole run; past it the run stops with an output-limit verdict.
	DefaultOutputKB = 64
	MaxOutputKB     = 1024

	// DefaultPerfCap is the absolute cap for one candidate run of a performance workload
	// (building its structure, or one batch); MaxPerfCap is the most a lab may set.
	DefaultPerfCap = 3 * time.Second
	MaxPerfCap     = 10 * time.Second

	// MaxSourceBytes is the total size of a submission's files, checked before anything is
	// started; MaxSourceFiles is how many files it may have.
	MaxSourceBytes = 64 << 10
	MaxSourceFiles = 16

	// MaxStackBytes bounds one goroutine's stack in the child (debug.SetMaxStack). An
	// interpreted call takes ~650 bytes of Go stack, so this allows recursion ~100,000
	// deep while failing runaway recursion fast instead of after a 1 GB stack.
	MaxStackBytes = 64 << 20

	// CompileLimit bounds checking and rewriting a submission in the child, before any
	// of it runs: a well-formed submission takes milliseconds, while a type whose
	// checking is exponential (struct types nested two of the previous one per level)
	// would hold a worker for the whole wall limit. CompileMemoryMB is the heap the
	// child may reach meanwhile (the lab's memory limit if lower). Past either, the
	// verdict is unsupported: the code takes too long to compile.
	CompileLimit    = 3 * time.Second
	CompileMemoryMB = 256

	// MaxPerfSize bounds a perf workload's size (n) in lab.yaml.
	MaxPerfSize = 10_000_000
)

// Limits are the resource limits of one lab, after defaults.
type Limits struct {
	Wall     time.Duration `json:"wall"`
	Test     time.Duration `json:"test"`
	MemoryMB int           `json:"memory_mb"`
	OutputKB int           `json:"output_kb"`
}

// DefaultLimits returns the limits of a lab that sets none.
func DefaultLimits() Limits {
	return Limits{Wall: DefaultWall, Test: DefaultTest, MemoryMB: DefaultMemoryMB, OutputKB: DefaultOutputKB}
}

// Clamp returns l with zero fields set to their defaults and every field held within its
// hard maximum: the grader calls it on whatever it is given, validated or not.
func (l Limits) Clamp() Limits {
	d := DefaultLimits()
	if l.Wall <= 0 {
		l.Wall = d.Wall
	}
	if l.Test <= 0 {
		l.Test = d.Test
	}
	if l.MemoryMB <= 0 {
		l.MemoryMB = d.MemoryMB
	}
	if l.OutputKB <= 0 {
		l.OutputKB = d.OutputKB
	}
	l.Wall = min(l.Wall, MaxWall)
	l.Test = min(l.Test, MaxTest, l.Wall)
	l.MemoryMB = min(l.MemoryMB, MaxMemoryMB)
	l.OutputKB = min(l.OutputKB, MaxOutputKB)
	return l
}
