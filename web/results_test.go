package web

import (
	"strings"
	"testing"

	"prep/labs"
)

func TestLocations(t *testing.T) {
	files := []editorFile{{Name: "lru.go"}, {Name: "my_test.go"}}
	tests := []struct {
		name, in string
		want     []string
		not      []string
	}{
		{"line and column", "lru.go:12:5: expected operand", []string{`<a class="loc" href="#f-lru.go" data-file="lru.go" data-line="12" data-col="5">lru.go:12:5</a>: expected operand`}, nil},
		{"line only, in a frame", "panic: boom\n\tat lru.go:40 in Put", []string{`data-line="40" data-col="0">lru.go:40</a> in Put`}, nil},
		{"own test file", "my_test.go:7: got 1", []string{`data-file="my_test.go" data-line="7"`}, nil},
		{"another file is text", "hidden tests: lru_hidden_test.go:3: x", nil, []string{"<a"}},
		{"escaped", "lru.go:1: <script>", []string{"&lt;script&gt;"}, []string{"<script>"}},
		{"no place", "3 of 5 tests failed", []string{"3 of 5 tests failed"}, []string{"<a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(locations(tt.in, files))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("locations(%q) = %q; want it to contain %q", tt.in, got, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("locations(%q) = %q; must not contain %q", tt.in, got, n)
				}
			}
		})
	}
}

func TestPerfBar(t *testing.T) {
	tests := []struct {
		name          string
		value, budget float64
		want          []string
	}{
		{"within", 1, 3, []string{`class="fill ok" width="22.2"`, `x1="66.7"`}},
		{"over", 9, 3, []string{`class="fill over" width="95.2"`, `x1="31.7"`}},
		{"no budget", 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(perfBar(tt.value, tt.budget))
			if tt.want == nil && got != "" {
				t.Errorf("perfBar(%v, %v) = %q; want nothing", tt.value, tt.budget, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("perfBar(%v, %v) = %q; want %q", tt.value, tt.budget, got, w)
				}
			}
		})
	}
	if perfRan(&labs.PerfResult{}) || !perfRan(&labs.PerfResult{Sizes: []int{1, 2}, Ratio: 1.2}) {
		t.Error("perfRan: a skipped perf test (zero figures) must read as not run, a measured one as run")
	}
}
