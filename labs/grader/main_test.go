package grader

import (
	"os"
	"testing"

	"prep/labs/sandbox"
)

// workerEnv switches the test binary into the grader's worker mode, as cmd/prep's
// hidden worker argument does for the real binary: the tests grade in real children.
const workerEnv = "PREP_GRADER_TEST_WORKER=1"

func TestMain(m *testing.M) {
	if os.Getenv("PREP_GRADER_TEST_WORKER") == "1" {
		sandbox.Main(os.Stdin, os.NewFile(3, "events"))
	}
	if tmp := os.Getenv("PREP_GRADER_TEST_ORPHAN_PARENT"); tmp != "" {
		orphanParent(tmp)
	}
	if mode := os.Getenv("PREP_GRADER_TEST_FAKE"); mode != "" {
		fakeWorker(mode)
	}
	os.Exit(m.Run())
}

// newTestGrader returns a grader whose workers are this test binary.
func newTestGrader(t testing.TB, cfg Config) *Grader {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Command = []string{exe}
	cfg.Env = []string{workerEnv}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}
