package content

import "testing"

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
	for _, c := range lib.Cards() {
		kinds[c.Kind] = true
		if c.Prompt.HTML == "" {
			t.Errorf("%s: empty prompt", c.Path)
		}
		if len(c.KeyPoints) == 0 || len(c.FollowUps) == 0 {
			t.Errorf("%s: %d key points, %d follow-ups", c.Path, len(c.KeyPoints), len(c.FollowUps))
		}
	}
}
