package labs

import "sort"

// allowedImports are the standard packages lab code may import: computation, text,
// containers, concurrency and time — nothing that reaches the file system, processes, the
// network, the environment or the runtime (no os, io/fs, net, syscall, unsafe, reflect,
// runtime, plugin). The sandbox builds its interpreter from exactly this list, so the
// list is the contract; "testing" is added for test files only, served by the grader's
// own implementation.
var allowedImports = map[string]bool{
	"bufio": true, "bytes": true, "cmp": true, "container/heap": true, "container/list": true,
	"container/ring": true, "context": true, "encoding/binary": true, "encoding/hex": true,
	"encoding/json": true, "errors": true, "fmt": true, "hash": true, "hash/crc32": true,
	"hash/fnv": true, "io": true, "iter": true, "maps": true, "math": true, "math/bits": true,
	"math/rand": true, "regexp": true, "slices": true, "sort": true, "strconv": true,
	"strings": true, "sync": true, "sync/atomic": true, "time": true, "unicode": true,
	"unicode/utf16": true, "unicode/utf8": true,
}

// TestingImport is the one extra import path allowed in test files.
const TestingImport = "testing"

// AllowedImports returns the import paths lab code may use, sorted.
func AllowedImports() []string {
	out := make([]string, 0, len(allowedImports))
	for p := range allowedImports {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ImportAllowed reports whether path may be imported by lab code; test files may also
// import "testing".
func ImportAllowed(path string, testFile bool) bool {
	return allowedImports[path] || (testFile && path == TestingImport)
}
