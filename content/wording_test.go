package content

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// provenance matches phrases that point a reader at documents they cannot see ("the seed",
// "the source's account", "the source material"). Cards speak for themselves: they say "a
// common claim", "the design doc" or "your runbook" instead. Two ordinary phrases stay
// allowed: "the source of truth" and "fix it at the source".
var provenance = regexp.MustCompile(`(?i)\bseed(?:s|ed|ing)?\b|\bsource\s+materials?\b|\b(at\s+)?the\s+sources?('s|’s)?\b(\s+of\s+truth)?(\s+materials?)?`)

// provenanceMention is one offending phrase and the byte offset where it starts.
type provenanceMention struct {
	phrase string
	offset int
}

// provenanceMentions returns each phrase in text that refers to where a card's facts came
// from. Phrases may span a line break.
func provenanceMentions(text string) []provenanceMention {
	var found []provenanceMention
	for _, m := range provenance.FindAllStringSubmatchIndex(text, -1) {
		phrase := text[m[0]:m[1]]
		lower := strings.ToLower(phrase)
		theSource := !strings.HasPrefix(lower, "seed") && !strings.HasPrefix(lower, "source")
		at, possessive, ofTruth, material := m[2] >= 0, m[4] >= 0, m[6] >= 0, m[8] >= 0
		allowed := theSource && !possessive && !material && (at || ofTruth)
		if !allowed {
			found = append(found, provenanceMention{phrase, m[0]})
		}
	}
	return found
}

func TestProvenanceMentions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"The seed's picture is wrong.", []string{"seed"}},
		{"What changes from the seed design:", []string{"seed"}},
		{"Seeds dashboards and alerts.", []string{"Seeds"}},
		{"Tests are seeded with canary values.", []string{"seeded"}},
		{"The source material says the table was locked.", []string{"The source material"}},
		{"Its source material is old.", []string{"source material"}},
		{"The source's account says reads still work.", []string{"The source's"}},
		{"Renewing the lease, which the source recommends, helps.", []string{"the source"}},
		{"The sources disagree.", []string{"The sources"}},
		{"The provider is the source of truth for money.", nil},
		{"Fix the data at the source, through the correction process.", nil},
		{"A common claim is that reads still work.", nil},
		{"Open the code: what happened, to which thing, and why.", nil},
		{"Use the open-source driver.", nil},
		{"which the\nsource recommends", []string{"the\nsource"}},
		{"fix it at the\nsource", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range provenanceMentions(tt.text) {
			got = append(got, m.phrase)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("provenanceMentions(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestCardsDoNotMentionTheirOrigins: no embedded card refers to a seed, "the source" or "the
// source material"; such sentences mean nothing to a reader.
func TestCardsDoNotMentionTheirOrigins(t *testing.T) {
	files, err := fs.Glob(Embedded, "*/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cards embedded")
	}
	for _, f := range files {
		if strings.EqualFold(path.Base(f), "README.md") {
			continue
		}
		b, err := fs.ReadFile(Embedded, f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range provenanceMentions(text) {
			line := strings.Count(text[:m.offset], "\n") + 1
			t.Errorf("%s:%d: mentions %q (say \"a common claim\", \"the design doc\" or \"your runbook\" instead)", f, line, m.phrase)
		}
	}
}
