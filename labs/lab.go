// Package labs is the graded-exercise format of prep: a lab is one txtar archive holding
// its metadata (lab.yaml), statement, starter code, reference solution, public and hidden
// tests and optional performance workloads. The package loads and validates labs and
// defines what grading produces (Result) and the protocol between the grader and its
// sandboxed child (Job, Event). It is pure: it runs nothing — labs/sandbox interprets
// code in a child process and labs/grader runs that child.
package labs

import "time"

// Levels are the seniority levels a lab may target, in order.
var Levels = []string{"junior", "mid", "senior", "staff"}

// Lab is one validated lab.
type Lab struct {
	Slug    string
	Title   string
	Level   string
	Package string // the Go package name of every file, e.g. "lru"
	Summary string
	Cards   []string // ids of the cards the lab practises, as listed in lab.yaml

	Statement string // markdown

	Starter  []File // what the candidate starts from; the names a submission uses
	Solution []File // the reference solution: never served, printed or sent to a browser
	Public   []File // public tests: shown and runnable
	Hidden   []File // hidden tests: run on submit only, never shown
	Perf     []File // workloads for the performance tests, in the lab's package

	// Fixtures are submissions kept with the lab to prove its tests: wrong solutions
	// people write, which must fail, and correct ones in other styles, which must pass.
	// Never served, printed or sent to a browser.
	Fixtures []Fixture

	PerfTests []PerfSpec
	Limits    Limits

	// Origin names where the lab was loaded from, for messages: "labs/lru.txtar" for an
	// embedded lab, the file's path for one from --labs.
	Origin string

	cardRefs []CardRef
}

// File is one Go file of a lab.
type File struct {
	Name string // the file's name in the lab's package, e.g. "lru.go" or "lru_test.go"
	Path string // its path in the archive, e.g. "starter/lru.go"
	Line int    // the archive line of its "-- path --" header; the file starts on Line+1
	Src  string
}

// Fixture is one submission kept with a lab (fixtures/NAME/*.go in the archive): a
// directory named wrong-* holds a wrong solution that the lab's tests must fail, one
// named ok-* a correct solution in another style than the reference that must pass.
// Its files replace the starter files of the same name; starter files it does not
// give are taken as they are.
type Fixture struct {
	Name  string // the directory name, e.g. "wrong-linear-len"
	Wrong bool   // true for wrong-*: grading must not pass
	Note  string // what the fixture is: the first line comment of its first file
	Files []File
}

// Submission returns the fixture as a submission: the starter's files with the
// fixture's in their place.
func (l *Lab) Submission(fx Fixture) map[string]string {
	m := Files(l.Starter)
	for _, f := range fx.Files {
		m[f.Name] = f.Src
	}
	return m
}

// PerfSpec is one performance test from lab.yaml's perf list.
type PerfSpec struct {
	Name      string        `json:"name"` // reported like a test, e.g. TestPerfGetPut
	Func      string        `json:"func"` // func F(n int) in the perf files
	Sizes     []int         `json:"sizes"`
	MaxRatio  float64       `json:"max_ratio"`
	MaxGrowth float64       `json:"max_growth"`
	Cap       time.Duration `json:"cap"`
}

// CardRef is a reference from a lab to a card: from lab.yaml's cards list or a
// /cards/<id> link in the statement. Labs do not know the cards; the caller checks that
// each exists and reports the ones that do not at Path:Line.
type CardRef struct {
	ID   string
	Path string
	Line int
}

// CardRefs returns every card the lab refers to, in the order they appear.
func (l *Lab) CardRefs() []CardRef { return append([]CardRef(nil), l.cardRefs...) }

// StarterNames returns the names of the starter files: the names a submission uses.
func (l *Lab) StarterNames() []string {
	out := make([]string, len(l.Starter))
	for i, f := range l.Starter {
		out[i] = f.Name
	}
	return out
}

// Files returns the given files as a map from name to source.
func Files(fs []File) map[string]string {
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Src
	}
	return m
}
