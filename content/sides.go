package content

import (
	"html/template"
	"strings"
)

// Front returns the front of the card as one HTML fragment, for a flashcard outside
// prep (an Anki note): the title, then the prompt.
func (c *Card) Front() template.HTML {
	var b strings.Builder
	b.WriteString("<h2>" + template.HTMLEscapeString(c.Title) + "</h2>\n")
	b.WriteString(string(c.Prompt.HTML))
	return template.HTML(b.String()) // built from escaped and rendered parts only
}

// Back returns the back of the card as one HTML fragment: every section in file order
// (the answer, the key points, …), then the follow-ups with their answers.
func (c *Card) Back() template.HTML {
	var b strings.Builder
	for _, s := range c.Sections {
		b.WriteString("<h3>" + template.HTMLEscapeString(s.Name) + "</h3>\n" + string(s.HTML) + "\n")
	}
	if len(c.FollowUps) > 0 {
		b.WriteString("<h3>Follow-ups</h3>\n")
		for _, f := range c.FollowUps {
			b.WriteString("<h4>" + template.HTMLEscapeString(f.Question) + "</h4>\n" + string(f.HTML) + "\n")
		}
	}
	return template.HTML(b.String())
}
