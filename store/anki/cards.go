package anki

import "prep/content"

// FromCards makes a note of each card: the front is the title and prompt, the back the
// answer, key points and follow-ups; tags are the card's tags with its kind and level.
// deck names the one deck they all go to; when empty, each card goes to a deck of its
// topic, "prep::<topic title>".
func FromCards(lib *content.Library, cards []*content.Card, deck string) []Note {
	notes := make([]Note, 0, len(cards))
	for _, c := range cards {
		d := deck
		if d == "" {
			t, _ := lib.Topic(c.Topic)
			d = "prep::" + t.Title
		}
		tags := append([]string{"prep", "kind::" + c.Kind, "level::" + c.Level}, c.Tags...)
		notes = append(notes, Note{Key: c.ID, Deck: d, Front: string(c.Front()), Back: string(c.Back()), Tags: tags})
	}
	return notes
}
