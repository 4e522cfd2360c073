package web

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content"
)

// filter is the kind/level/topic/tag selection shared by listings, search and decks.
type filter struct{ Kind, Level, Topic, Tag string }

// parseFilter reads and checks the filter query parameters: an unknown value is an
// Invalid error naming the allowed ones.
func (s *Server) parseFilter(c echo.Context) (filter, error) {
	// FormValue reads the URL and, for a POST, the form: a review form carries its deck
	// in hidden fields, and a deck lost there is a deck lost after one rating.
	f := filter{Kind: c.FormValue("kind"), Level: c.FormValue("level"), Topic: c.FormValue("topic"), Tag: c.FormValue("tag")}
	bad := func(name, v string, allowed []string) error {
		return prep.Errorf(prep.Invalid, "filter", "unknown %s %q (use one of: %s)", name, v, strings.Join(allowed, ", "))
	}
	if f.Kind != "" && !slices.Contains(content.Kinds, f.Kind) {
		return f, bad("kind", f.Kind, content.Kinds)
	}
	if f.Level != "" && !slices.Contains(content.Levels, f.Level) {
		return f, bad("level", f.Level, content.Levels)
	}
	if f.Topic != "" && !slices.Contains(s.lib.TopicIDs(), f.Topic) {
		return f, bad("topic", f.Topic, s.lib.TopicIDs())
	}
	if f.Tag != "" && !s.lib.HasTag(f.Tag) {
		return f, prep.Errorf(prep.Invalid, "filter", "unknown tag %q", f.Tag)
	}
	return f, nil
}

func (f filter) match(c *content.Card) bool {
	return (f.Kind == "" || c.Kind == f.Kind) && (f.Level == "" || c.Level == f.Level) &&
		(f.Topic == "" || c.Topic == f.Topic) && (f.Tag == "" || slices.Contains(c.Tags, f.Tag))
}

// cards returns the cards that match f, in library order.
func (s *Server) cards(f filter) []*content.Card {
	var out []*content.Card
	for _, c := range s.lib.Cards() {
		if f.match(c) {
			out = append(out, c)
		}
	}
	return out
}

// facet is one value of a facet with its count, for filter links.
type facet struct {
	Value string
	Count int
}

// facets counts kind, level and tag values over cards.
func facets(cards []*content.Card) map[string][]facet {
	counts := map[string]map[string]int{"kind": {}, "level": {}, "tag": {}}
	for _, c := range cards {
		counts["kind"][c.Kind]++
		counts["level"][c.Level]++
		for _, t := range c.Tags {
			counts["tag"][t]++
		}
	}
	order := map[string][]string{"kind": content.Kinds, "level": content.Levels}
	out := map[string][]facet{}
	for name, m := range counts {
		for v, n := range m {
			out[name] = append(out[name], facet{v, n})
		}
		fs := out[name]
		sort.Slice(fs, func(i, j int) bool {
			if o := order[name]; o != nil {
				return slices.Index(o, fs[i].Value) < slices.Index(o, fs[j].Value)
			}
			if fs[i].Count != fs[j].Count {
				return fs[i].Count > fs[j].Count
			}
			return fs[i].Value < fs[j].Value
		})
	}
	return out
}

func (s *Server) home(c echo.Context) error {
	type topicCount struct {
		content.Topic
		Count int
	}
	var topics []topicCount
	for _, t := range s.lib.Topics() {
		topics = append(topics, topicCount{t, len(s.cards(filter{Topic: t.ID}))})
	}
	data := map[string]any{"Title": "prep", "TopicCounts": topics, "Cases": s.lib.Cases(), "Total": len(s.lib.Cards())}
	if u, ok := currentUser(c); ok && s.store != nil {
		q, err := s.queueFor(c, u.ID, deck{}, s.now())
		if err != nil {
			return err
		}
		data["Today"] = q
	}
	return s.ok(c, "home", data)
}

func (s *Server) topic(c echo.Context) error {
	t, ok := s.lib.Topic(c.Param("id"))
	if !ok {
		return prep.Errorf(prep.NotFound, "topic", "no topic %q", c.Param("id"))
	}
	f, err := s.parseFilter(c)
	if err != nil {
		return err
	}
	f.Topic = t.ID
	all := s.cards(filter{Topic: t.ID})
	own, related, err := s.topicLabs(c, t.ID)
	if err != nil {
		return err
	}
	return s.ok(c, "topic", map[string]any{"Title": t.Title, "Topic": t, "Cards": s.cards(f), "All": len(all), "Facets": facets(all), "Filter": f,
		"Labs": own, "RelatedLabs": related})
}

func (s *Server) card(c echo.Context) error {
	card := s.lib.Card(c.Param("id"))
	if card == nil {
		return prep.Errorf(prep.NotFound, "card", "no card %q (search for it instead)", c.Param("id"))
	}
	var related []*content.Card
	for _, id := range card.Related {
		related = append(related, s.lib.Card(id))
	}
	topic, _ := s.lib.Topic(card.Topic)
	cardLabs, err := s.cardLabs(c, card)
	if err != nil {
		return err
	}
	study, err := s.cardStudy(c, card)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": card.Title, "Card": card, "Related": related, "TopicInfo": topic, "Labs": cardLabs,
		"Reveal": c.QueryParam("reveal") != "", // "Open the full answer" from review
		"Study":  study, "Aside": s.asideNotice(c), "Here": "/cards/" + card.ID}
	if card.Case != "" {
		cs, _ := s.lib.Case(card.Case)
		data["Case"] = cs
	}
	return s.ok(c, "card", data)
}

func (s *Server) caseStudy(c echo.Context) error {
	cs, ok := s.lib.Case(c.Param("id"))
	if !ok {
		return prep.Errorf(prep.NotFound, "case", "no case study %q", c.Param("id"))
	}
	type round struct {
		content.Round
		Cards []*content.Card
	}
	var rounds []round
	for _, r := range cs.Rounds {
		rd := round{Round: r}
		for _, id := range r.Cards {
			rd.Cards = append(rd.Cards, s.lib.Card(id))
		}
		rounds = append(rounds, rd)
	}
	return s.ok(c, "case", map[string]any{"Title": cs.Title, "Case": cs, "Rounds": rounds})
}

// cardSummary is a card in API listings.
type cardSummary struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Kind  string   `json:"kind"`
	Level string   `json:"level"`
	Topic string   `json:"topic"`
	Tags  []string `json:"tags"`
	URL   string   `json:"url"`
}

func summary(c *content.Card) cardSummary {
	return cardSummary{ID: c.ID, Title: c.Title, Kind: c.Kind, Level: c.Level, Topic: c.Topic, Tags: nonNil(c.Tags), URL: "/cards/" + c.ID}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) apiCards(c echo.Context) error {
	f, err := s.parseFilter(c)
	if err != nil {
		return err
	}
	out := []cardSummary{}
	for _, card := range s.cards(f) {
		out = append(out, summary(card))
	}
	return c.JSON(http.StatusOK, map[string]any{"cards": out, "total": len(out)})
}

func (s *Server) apiCard(c echo.Context) error {
	card := s.lib.Card(c.Param("id"))
	if card == nil {
		return prep.Errorf(prep.NotFound, "card", "no card %q", c.Param("id"))
	}
	type section struct {
		Name string `json:"name"`
		HTML string `json:"html"`
	}
	type followUp struct {
		Question string `json:"question"`
		HTML     string `json:"html"`
	}
	out := struct {
		cardSummary
		Labs      []string   `json:"labs"`
		Related   []string   `json:"related"`
		Case      string     `json:"case,omitempty"`
		Round     *int       `json:"round,omitempty"`
		Prompt    section    `json:"prompt"`
		Sections  []section  `json:"sections"`
		KeyPoints []string   `json:"key_points"`
		FollowUps []followUp `json:"follow_ups"`
	}{cardSummary: summary(card), Labs: nonNil(card.Labs), Related: nonNil(card.Related), Case: card.Case,
		Prompt: section{card.Prompt.Name, string(card.Prompt.HTML)}, Sections: []section{}, KeyPoints: []string{}, FollowUps: []followUp{}}
	if card.Case != "" {
		out.Round = &card.Round
	}
	for _, sec := range card.Sections {
		out.Sections = append(out.Sections, section{sec.Name, string(sec.HTML)})
	}
	for _, k := range card.KeyPoints {
		out.KeyPoints = append(out.KeyPoints, string(k))
	}
	for _, f := range card.FollowUps {
		out.FollowUps = append(out.FollowUps, followUp{f.Question, string(f.HTML)})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiTopics(c echo.Context) error {
	type topic struct {
		content.Topic
		Cards int `json:"cards"`
	}
	out := []topic{}
	for _, t := range s.lib.Topics() {
		out = append(out, topic{t, len(s.cards(filter{Topic: t.ID}))})
	}
	return c.JSON(http.StatusOK, map[string]any{"topics": out})
}
