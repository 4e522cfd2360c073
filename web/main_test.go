package web

import (
	"os"
	"testing"

	"prep/labs/sandbox"
)

// workerEnv switches this test binary into the grader's worker mode, as prep's hidden
// worker argument does for the real binary: lab tests grade in real children.
const workerEnv = "PREP_WEB_TEST_WORKER=1"

func TestMain(m *testing.M) {
	if os.Getenv("PREP_WEB_TEST_WORKER") == "1" {
		sandbox.Main(os.Stdin, os.NewFile(3, "events"))
	}
	os.Exit(m.Run())
}
