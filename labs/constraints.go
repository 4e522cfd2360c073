package labs

import (
	"fmt"
	"strings"
)

// The go command (and the interpreter) build a file only on some systems when its name
// ends in _GOOS, _GOARCH or _GOOS_GOARCH (before _test), or when it has a //go:build or
// // +build line. A lab builds every file everywhere: such a file would be type-checked
// and then silently left out by the interpreter, so it is refused up front.

// knownOS and knownArch are the go command's lists (go/build's syslist).
var (
	knownOS   = set("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
	knownArch = set("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm")
)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// BuildConstraint reports why the Go file name (with source src) would be built only on
// some systems — a GOOS/GOARCH suffix in its name or a build constraint line — or ""
// when it is built everywhere.
func BuildConstraint(name, src string) string {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test")
	if i := strings.IndexByte(base, '_'); i >= 0 {
		parts := strings.Split(base[i+1:], "_")
		n := len(parts)
		last := parts[n-1]
		switch {
		case n >= 2 && knownOS[parts[n-2]] && knownArch[last]:
			return fmt.Sprintf("its name ends in _%s_%s, so Go builds it only for %s/%s", parts[n-2], last, parts[n-2], last)
		case knownOS[last]:
			return fmt.Sprintf("its name ends in _%s, so Go builds it only on %s", last, last)
		case knownArch[last]:
			return fmt.Sprintf("its name ends in _%s, so Go builds it only on %s processors", last, last)
		}
	}
	for i, line := range strings.Split(src, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "//go:build") || strings.HasPrefix(l, "// +build") || strings.HasPrefix(l, "//+build") {
			return fmt.Sprintf("line %d is a build constraint (%s), which labs do not support", i+1, clipText(l, 60))
		}
	}
	return ""
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
