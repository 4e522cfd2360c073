package content

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRenderGolden renders testdata/render/*.md and compares with the .golden files next
// to them. Run with -update after an intended change and review the diff.
func TestRenderGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/render/*.md")
	if len(files) == 0 {
		t.Fatal("no golden inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Render(src)
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(f, ".md") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("render %s:\n%s\nwant:\n%s", f, got, want)
			}
		})
	}
}

func TestRawHTMLIsEscaped(t *testing.T) {
	got, _ := Render([]byte("<script>alert(1)</script>\n\nx <img src=x onerror=y> z\n"))
	if strings.Contains(string(got), "<script") || strings.Contains(string(got), "<img") {
		t.Errorf("raw HTML came through: %s", got)
	}
	if !strings.Contains(string(got), "&lt;script&gt;") {
		t.Errorf("raw HTML should be shown as text: %s", got)
	}
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	if !strings.Contains(css, ".chroma") || !strings.Contains(css, "prefers-color-scheme: dark") {
		t.Errorf("css lacks light or dark rules: %.200s", css)
	}
	// No rule outside the two schemes' blocks: a light token colour in force in dark mode
	// is dark text on a dark background.
	light, dark, ok := strings.Cut(css, "@media (prefers-color-scheme: dark)")
	if !ok || !strings.HasPrefix(light, "@media not (prefers-color-scheme: dark) {") || strings.Count(light, "@media") != 1 || !strings.HasSuffix(strings.TrimSpace(dark), "}") {
		t.Errorf("the light and dark styles are not each confined to their scheme: %.300s", css)
	}
}
