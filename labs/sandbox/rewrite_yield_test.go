package sandbox

import (
	"strings"
	"testing"
)

// TestYieldSplitsReadAndWrite: with tests that start goroutines, a write to shared
// memory yields between its read and its write where that means the same as the
// statement (so `b.n++` without a lock loses updates as on a multi-core machine), and
// before the statement elsewhere. Each rewritten line stays where it was.
func TestYieldSplitsReadAndWrite(t *testing.T) {
	for _, tc := range []struct {
		name, stmt, want string
	}{
		{"increment of a field", "b.n++", "{ _prep_t1 := b.n; _prep_rt.Yield(); b.n = _prep_t1 + 1 }"},
		{"decrement of a package variable", "total--", "{ _prep_t1 := total; _prep_rt.Yield(); total = _prep_t1 - 1 }"},
		{"operator assignment", "b.f += 0.5 * x", "{ _prep_t1 := b.f; _prep_rt.Yield(); b.f = _prep_t1 + (0.5 * x) }"},
		{"shift assignment to an element", "b.xs[i] <<= 2", "{ _prep_t1 := b.xs[i]; _prep_rt.Yield(); b.xs[i] = _prep_t1 << (2) }"},
		{"map entry", "b.m[\"k\"] |= 4", "{ _prep_t1 := b.m[\"k\"]; _prep_rt.Yield(); b.m[\"k\"] = _prep_t1 | (4) }"},
		{"assignment reading the target", "b.n = b.n + i", "{ _prep_t1 := b.n + i; _prep_rt.Yield(); b.n = _prep_t1 }"},
		{"assignment of a call's result", "b.n = get(i)", "{ _prep_t1 := get(i); _prep_rt.Yield(); b.n = _prep_t1 }"},
		// Where the split could change what the statement means, the yield comes first.
		{"constant", "b.f = 1", "_prep_rt.Yield(); b.f = 1"},
		{"index with a call", "b.xs[get(i)]++", "_prep_rt.Yield(); b.xs[get(i)]++"},
		{"operand with a call", "b.n += get(i)", "_prep_rt.Yield(); b.n += get(i)"},
		{"two targets", "b.n, total = 1, 2", "_prep_rt.Yield(); b.n, total = 1, 2"},
		// Before a lock, so a check made without it can be raced.
		{"taking a lock", "b.mu.Lock()", "_prep_rt.Yield(); b.mu.Lock()"},
		{"taking a read lock", "b.rw.RLock()", "_prep_rt.Yield(); b.rw.RLock()"},
		{"a method named Lock of the code", "b.Lock()", "b.Lock()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := "package p\n\nimport \"sync\"\n\ntype B struct {\n\tn  int\n\tf  float64\n\txs []uint\n\tm  map[string]int\n\tmu sync.Mutex\n\trw sync.RWMutex\n}\n\nfunc (b *B) Lock() {}\n\nvar total int\n\n" +
				"func get(i int) int { return i }\n\nfunc (b *B) Do(i int, x float64) {\n\t" + tc.stmt + "\n}\n"
			test := "package p\n\nimport \"testing\"\n\nfunc TestP(t *testing.T) { go (&B{}).Do(0, 0) }\n"
			out, lerr := prepare(newImporter(typeExports(), typeSources()), "p", []srcFile{
				{name: "p.go", src: code, role: roleCode}, {name: "p_test.go", src: test, role: rolePublic}})
			if lerr != nil {
				t.Fatalf("prepare: %s %v", lerr.msg, lerr.diags)
			}
			got := out["p.go"]
			if !strings.Contains(got, "\t"+tc.want+"\n") {
				t.Errorf("rewritten:\n%s\nwant the statement as %q", got, tc.want)
			}
			if strings.Count(got, "\n") != strings.Count(code, "\n") {
				t.Errorf("the rewrite moved lines:\n%s", got)
			}
		})
	}
}
