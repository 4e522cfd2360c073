// Package content loads the knowledge base: cards written as markdown with YAML front
// matter (see README.md in this folder for the format), the topics they belong to and the
// case studies that order them into interviews.
//
// Everything is parsed, validated and rendered to HTML once, by Load; a Library is then
// read-only and safe for concurrent use. Problems are reported all at once, each with the
// file and line it comes from, so that a broken card stops start-up rather than a request.
package content

import (
	"html/template"
	"slices"
	"sort"
)

// The kinds of card.
const (
	KindConcept   = "concept"
	KindDesign    = "design"
	KindIncident  = "incident"
	KindScenario  = "scenario"
	KindCaseStudy = "case-study"
)

// Kinds lists the card kinds in display order.
var Kinds = []string{KindConcept, KindDesign, KindIncident, KindScenario, KindCaseStudy}

// Levels lists the card levels from junior to staff.
var Levels = []string{"junior", "mid", "senior", "staff"}

// Card is one parsed, validated and rendered card.
type Card struct {
	ID      string
	Title   string
	Kind    string
	Level   string
	Topic   string
	Tags    []string
	Labs    []string
	Related []string
	// Aliases are other names for what the card covers ("dogpile" for a cache
	// stampede); search weighs them like the title. They are not shown.
	Aliases []string
	Case    string // case-study cards only
	Round   int    // case-study cards only

	Path string // where the card was read from, for messages

	// Prompt is the front of the card: the Question, or the Scenario of an incident.
	Prompt Section
	// Sections are the rest of the body in file order (Answer, Key points, …), without
	// Follow-ups, which are split out below.
	Sections []Section
	// KeyPoints holds the bullets of the Key points section, rendered inline.
	KeyPoints []template.HTML
	// FollowUps holds each follow-up question with its answer.
	FollowUps []FollowUp
}

// Section is one "##" section of a card.
type Section struct {
	Name string        // the heading, e.g. "Answer"
	ID   string        // the anchor, e.g. "answer"
	HTML template.HTML // the rendered body, without the heading
	Text string        // plain text of the body, for search
}

// FollowUp is a "###" question under Follow-ups with its answer.
type FollowUp struct {
	Question string
	HTML     template.HTML
	Text     string
}

// Section returns the card's section called name, and whether it has one.
func (c *Card) Section(name string) (Section, bool) {
	for _, s := range c.Sections {
		if s.Name == name {
			return s, true
		}
	}
	return Section{}, false
}

// Topic is one entry of topics.yaml.
type Topic struct {
	ID      string `yaml:"id" json:"id"`
	Title   string `yaml:"title" json:"title"`
	Summary string `yaml:"summary" json:"summary"`
	Order   int    `yaml:"order" json:"order"`
}

// Case is a case study: cards grouped into rounds of an escalating interview.
type Case struct {
	ID      string  `yaml:"id" json:"id"`
	Title   string  `yaml:"title" json:"title"`
	Summary string  `yaml:"summary" json:"summary"`
	Rounds  []Round `yaml:"rounds" json:"rounds"`
}

// Round is one round of a case, with its card ids in order.
type Round struct {
	Round int      `yaml:"round" json:"round"`
	Title string   `yaml:"title" json:"title"`
	Cards []string `yaml:"cards" json:"cards"`
}

// Library is the loaded knowledge base. It is read-only after Load.
type Library struct {
	cards  []*Card // sorted by topic order, then title
	byID   map[string]*Card
	topics []Topic // sorted by order
	cases  []Case
	tags   []string // every tag of every card, sorted
	hash   string
}

// Cards returns every card, ordered by topic and then title. The slice is shared: do not
// modify it.
func (l *Library) Cards() []*Card { return l.cards }

// Card returns the card with id, or nil.
func (l *Library) Card(id string) *Card { return l.byID[id] }

// Topics returns the topics in display order.
func (l *Library) Topics() []Topic { return l.topics }

// Topic returns the topic with id and whether it exists.
func (l *Library) Topic(id string) (Topic, bool) {
	for _, t := range l.topics {
		if t.ID == id {
			return t, true
		}
	}
	return Topic{}, false
}

// TopicIDs returns the topic ids in display order.
func (l *Library) TopicIDs() []string {
	ids := make([]string, len(l.topics))
	for i, t := range l.topics {
		ids[i] = t.ID
	}
	return ids
}

// Tags returns every tag used by a card, sorted. The slice is shared: do not modify it.
func (l *Library) Tags() []string { return l.tags }

// HasTag reports whether some card has tag t.
func (l *Library) HasTag(t string) bool {
	_, ok := slices.BinarySearch(l.tags, t)
	return ok
}

// Cases returns the case studies.
func (l *Library) Cases() []Case { return l.cases }

// Case returns the case with id and whether it exists.
func (l *Library) Case(id string) (Case, bool) {
	for _, c := range l.cases {
		if c.ID == id {
			return c, true
		}
	}
	return Case{}, false
}

// Hash identifies the content: it changes whenever any source file does. It keys caches
// built from the content, such as an on-disk search index.
func (l *Library) Hash() string { return l.hash }

// index sorts the cards and collects their tags, once the cards are final.
func (l *Library) index() {
	l.sortCards()
	seen := map[string]bool{}
	for _, c := range l.cards {
		for _, t := range c.Tags {
			if !seen[t] {
				seen[t] = true
				l.tags = append(l.tags, t)
			}
		}
	}
	sort.Strings(l.tags)
}

func (l *Library) sortCards() {
	order := map[string]int{}
	for _, t := range l.topics {
		order[t.ID] = t.Order
	}
	sort.SliceStable(l.cards, func(i, j int) bool {
		a, b := l.cards[i], l.cards[j]
		if order[a.Topic] != order[b.Topic] {
			return order[a.Topic] < order[b.Topic]
		}
		if a.Case != "" && a.Case == b.Case && a.Round != b.Round {
			return a.Round < b.Round
		}
		return a.Title < b.Title
	})
}
