package sandbox

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
)

// TestHostVariablesAreTheCodesOwn: code that assigns the standard library's package
// variables, takes their address or writes through them changes only its own
// interpreter's copies — never the child's, which the grader's compiled code and the
// reference's interpreter use — while seeing its own writes, as under go test.
func TestHostVariablesAreTheCodesOwn(t *testing.T) {
	eof, canceled, local, utc := io.EOF, context.Canceled, time.Local, time.UTC
	upperLo, ieee0 := unicode.Upper.R16[0].Lo, crc32.IEEETable[0]
	caseLo := unicode.CaseRanges[0].Lo
	i, err := newInterpreter(fstest.MapFS{}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		`import ("context"; "errors"; "hash/crc32"; "io"; "sort"; "time"; "unicode")`,
		`io.EOF = errors.New("not EOF")`,
		`*(&context.Canceled) = errors.New("not canceled")`,
		`p := &io.ErrUnexpectedEOF; *p = nil`,
		`time.Local = time.FixedZone("X", 3600)`,
		`time.UTC = time.Local`,
		`unicode.Upper.R16[0].Lo = 0`,
		`delete(unicode.Categories, "Lu")`,
		`m := unicode.Scripts; m["Latin"] = nil`,
		`(*crc32.IEEETable)[0] = 1`,
		`sort.Slice(unicode.CaseRanges, func(a, b int) bool { return a > b })`,
	} {
		if _, err := i.Eval(src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	// The code sees its own writes (those yaegi keeps: at the top level of Eval it
	// drops a plain assignment to a package's variable).
	for src, want := range map[string]string{
		`context.Canceled.Error()`:        "not canceled",
		`unicode.Categories["Lu"] == nil`: "true",
		`(*crc32.IEEETable)[0]`:           "1",
	} {
		v, err := i.Eval(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := fmt.Sprint(v.Interface()); got != want {
			t.Errorf("%s = %s in the code, want its own write %s", src, got, want)
		}
	}
	// The child's are untouched.
	for what, changed := range map[string]bool{
		"io.EOF":                             io.EOF != eof || io.EOF.Error() != "EOF",
		"context.Canceled":                   context.Canceled != canceled,
		"io.ErrUnexpectedEOF (a pointer)":    io.ErrUnexpectedEOF == nil,
		"time.Local":                         time.Local != local,
		"time.UTC":                           time.UTC != utc || time.UTC.String() != "UTC",
		"unicode.Upper (its fields)":         unicode.Upper.R16[0].Lo != upperLo,
		"unicode.Categories":                 unicode.Categories["Lu"] == nil,
		"unicode.Scripts (an alias)":         unicode.Scripts["Latin"] == nil,
		"crc32.IEEETable":                    crc32.IEEETable[0] != ieee0,
		"unicode.CaseRanges (by sort.Slice)": unicode.CaseRanges[0].Lo != caseLo,
	} {
		if changed {
			t.Errorf("the code changed the child's %s", what)
		}
	}
	if !errors.Is(io.EOF, eof) {
		t.Errorf("io.EOF lost its identity")
	}
}
