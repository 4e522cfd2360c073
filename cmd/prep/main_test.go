package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runMain runs prep in-process with args and returns its exit code and output.
func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
	})
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "resilience"), 0o755)
	os.WriteFile(filepath.Join(bad, "resilience", "x.md"), []byte("---\nid: x\ntitle: X\nkind: concept\nlevel: mid\ntopic: resilience\nrelated: [nope]\n---\n\n## Question\n\nQ\n\n## Answer\n\nA\n\n## Key points\n\n- k\n\n## Follow-ups\n\n### F\n\nF\n"), 0o644)
	// An interviewer's lab (replacing the embedded token-bucket) that names a missing card.
	labDir := t.TempDir()
	tb, err := os.ReadFile("../../labs/token-bucket.txtar")
	if err != nil {
		t.Fatal(err)
	}
	cardsLine := regexp.MustCompile(`(?m)^cards: \[`)
	os.WriteFile(filepath.Join(labDir, "token-bucket.txtar"), cardsLine.ReplaceAll(tb, []byte("cards: [no-such-card, ")), 0o644)
	data := t.TempDir()
	exported := filepath.Join(data, "progress.json")
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"help"}, nil, 0, "Commands:", ""},
		{"-h", []string{"-h"}, nil, 0, "Commands:", ""},
		{"help serve", []string{"help", "serve"}, nil, 0, "-addr string", ""},
		{"help search", []string{"help", "search"}, nil, 0, "-advanced", ""},
		{"help unknown", []string{"help", "fly"}, nil, 2, "", `unknown command "fly"`},
		{"unknown command", []string{"fly"}, nil, 2, "", `unknown command "fly"`},
		{"bad flag", []string{"serve", "--nope"}, nil, 2, "", "prep serve: unknown flag -nope; see prep help serve\n"},
		{"bad flag is one line", []string{"search", "-x", "cache"}, nil, 2, "", "prep search: unknown flag -x; see prep help search\n"},
		{"flag without its value", []string{"search", "cache", "--kind"}, nil, 2, "", "prep search: flag -kind needs a value; see prep help search"},
		{"command -h prints its help", []string{"search", "-h"}, nil, 0, "Usage: prep search", ""},
		{"search empty query", []string{"search", " "}, nil, 2, "", "the query is empty"},
		{"content check a folder with no cards", []string{"content", "check", t.TempDir()}, nil, 1, "", "no cards to lay over the knowledge base"},
		{"content check counts in words", []string{"content", "check"}, nil, 0, "1 case study,", ""},
		{"serve args", []string{"serve", "extra"}, nil, 2, "", "serve takes no arguments"},
		{"help serve trusted proxy", []string{"help", "serve"}, nil, 0, "-trusted-proxy string", ""},
		{"bad trusted proxy", []string{"serve", "--trusted-proxy", "10.0.0.0/8,proxy.example"}, nil, 2, "", `--trusted-proxy: "proxy.example" is neither a CIDR`},
		{"bad trusted proxy from env", []string{"serve"}, map[string]string{"PREP_TRUSTED_PROXY": "10.0.0.300"}, 2, "", `"10.0.0.300" is neither a CIDR`},
		{"env default shows in help", []string{"help", "serve"}, map[string]string{"PREP_ADDR": "127.0.0.1:9999"}, 0, `default "127.0.0.1:9999"`, ""},
		{"content check", []string{"content", "check"}, nil, 0, "ok: ", ""},
		{"content check bad dir", []string{"content", "check", bad}, nil, 1, "", filepath.Join(bad, "resilience", "x.md") + `:7: related card "nope" does not exist`},
		{"lab names a missing card", []string{"content", "check", "--labs", labDir}, nil, 1, "", `token-bucket.txtar:6: lab "token-bucket" practises card "no-such-card", which does not exist`},
		{"export", []string{"export", "--data", data, exported}, nil, 0, "", ""},
		{"export for anki", []string{"export", "--apkg", filepath.Join(data, "caching.apkg"), "--topic", "caching"}, nil, 0, "cards for Anki", ""},
		{"export for anki, a case in its order", []string{"export", "--apkg", filepath.Join(data, "case.apkg"), "--case", "mutual-fund"}, nil, 0, "37 cards for Anki", ""},
		{"export for anki, unknown kind", []string{"export", "--apkg", filepath.Join(data, "bad.apkg"), "--kind", "essay"}, nil, 1, "", `unknown kind "essay"`},
		{"card filters only with --apkg", []string{"export", "--topic", "caching"}, nil, 2, "", "choose the cards of --apkg"},
		{"export unknown user", []string{"export", "--data", data, "--user", "nobody"}, nil, 1, "", `no user "nobody" (see prep user list)`},
		{"import into a fresh database", []string{"import", "--data", t.TempDir(), exported}, nil, 0, "imported", ""},
		{"import a missing file", []string{"import", "--data", data, filepath.Join(data, "none.json")}, nil, 1, "", "no such file"},
		{"import, dry run of a merge", []string{"import", "--data", data, "--mode", "merge", "--dry-run", exported}, nil, 0, "would import", ""},
		{"import, a mode that is none", []string{"import", "--data", data, "--mode", "sideways", exported}, nil, 1, "", `import mode "sideways" is not one of replace, merge`},
		{"content check usage", []string{"content", "lint"}, nil, 2, "", "usage: prep content check [DIR]"},
		{"search typo", []string{"search", "circut", "braker"}, nil, 0, "/cards/circuit-breaker", ""},
		{"search bad kind", []string{"search", "--kind", "essay", "cache"}, nil, 1, "", `unknown kind "essay"`},
		{"search no query", []string{"search"}, nil, 2, "", "usage: prep search"},
		{"search json shape", []string{"search", "--json", "-n", "2", "cache"}, nil, 0, `"total": `, ""},
		{"search json keys", []string{"search", "--json", "-n", "2", "--page", "2", "cache"}, nil, 0, "\"page\": 2,\n  \"size\": 2,", ""},
		{"search json hits", []string{"search", "--json", "cache", "stampede"}, nil, 0, "\"hits\": [\n    {\n      \"id\": \"cache-stampede\"", ""},
		{"search typo says what ran", []string{"search", "circut", "braker"}, nil, 0, "results for: circuit breaker", ""},
		{"search pages", []string{"search", "-n", "3", "cache"}, nil, 0, "page 1 of", ""},
		{"search page numbering", []string{"search", "-n", "3", "--page", "2", "cache"}, nil, 0, " 4. ", ""},
		{"search page too deep", []string{"search", "--page", "1000", "cache"}, nil, 1, "", "page 1000 is too deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runMain(t, tt.env, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Errorf("prep %s: exit %d\nstdout: %.500s\nstderr: %.500s\nwant exit %d, stdout with %q, stderr with %q",
					strings.Join(tt.args, " "), code, out, errs, tt.code, tt.stdout, tt.stderr)
			}
		})
	}
}
