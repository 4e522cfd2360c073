package labs

import (
	"strings"
	"testing"
)

func TestBuildConstraint(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // in the reason; "" for none
	}{
		{"lru.go", "package lru\n", ""},
		{"windows.go", "package lru\n", ""}, // no underscore: built everywhere
		{"lru_cache.go", "package lru\n", ""},
		{"lru_windows.go", "package lru\n", "_windows, so Go builds it only on windows"},
		{"x_amd64.go", "package lru\n", "_amd64, so Go builds it only on amd64 processors"},
		{"x_linux_arm64.go", "package lru\n", "only for linux/arm64"},
		{"lru_windows_test.go", "package lru\n", "only on windows"},
		{"x_js_wasm_test.go", "package lru\n", "only for js/wasm"},
		{"lru.go", "//go:build ignore\n\npackage lru\n", "line 1 is a build constraint (//go:build ignore)"},
		{"lru.go", "// Package lru.\n// +build linux\n\npackage lru\n", "line 2 is a build constraint"},
		{"lru.go", "package lru\n\n// go:build is not a constraint\n", ""},
	} {
		got := BuildConstraint(tc.name, tc.src)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("BuildConstraint(%s, %q) = %q, want %q", tc.name, tc.src, got, tc.want)
		}
	}
}
