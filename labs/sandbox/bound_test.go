package sandbox

import (
	"strings"
	"testing"
	"unicode/utf8"

	"prep/labs"
)

// TestEventsAreBounded: whatever text an event carries, its line stays under
// labs.MaxEventBytes, and what was cut says so.
func TestEventsAreBounded(t *testing.T) {
	huge := strings.Repeat("struct{_ int; ", 40000)
	ctrl := strings.Repeat("\x00", labs.MaxEventBytes)
	var diags []labs.Diagnostic
	for i := 0; i < maxDiagnostics; i++ {
		diags = append(diags, labs.Diagnostic{File: "lru_test.go", Line: i + 1, Msg: "cannot use v (variable of type " + huge + ") as int value"})
	}
	for _, tc := range []struct {
		name string
		ev   labs.Event
	}{
		{"diagnostics naming a huge type", labs.Event{Kind: labs.EventLoad, Verdict: labs.CompileError, Message: "your code does not compile", Diagnostics: diags}},
		{"a load message with a huge panic value", labs.Event{Kind: labs.EventLoad, Verdict: labs.Crash, Message: "panic while initialising the package: " + huge}},
		{"control characters escape sixfold", labs.Event{Kind: labs.EventStop, Verdict: labs.Crash, Message: ctrl}},
		{"a result's message and output", labs.Event{Kind: labs.EventResult, Result: &labs.TestResult{Name: "TestX", Status: labs.StatusFail, Message: ctrl, Output: ctrl}}},
		{"a frame with a huge function name", labs.Event{Kind: labs.EventFrame, Test: "TestX", Message: "lru.go:3 (" + huge + ")"}},
		{"invalid UTF-8", labs.Event{Kind: labs.EventNote, Message: strings.Repeat("\xff", labs.MaxEventBytes)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := boundEvent(tc.ev)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) >= labs.MaxEventBytes {
				t.Errorf("line of %d bytes, limit %d", len(b), labs.MaxEventBytes)
			}
			if !strings.Contains(string(b), "truncated") {
				t.Errorf("no truncation marker in %.200s", b)
			}
		})
	}
	if s := clip("ééé", 3); !utf8.ValidString(s) || !strings.HasPrefix(s, "é…") {
		t.Errorf("clip cut a character: %q", s)
	}
}
