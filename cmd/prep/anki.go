package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"prep"
	"prep/content"
	"prep/store/anki"
)

// cardFilter chooses cards by topic, kind, level, tag or case, as review decks do.
type cardFilter struct{ topic, kind, level, tag, caseID string }

func (f *cardFilter) register(fs *flag.FlagSet) {
	fs.StringVar(&f.topic, "topic", "", "with --apkg: only cards of this topic")
	fs.StringVar(&f.kind, "kind", "", "with --apkg: only cards of this kind")
	fs.StringVar(&f.level, "level", "", "with --apkg: only cards of this level")
	fs.StringVar(&f.tag, "tag", "", "with --apkg: only cards with this tag")
	fs.StringVar(&f.caseID, "case", "", "with --apkg: only the cards of this case study, in its order")
}

func (f cardFilter) set() bool { return f != cardFilter{} }

// cards returns the library's cards that pass f, or an error naming a value no card has.
func (f cardFilter) cards(lib *content.Library) ([]*content.Card, error) {
	check := func(name, v string, ok bool, allowed []string) error {
		if v == "" || ok {
			return nil
		}
		return prep.Errorf(prep.Invalid, "export", "unknown %s %q (use one of: %s)", name, v, strings.Join(allowed, ", "))
	}
	var caseIDs []string
	for _, c := range lib.Cases() {
		caseIDs = append(caseIDs, c.ID)
	}
	_, caseOK := lib.Case(f.caseID)
	for _, err := range []error{
		check("topic", f.topic, slices.Contains(lib.TopicIDs(), f.topic), lib.TopicIDs()),
		check("kind", f.kind, slices.Contains(content.Kinds, f.kind), content.Kinds),
		check("level", f.level, slices.Contains(content.Levels, f.level), content.Levels),
		check("tag", f.tag, lib.HasTag(f.tag), []string{"a tag some card has"}),
		check("case", f.caseID, caseOK, caseIDs),
	} {
		if err != nil {
			return nil, err
		}
	}
	var out []*content.Card
	for _, c := range lib.Cards() {
		if (f.topic == "" || c.Topic == f.topic) && (f.kind == "" || c.Kind == f.kind) && (f.level == "" || c.Level == f.level) &&
			(f.tag == "" || slices.Contains(c.Tags, f.tag)) && (f.caseID == "" || c.Case == f.caseID) {
			out = append(out, c)
		}
	}
	if f.caseID != "" { // a case in its own order: rounds, then position
		order := map[string]int{}
		cs, _ := lib.Case(f.caseID)
		for _, r := range cs.Rounds {
			for _, id := range r.Cards {
				order[id] = len(order)
			}
		}
		slices.SortStableFunc(out, func(a, b *content.Card) int { return order[a.ID] - order[b.ID] })
	}
	if len(out) == 0 {
		return nil, prep.Errorf(prep.Invalid, "export", "no card matches those filters")
	}
	return out, nil
}

// deckName names the one deck of a filtered export, or "" for one deck per topic.
func (f cardFilter) deckName() string {
	var parts []string
	for _, v := range []string{f.topic, f.caseID, f.kind, f.level, f.tag} {
		if v != "" {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "prep::" + strings.Join(parts, " ")
}

// exportAnki writes the cards f chooses to path as an Anki package.
func exportAnki(ctx context.Context, cfg config, f cardFilter, path string, env *Env) error {
	lib, _, err := loadKnowledge(cfg.content, cfg.labs)
	if err != nil {
		return err
	}
	cards, err := f.cards(lib)
	if err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if err := anki.Write(ctx, out, anki.FromCards(lib, cards, f.deckName()), time.Now()); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %s for Anki\n", path, plural(len(cards), "card", "cards"))
	return nil
}
