package grader

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"prep/labs"
)

func loadTestLab(t testing.TB, slug string) *labs.Lab {
	t.Helper()
	set, err := labs.LoadFS(os.DirFS("../testdata"), "labs/testdata/")
	if err != nil {
		t.Fatal(err)
	}
	lab, err := set.Lab(slug)
	if err != nil {
		t.Fatal(err)
	}
	return lab
}

func TestGradeMiniLRU(t *testing.T) {
	g := newTestGrader(t, Config{})
	lab := loadTestLab(t, "minilru")
	for _, tc := range []struct {
		name    string
		files   []labs.File
		mode    labs.Mode
		verdict labs.Verdict
	}{
		{"solution run", lab.Solution, labs.ModeRun, labs.Passed},
		{"solution submit", lab.Solution, labs.ModeSubmit, labs.Passed},
		{"starter submit", lab.Starter, labs.ModeSubmit, labs.Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), lab, labs.Files(tc.files), tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.MarshalIndent(res, "", "  ")
			t.Logf("%s", b)
			if res.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s: %s", res.Verdict, tc.verdict, res.Message)
			}
		})
	}
}
