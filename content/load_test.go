package content

import (
	"strings"

	"prep"
	"testing"
	"testing/fstest"
)

const testTopics = `- id: resilience
  title: Resilience
  order: 1
  summary: Keeping failures small.
- id: case-studies
  title: Case studies
  order: 2
  summary: Whole interviews.
`

const testCases = `- id: shop
  title: Shop
  summary: A shop.
  rounds:
    - round: 0
      title: Base
      cards: [shop-scale]
`

// card builds a card file from front matter lines and a body.
func card(front, body string) string { return "---\n" + front + "\n---\n" + body }

const conceptBody = `
## Question

What is it?

## Answer

An answer with a [link](/cards/other).

## Key points

- one
- two

## Follow-ups

### Why?

Because.
`

const okFront = "id: breaker\ntitle: Breaker\nkind: concept\nlevel: mid\ntopic: resilience"

func baseFS() fstest.MapFS {
	return fstest.MapFS{
		"topics.yaml":                {Data: []byte(testTopics)},
		"cases.yaml":                 {Data: []byte(testCases)},
		"resilience/other.md":        {Data: []byte(card("id: other\ntitle: Other\nkind: concept\nlevel: mid\ntopic: resilience", strings.ReplaceAll(conceptBody, "/cards/other", "/cards/shop-scale")))},
		"case-studies/shop-scale.md": {Data: []byte(card("id: shop-scale\ntitle: Scale\nkind: case-study\nlevel: senior\ntopic: case-studies\ncase: shop\nround: 0", conceptBody))},
	}
}

func TestLoadProblems(t *testing.T) {
	labs := func(s string) bool { return s == "circuit-breaker" }
	tests := []struct {
		name string
		file string // path of the card under test
		src  string
		want []string // every problem, exactly
	}{
		{"valid", "resilience/breaker.md", card(okFront+"\nlabs: [circuit-breaker]\nrelated: [other]", conceptBody), nil},
		{"aliases", "resilience/breaker.md", card(okFront+"\naliases: [trip switch, fuse]", conceptBody), nil},
		{"alias problems", "resilience/breaker.md", card(okFront+"\naliases: [fuse, Fuse, breaker, "+strings.Repeat("a", 61)+"]", conceptBody),
			[]string{`content/resilience/breaker.md:7: alias "Fuse" given twice (keep one)`,
				`content/resilience/breaker.md:7: alias "breaker" repeats the title (remove it: the title is searched already)`,
				`content/resilience/breaker.md:7: alias "` + strings.Repeat("a", 61) + `" is 61 characters long; an alias is another name, at most 60`}},
		{"aliases not a list", "resilience/breaker.md", card(okFront+"\naliases: fuse", conceptBody),
			[]string{`content/resilience/breaker.md:7: expected a list, e.g. [a, b]`}},
		{"no front matter", "resilience/breaker.md", conceptBody,
			[]string{`content/resilience/breaker.md:1: no front matter (start the file with a line "---", the YAML keys, then another "---")`}},
		{"unknown key", "resilience/breaker.md", card(okFront+"\nrelatd: [other]", conceptBody),
			[]string{`content/resilience/breaker.md:7: unknown key "relatd" (allowed: id, title, kind, level, topic, tags, labs, related, aliases, case, round)`}},
		{"missing key", "resilience/breaker.md", card("id: breaker\ntitle: Breaker\nkind: concept\ntopic: resilience", conceptBody),
			[]string{`content/resilience/breaker.md:1: missing key "level" in the front matter (see content/README.md)`}},
		{"invalid kind", "resilience/breaker.md", card(strings.Replace(okFront, "kind: concept", "kind: essay", 1), conceptBody),
			[]string{`content/resilience/breaker.md:4: invalid kind "essay" (use one of: concept, design, incident, scenario, case-study)`}},
		{"invalid level", "resilience/breaker.md", card(strings.Replace(okFront, "level: mid", "level: expert", 1), conceptBody),
			[]string{`content/resilience/breaker.md:5: invalid level "expert" (use one of: junior, mid, senior, staff)`}},
		{"unknown topic", "resilience/breaker.md", card(strings.Replace(okFront, "topic: resilience", "topic: chaos", 1), conceptBody),
			[]string{`content/resilience/breaker.md:6: unknown topic "chaos" (use one of: resilience, case-studies, or add it to topics.yaml)`}},
		{"topic not folder", "case-studies/breaker.md", card(okFront, conceptBody),
			[]string{`content/case-studies/breaker.md:6: topic "resilience" does not match the folder "case-studies" (move the file to resilience/)`}},
		{"file name", "resilience/cb.md", card(okFront, conceptBody),
			[]string{`content/resilience/cb.md:2: file name "cb.md" does not match id "breaker" (rename the file to breaker.md)`}},
		{"bad id", "resilience/Breaker.md", card(strings.Replace(okFront, "id: breaker", "id: Breaker", 1), conceptBody),
			[]string{`content/resilience/Breaker.md:2: id "Breaker" must be kebab-case: lower-case letters, digits and single dashes`}},
		{"duplicate id", "resilience/breaker.md", card(strings.Replace(okFront, "id: breaker", "id: other", 1), conceptBody),
			[]string{
				`content/resilience/breaker.md:2: file name "breaker.md" does not match id "other" (rename the file to other.md)`,
				`content/resilience/other.md:2: duplicate id "other", also used by content/resilience/breaker.md (ids must be unique)`,
			}},
		{"missing section", "resilience/breaker.md", card(okFront, strings.Replace(conceptBody, "## Key points\n\n- one\n- two\n", "", 1)),
			[]string{`content/resilience/breaker.md: missing section ## Key points (a concept card needs: Question, Answer, Key points, Follow-ups)`}},
		{"unknown section", "resilience/breaker.md", card(okFront, conceptBody+"\n## Trivia\n\nx\n"),
			[]string{`content/resilience/breaker.md:28: unknown section "Trivia" (a concept card has: Question, Answer, Key points, Follow-ups; optional: Pitfalls, Numbers, Further practice)`}},
		{"out of order", "resilience/breaker.md", card(okFront, "\n## Answer\n\nA.\n\n## Question\n\nQ?\n\n## Key points\n\n- k\n\n## Follow-ups\n\n### F?\n\nF.\n"),
			[]string{`content/resilience/breaker.md:13: section "Question" is out of order (for kind concept the order is: Question, Answer, Key points, Follow-ups)`}},
		{"empty section", "resilience/breaker.md", card(okFront, strings.Replace(conceptBody, "What is it?", "", 1)),
			[]string{`content/resilience/breaker.md:9: section "Question" is empty`}},
		{"key points not a list", "resilience/breaker.md", card(okFront, strings.Replace(conceptBody, "- one\n- two", "one and two", 1)),
			[]string{`content/resilience/breaker.md:17: Key points must be a bullet list ("- point" a line)`}},
		{"follow-up without answer", "resilience/breaker.md", card(okFront, strings.Replace(conceptBody, "Because.", "", 1)),
			[]string{`content/resilience/breaker.md:24: follow-up "Why?" has no answer (write it under the ### heading)`}},
		{"h1 heading", "resilience/breaker.md", card(okFront, "\n# Breaker\n"+conceptBody),
			[]string{`content/resilience/breaker.md:9: no "#" heading in a card (the title comes from the front matter; sections start with "## ")`}},
		{"related missing", "resilience/breaker.md", card(okFront+"\nrelated: [bulkhead]", conceptBody),
			[]string{`content/resilience/breaker.md:7: related card "bulkhead" does not exist (check the id, or remove it)`}},
		{"lab missing", "resilience/breaker.md", card(okFront+"\nlabs: [breaker-lab]", conceptBody),
			[]string{`content/resilience/breaker.md:7: lab "breaker-lab" does not exist (check the slug with "prep lab list", or remove it)`}},
		{"body link missing", "resilience/breaker.md", card(okFront, strings.Replace(conceptBody, "/cards/other", "/cards/nope", 1)),
			[]string{`content/resilience/breaker.md:15: link to card "nope", which does not exist (fix the id in /cards/nope)`}},
		{"invalid utf-8", "resilience/breaker.md", card(okFront, "\n## Question\n\nbad \xff byte\n"),
			[]string{`content/resilience/breaker.md:11: invalid UTF-8 (save the file as UTF-8)`}},
		{"list expected", "resilience/breaker.md", card(okFront+"\ntags: fault-tolerance", conceptBody),
			[]string{`content/resilience/breaker.md:7: expected a list, e.g. [a, b]`}},
		{"case key on concept", "resilience/breaker.md", card(okFront+"\nround: 1", conceptBody),
			[]string{`content/resilience/breaker.md:7: key "round" belongs only to case-study cards (remove it, or set kind: case-study)`}},
		{"case card not listed", "case-studies/shop-pay.md", card("id: shop-pay\ntitle: Pay\nkind: case-study\nlevel: senior\ntopic: case-studies\ncase: shop\nround: 1", conceptBody),
			[]string{`content/case-studies/shop-pay.md:7: case "shop" does not list this card (add "shop-pay" to round 1 in cases.yaml)`}},
		{"several at once", "resilience/breaker.md", card(strings.Replace(okFront, "level: mid", "level: guru", 1)+"\nlabs: [nope]", strings.Replace(conceptBody, "## Answer", "## Answr", 1)),
			[]string{
				`content/resilience/breaker.md: missing section ## Answer (a concept card needs: Question, Answer, Key points, Follow-ups)`,
				`content/resilience/breaker.md:5: invalid level "guru" (use one of: junior, mid, senior, staff)`,
				`content/resilience/breaker.md:7: lab "nope" does not exist (check the slug with "prep lab list", or remove it)`,
				`content/resilience/breaker.md:14: unknown section "Answr" (a concept card has: Question, Answer, Key points, Follow-ups; optional: Pitfalls, Numbers, Further practice)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := baseFS()
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.src)}
			_, err := Load(fsys, Options{LabExists: labs})
			var got []string
			if err != nil {
				ps, ok := err.(prep.Problems)
				if !ok {
					t.Fatalf("error is %T, want prep.Problems: %v", err, err)
				}
				for _, p := range ps {
					got = append(got, p.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestOverlayReplacesAndAdds(t *testing.T) {
	over := fstest.MapFS{
		"resilience/other.md": {Data: []byte(card("id: other\ntitle: Mine\nkind: concept\nlevel: senior\ntopic: resilience", conceptBody))},
		"resilience/extra.md": {Data: []byte(card("id: extra\ntitle: Extra\nkind: concept\nlevel: mid\ntopic: resilience\nrelated: [shop-scale]", conceptBody))},
	}
	lib, err := Load(baseFS(), Options{Overlay: over, OverlayPath: "/home/me/cards"})
	if err != nil {
		t.Fatal(err)
	}
	if got := lib.Card("other"); got == nil || got.Title != "Mine" || got.Path != "/home/me/cards/resilience/other.md" {
		t.Errorf("other = %+v, want the overlay's card", got)
	}
	if lib.Card("extra") == nil || len(lib.Cards()) != 3 {
		t.Errorf("got %d cards, want 3 with extra", len(lib.Cards()))
	}
	// Problems in the overlay name the overlay's path.
	over["resilience/bad.md"] = &fstest.MapFile{Data: []byte(card("id: bad\ntitle: Bad\nkind: nope\nlevel: mid\ntopic: resilience", conceptBody))}
	_, err = Load(baseFS(), Options{Overlay: over, OverlayPath: "/home/me/cards"})
	if err == nil || !strings.Contains(err.Error(), "/home/me/cards/resilience/bad.md:4: invalid kind") {
		t.Errorf("err = %v, want the overlay path and line", err)
	}
}

func TestCardParts(t *testing.T) {
	fsys := baseFS()
	lib, err := Load(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := lib.Card("other")
	if c.Prompt.Name != "Question" || !strings.Contains(string(c.Prompt.HTML), "What is it?") {
		t.Errorf("prompt = %+v", c.Prompt)
	}
	if len(c.Sections) != 2 || c.Sections[0].Name != "Answer" || c.Sections[1].Name != "Key points" {
		t.Errorf("sections = %v", c.Sections)
	}
	if len(c.KeyPoints) != 2 || c.KeyPoints[0] != "one" {
		t.Errorf("key points = %q", c.KeyPoints)
	}
	if len(c.FollowUps) != 1 || c.FollowUps[0].Question != "Why?" || c.FollowUps[0].Text != "Because." {
		t.Errorf("follow-ups = %+v", c.FollowUps)
	}
	if lib.Hash() == "" {
		t.Error("no content hash")
	}
}
