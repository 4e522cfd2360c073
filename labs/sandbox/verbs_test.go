package sandbox

import (
	"slices"
	"testing"
)

func TestVerbClasses(t *testing.T) {
	tests := []struct {
		format string
		n      int
		want   []int
	}{
		{"%v %d", 2, []int{verbMethod, verbValue}},
		{"%#v %s", 2, []int{verbValue, verbMethod}},
		{"%-8.3v|%08d", 2, []int{verbMethod, verbValue}},
		{"%*d", 2, []int{verbValue, verbValue}},                 // the width is an argument
		{"%.*f %q", 3, []int{verbValue, verbValue, verbMethod}}, // so is the precision
		{"%*.*s", 3, []int{verbValue, verbValue, verbMethod}},
		{"%[2]v %[1]d", 2, []int{verbValue, verbMethod}},
		{"%[1]v %[1]d", 1, []int{verbMethod | verbValue}},
		{"%[2]*[1]d", 2, []int{verbValue, verbValue}},
		{"%w: %T %%", 2, []int{verbWrap, verbType}},
		{"100%", 0, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			if got := verbClasses(tt.format, tt.n); !slices.Equal(got, tt.want) {
				t.Errorf("verbClasses(%q) = %v, want %v", tt.format, got, tt.want)
			}
		})
	}
}
