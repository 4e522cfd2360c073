package content

import (
	"strings"
	"testing"
)

// TestEmbeddedContentIsValid loads the knowledge base shipped in the binary. Lab links are
// checked where labs are known (cmd/prep's tests); here every other rule is.
func TestEmbeddedContentIsValid(t *testing.T) {
	lib, err := Load(Embedded, Options{})
	if err != nil {
		t.Fatalf("embedded content has problems:\n%v", err)
	}
	if len(lib.Cards()) == 0 {
		t.Fatal("no cards embedded")
	}
	kinds := map[string]bool{}
	defer func() {
		for _, k := range Kinds {
			if !kinds[k] {
				t.Errorf("no card of kind %s", k)
			}
		}
	}()
	for _, c := range lib.Cards() {
		kinds[c.Kind] = true
		if c.Prompt.HTML == "" {
			t.Errorf("%s: empty prompt", c.Path)
		}
		// The knowledge base's own bar (issues 5–7): 4–8 key points, 3 or more follow-ups.
		if len(c.KeyPoints) < 4 || len(c.KeyPoints) > 8 || len(c.FollowUps) < 3 {
			t.Errorf("%s: %d key points (want 4–8), %d follow-ups (want 3 or more)", c.Path, len(c.KeyPoints), len(c.FollowUps))
		}
	}
}

// TestCaseTitlesShareOnePrefix: a case's cards name the case the same way ("Mutual-fund
// platform: …"), so a deck or a search result list reads as one case.
func TestCaseTitlesShareOnePrefix(t *testing.T) {
	lib, err := Load(Embedded, Options{})
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]map[string][]string{} // case → prefix → card ids
	for _, c := range lib.Cards() {
		if c.Case == "" {
			continue
		}
		p, _, ok := strings.Cut(c.Title, ": ")
		if !ok {
			p = "(no prefix)"
		}
		if prefixes[c.Case] == nil {
			prefixes[c.Case] = map[string][]string{}
		}
		prefixes[c.Case][p] = append(prefixes[c.Case][p], c.ID)
	}
	for cs, ps := range prefixes {
		if len(ps) > 1 {
			t.Errorf("case %s: card titles start in %d ways: %v", cs, len(ps), ps)
		}
	}
}
