package content

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"gopkg.in/yaml.v3"
)

// idPattern is the shape of card ids, lab slugs, tags, topics and case ids.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// frontMatter is a card's YAML header, decoded.
type frontMatter struct {
	ID, Title, Kind, Level, Topic, Case string
	Tags, Labs, Related, Aliases        []string
	Round                               *int
	lines                               map[string]int // key → line in the file
}

// frontMatterKeys are the keys a card may have, and whether each is required of all cards.
var frontMatterKeys = map[string]bool{
	"id": true, "title": true, "kind": true, "level": true, "topic": true,
	"tags": false, "labs": false, "related": false, "aliases": false, "case": false, "round": false,
}

// link is a markdown link from a card to another card or a lab, checked after loading.
type link struct {
	line   int
	target string // "/cards/<id>" or "/labs/<slug>"
}

// parsed is a card as read from its file, before cross-checks.
type parsed struct {
	card         *Card
	fm           frontMatter
	links        []link
	sectionLines map[string]int // section name → line of its heading
}

// parseCard parses one card file. Problems go to ps; the card is returned even when it
// has problems so that cross-checks can still report on it.
func parseCard(path string, src []byte, ps *problems) *parsed {
	if !utf8.Valid(src) {
		ps.add(path, invalidUTF8Line(src), "invalid UTF-8 (save the file as UTF-8)")
		return nil
	}
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	fmSrc, body, bodyLine, ok := splitFrontMatter(src)
	if !ok {
		ps.add(path, 1, "no front matter (start the file with a line \"---\", the YAML keys, then another \"---\")")
		return nil
	}
	p := &parsed{card: &Card{Path: path}}
	p.fm = decodeFrontMatter(path, fmSrc, ps)
	fm := p.fm
	c := p.card
	c.ID, c.Title, c.Kind, c.Level, c.Topic = fm.ID, fm.Title, fm.Kind, fm.Level, fm.Topic
	c.Tags, c.Labs, c.Related, c.Aliases, c.Case = fm.Tags, fm.Labs, fm.Related, fm.Aliases, fm.Case
	if fm.Round != nil {
		c.Round = *fm.Round
	}
	p.parseBody(body, bodyLine, ps)
	return p
}

func invalidUTF8Line(src []byte) int {
	line := 1
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		src = src[size:]
	}
	return line
}

// splitFrontMatter splits "---\nYAML\n---\nBODY"; bodyLine is the 1-based line of BODY.
func splitFrontMatter(src []byte) (fm, body []byte, bodyLine int, ok bool) {
	if !bytes.HasPrefix(src, []byte("---\n")) {
		return nil, nil, 0, false
	}
	rest := src[4:]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		if bytes.HasSuffix(rest, []byte("\n---")) {
			end = len(rest) - 4
		} else {
			return nil, nil, 0, false
		}
	}
	fm = rest[:end+1]
	body = rest[min(len(rest), end+5):]
	return fm, body, bytes.Count(fm, []byte("\n")) + 3, true
}

func decodeFrontMatter(path string, src []byte, ps *problems) frontMatter {
	fm := frontMatter{lines: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		ps.add(path, 2, "front matter is not valid YAML: %v", err)
		return fm
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		ps.add(path, 2, "front matter must be YAML keys and values (id: …, title: …)")
		return fm
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + 1 // the YAML starts on line 2
		if _, known := frontMatterKeys[k.Value]; !known {
			ps.add(path, line, "unknown key %q (allowed: id, title, kind, level, topic, tags, labs, related, aliases, case, round)", k.Value)
			continue
		}
		if _, dup := fm.lines[k.Value]; dup {
			ps.add(path, line, "key %q given twice (keep one)", k.Value)
			continue
		}
		fm.lines[k.Value] = line
		var err error
		switch k.Value {
		case "id":
			err = decodeString(v, &fm.ID)
		case "title":
			err = decodeString(v, &fm.Title)
		case "kind":
			err = decodeString(v, &fm.Kind)
		case "level":
			err = decodeString(v, &fm.Level)
		case "topic":
			err = decodeString(v, &fm.Topic)
		case "case":
			err = decodeString(v, &fm.Case)
		case "tags":
			err = decodeList(v, &fm.Tags)
		case "labs":
			err = decodeList(v, &fm.Labs)
		case "related":
			err = decodeList(v, &fm.Related)
		case "aliases":
			err = decodeList(v, &fm.Aliases)
		case "round":
			var n int
			if v.Kind != yaml.ScalarNode || v.Decode(&n) != nil || n < 0 {
				err = fmt.Errorf("round must be a whole number, 0 for the base round")
			} else {
				fm.Round = &n
			}
		}
		if err != nil {
			ps.add(path, line, "%s", err)
		}
	}
	for key, required := range frontMatterKeys {
		if _, ok := fm.lines[key]; required && !ok {
			ps.add(path, 1, "missing key %q in the front matter (see content/README.md)", key)
		}
	}
	return fm
}

func decodeString(v *yaml.Node, dst *string) error {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return fmt.Errorf("expected a single value on one line, e.g. `key: value`")
	}
	*dst = strings.TrimSpace(v.Value)
	if *dst == "" {
		return fmt.Errorf("the value is empty")
	}
	return nil
}

func decodeList(v *yaml.Node, dst *[]string) error {
	if v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return fmt.Errorf("expected a list, e.g. [a, b]")
	}
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || strings.TrimSpace(e.Value) == "" {
			return fmt.Errorf("list items must be single non-empty values, e.g. [a, b]")
		}
		*dst = append(*dst, strings.TrimSpace(e.Value))
	}
	return nil
}

// rawSection is a part of markdown under one heading.
type rawSection struct {
	name string
	line int // line of the heading
	body []byte
	from int // line of the first body line
}

// splitSections splits md at headings of the given level ("##" or "###") outside fenced
// code. Text before the first heading is returned as a section with an empty name.
func splitSections(md []byte, firstLine int, marker string) []rawSection {
	var out []rawSection
	cur := rawSection{line: firstLine, from: firstLine}
	var fence string
	lines := strings.SplitAfter(string(md), "\n")
	for i, l := range lines {
		n := firstLine + i
		trim := strings.TrimLeft(l, " ")
		if fence != "" {
			if strings.HasPrefix(strings.TrimSpace(l), fence) && strings.Trim(strings.TrimSpace(l), fence[:1]) == "" {
				fence = ""
			}
		} else if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fence = trim[:3]
			for len(fence) < len(trim) && trim[len(fence)] == fence[0] {
				fence += fence[:1]
			}
		} else if strings.HasPrefix(l, marker+" ") {
			out = append(out, cur)
			cur = rawSection{name: strings.TrimSpace(l[len(marker):]), line: n, from: n + 1}
			continue
		}
		cur.body = append(cur.body, l...)
	}
	return append(out, cur)
}

// blank reports whether b has nothing but white space.
func blank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// parseBody splits the body into sections and renders them.
func (p *parsed) parseBody(body []byte, bodyLine int, ps *problems) {
	c := p.card
	sections := splitSections(body, bodyLine, "##")
	if pre := sections[0]; !blank(pre.body) {
		line := pre.from + firstNonBlankLine(pre.body)
		if bytes.HasPrefix(bytes.TrimSpace(pre.body), []byte("# ")) {
			ps.add(c.Path, line, "no \"#\" heading in a card (the title comes from the front matter; sections start with \"## \")")
		} else {
			ps.add(c.Path, line, "text before the first section (put it under a \"## \" heading)")
		}
	}
	p.sectionLines = map[string]int{}
	for _, s := range sections[1:] {
		if _, dup := p.sectionLines[s.name]; !dup {
			p.sectionLines[s.name] = s.line
		}
		if s.name == "Follow-ups" {
			p.parseFollowUps(s, ps)
			c.Sections = append(c.Sections, Section{Name: s.name, ID: anchor(s.name)})
			continue
		}
		html, text, doc := p.renderSection(s, ps)
		if s.name == "Key points" {
			p.keyPoints(doc, s, ps)
		}
		sec := Section{Name: s.name, ID: anchor(s.name), HTML: html, Text: text}
		c.Sections = append(c.Sections, sec)
	}
}

func firstNonBlankLine(b []byte) int {
	for i, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	return 0
}

// renderSection renders one section and records its links. It returns the parsed
// section too, for callers that look inside it.
func (p *parsed) renderSection(s rawSection, ps *problems) (template.HTML, string, ast.Node) {
	doc := parseMarkdown(s.body)
	p.collectLinks(doc, s)
	html, err := renderNode(doc, s.body)
	if err != nil {
		ps.add(p.card.Path, s.line, "cannot render: %v", err)
	}
	return html, plainText(doc, s.body), doc
}

func (p *parsed) collectLinks(doc ast.Node, s rawSection) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		l, ok := n.(*ast.Link)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		dest := string(l.Destination)
		if strings.HasPrefix(dest, "/cards/") || strings.HasPrefix(dest, "/labs/") {
			p.links = append(p.links, link{line: s.from + lineOf(l, s.body), target: dest})
		}
		return ast.WalkContinue, nil
	})
}

// lineOf returns the 0-based line within src where n's text starts.
func lineOf(n ast.Node, src []byte) int {
	for c := n; c != nil; c = c.FirstChild() {
		if t, ok := c.(*ast.Text); ok {
			return bytes.Count(src[:t.Segment.Start], []byte("\n"))
		}
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			return bytes.Count(src[:c.Lines().At(0).Start], []byte("\n"))
		}
	}
	if p := n.Parent(); p != nil && p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
		return bytes.Count(src[:p.Lines().At(0).Start], []byte("\n"))
	}
	return 0
}

// keyPoints collects the bullets of the Key points section, parsed as doc.
func (p *parsed) keyPoints(doc ast.Node, s rawSection, ps *problems) {
	var list ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() == ast.KindList {
			list = n
			break
		}
	}
	if list == nil {
		ps.add(p.card.Path, s.line, "Key points must be a bullet list (\"- point\" a line)")
		return
	}
	for li := list.FirstChild(); li != nil; li = li.NextSibling() {
		var b strings.Builder
		for c := li.FirstChild(); c != nil; c = c.NextSibling() {
			h, _ := renderNode(c, s.body)
			b.WriteString(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(string(h)), "<p>"), "</p>"))
		}
		p.card.KeyPoints = append(p.card.KeyPoints, template.HTML(b.String()))
	}
}

func (p *parsed) parseFollowUps(s rawSection, ps *problems) {
	parts := splitSections(s.body, s.from, "###")
	if !blank(parts[0].body) {
		ps.add(p.card.Path, parts[0].from+firstNonBlankLine(parts[0].body), "text under Follow-ups before the first question (each follow-up is a \"### question\" with its answer below)")
	}
	for _, q := range parts[1:] {
		if blank(q.body) {
			ps.add(p.card.Path, q.line, "follow-up %q has no answer (write it under the ### heading)", q.name)
		}
		html, text, _ := p.renderSection(q, ps)
		p.card.FollowUps = append(p.card.FollowUps, FollowUp{Question: q.name, HTML: html, Text: text})
	}
	if len(parts) == 1 {
		ps.add(p.card.Path, s.line, "Follow-ups has no questions (add \"### question\" headings with answers)")
	}
}

// anchor turns a section name into its HTML id: "Key points" → "key-points".
func anchor(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
