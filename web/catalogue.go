package web

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/labs"
)

// The progress of a user on a lab, as the catalogue shows and filters it.
const (
	progressNotStarted = "not-started"
	progressAttempted  = "attempted"
	progressPassed     = "passed"
)

// progressValues are the status filter's values, in the order the page lists them.
var progressValues = []string{progressNotStarted, progressAttempted, progressPassed}

// catalogueLab is one lab of the catalogue with its topic and the user's progress.
type catalogueLab struct {
	labView
	Topic    string // the topic id ("" when unknown)
	Progress string // one of progressValues
}

// catalogueGroup is one topic's labs on the catalogue page.
type catalogueGroup struct {
	ID, Title string // the topic; ID "" is the group of labs with no known topic
	Labs      []catalogueLab
}

// labFilter is the catalogue's selection: a topic id ("other" for labs of no known
// topic), a level and a progress value, each optional.
type labFilter struct{ Topic, Level, Status string }

// otherTopic is the topic filter's value for labs whose first card is unknown.
const otherTopic = "other"

func (f labFilter) match(l catalogueLab) bool {
	topic := l.Topic
	if topic == "" {
		topic = otherTopic
	}
	return (f.Topic == "" || f.Topic == topic) && (f.Level == "" || f.Level == l.Level) && (f.Status == "" || f.Status == l.Progress)
}

// progress turns a stored lab status (a verdict, "attempted" or "") into the user's
// progress: passed, attempted (any run or submission that has not passed), not started.
func progress(status string) string {
	switch status {
	case "":
		return progressNotStarted
	case progressPassed:
		return progressPassed
	}
	return progressAttempted
}

// cardTopic returns the topic of the card with id, or "" if there is no such card.
func (s *Server) cardTopic(id string) string {
	if c := s.lib.Card(id); c != nil {
		return c.Topic
	}
	return ""
}

// catalogue returns every lab grouped by topic, in the library's topic order, with the
// user's progress from status.
func (s *Server) catalogue(status map[string]string) []catalogueGroup {
	if s.labs == nil {
		return nil
	}
	groups := labs.ByTopic(s.labs.All(), s.lib.TopicIDs(), s.cardTopic)
	out := make([]catalogueGroup, 0, len(groups))
	for _, g := range groups {
		cg := catalogueGroup{ID: g.Topic, Title: "Other labs"}
		if t, ok := s.lib.Topic(g.Topic); ok {
			cg.Title = t.Title
		}
		for _, l := range g.Labs {
			cg.Labs = append(cg.Labs, catalogueLab{labView: s.labView(l, status), Topic: g.Topic, Progress: progress(status[l.Slug])})
		}
		out = append(out, cg)
	}
	return out
}

// parseLabFilter reads and checks the catalogue's filter parameters: an unknown value is
// an Invalid error naming the allowed ones.
func (s *Server) parseLabFilter(c echo.Context) (labFilter, error) {
	f := labFilter{Topic: c.QueryParam("topic"), Level: c.QueryParam("level"), Status: c.QueryParam("status")}
	bad := func(name, v string, allowed []string) error {
		return prep.Errorf(prep.Invalid, "labs", "unknown %s %q (use one of: %s)", name, v, strings.Join(allowed, ", "))
	}
	if topics := append(s.lib.TopicIDs(), otherTopic); f.Topic != "" && !slices.Contains(topics, f.Topic) {
		return f, bad("topic", f.Topic, topics)
	}
	if f.Level != "" && !slices.Contains(labs.Levels, f.Level) {
		return f, bad("level", f.Level, labs.Levels)
	}
	if f.Status != "" && !slices.Contains(progressValues, f.Status) {
		return f, bad("status", f.Status, progressValues)
	}
	return f, nil
}

// labsPage is the catalogue: every lab grouped by topic with its level and the user's
// progress, filtered by topic, level and progress through plain links.
func (s *Server) labsPage(c echo.Context) error {
	f, err := s.parseLabFilter(c)
	if err != nil {
		return err
	}
	status, err := s.labStatus(c)
	if err != nil {
		return err
	}
	all := s.catalogue(status)
	// Counts for the filter links: each facet counts the labs the other filters keep,
	// so a link's count is what the page shows after following it.
	type facetLink struct {
		Value, Label string
		Count        int
	}
	count := func(g labFilter) int {
		n := 0
		for _, grp := range all {
			for _, l := range grp.Labs {
				if g.match(l) {
					n++
				}
			}
		}
		return n
	}
	var topics, levels, statuses []facetLink
	for _, grp := range all {
		id := grp.ID
		if id == "" {
			id = otherTopic
		}
		topics = append(topics, facetLink{id, grp.Title, count(labFilter{id, f.Level, f.Status})})
	}
	for _, lv := range labs.Levels {
		levels = append(levels, facetLink{lv, lv, count(labFilter{f.Topic, lv, f.Status})})
	}
	for _, st := range progressValues {
		statuses = append(statuses, facetLink{st, strings.ReplaceAll(st, "-", " "), count(labFilter{f.Topic, f.Level, st})})
	}
	var shown []catalogueGroup
	total := 0
	for _, grp := range all {
		g := catalogueGroup{ID: grp.ID, Title: grp.Title}
		for _, l := range grp.Labs {
			if f.match(l) {
				g.Labs = append(g.Labs, l)
			}
		}
		total += len(grp.Labs)
		if len(g.Labs) > 0 {
			shown = append(shown, g)
		}
	}
	_, signedIn := currentUser(c)
	return s.ok(c, "labs", map[string]any{"Title": "Labs", "Groups": shown, "Shown": count(f), "Total": total, "Filter": f,
		"TopicFacets": topics, "LevelFacets": levels, "StatusFacets": statuses, "ShowStatus": signedIn && s.store != nil})
}

// topicLabs returns the labs of topic (those whose first card is in it) and, apart, the
// labs of other topics that practise one of its cards, with the user's progress.
func (s *Server) topicLabs(c echo.Context, topic string) (own, related []catalogueLab, err error) {
	if s.labs == nil {
		return nil, nil, nil
	}
	status, err := s.labStatus(c)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range s.labs.All() {
		cl := catalogueLab{labView: s.labView(l, status), Topic: l.Topic(s.cardTopic), Progress: progress(status[l.Slug])}
		if cl.Topic == topic {
			own = append(own, cl)
			continue
		}
		for _, card := range cl.Cards {
			if card.Topic == topic {
				related = append(related, cl)
				break
			}
		}
	}
	return own, related, nil
}
