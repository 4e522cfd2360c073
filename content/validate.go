package content

import (
	"fmt"
	"slices"
	"strings"
)

// frontSections maps each kind to its required sections in order; the first is the
// front of the card.
var requiredSections = map[string][]string{
	KindConcept:   {"Question", "Answer", "Key points", "Follow-ups"},
	KindDesign:    {"Question", "Answer", "Key points", "Follow-ups"},
	KindScenario:  {"Question", "Answer", "Key points", "Follow-ups"},
	KindCaseStudy: {"Question", "Answer", "Key points", "Follow-ups"},
	KindIncident:  {"Scenario", "Diagnosis", "Root cause", "Mitigate now", "Fix for good", "Prevent", "Key points", "Follow-ups"},
}

// optionalSections may appear in a card of any kind.
var optionalSections = []string{"Pitfalls", "Numbers", "Further practice"}

// checkCard checks what can be checked of one card on its own. folder and file are the
// card's directory and file names.
func checkCard(p *parsed, folder, file string, l *Library, ps *problems) {
	c, fm := p.card, p.fm
	if !idPattern.MatchString(c.ID) {
		ps.add(c.Path, fm.lines["id"], "id %q must be kebab-case: lower-case letters, digits and single dashes", c.ID)
	} else if file != c.ID+".md" {
		ps.add(c.Path, fm.lines["id"], "file name %q does not match id %q (rename the file to %s.md)", file, c.ID, c.ID)
	}
	if c.Topic != "" {
		if _, ok := l.Topic(c.Topic); !ok {
			ps.add(c.Path, fm.lines["topic"], "unknown topic %q (use one of: %s, or add it to topics.yaml)", c.Topic, strings.Join(l.TopicIDs(), ", "))
		} else if folder != c.Topic {
			ps.add(c.Path, fm.lines["topic"], "topic %q does not match the folder %q (move the file to %s/)", c.Topic, folder, c.Topic)
		}
	}
	if c.Kind != "" && !slices.Contains(Kinds, c.Kind) {
		ps.add(c.Path, fm.lines["kind"], "invalid kind %q (use one of: %s)", c.Kind, strings.Join(Kinds, ", "))
	}
	if c.Level != "" && !slices.Contains(Levels, c.Level) {
		ps.add(c.Path, fm.lines["level"], "invalid level %q (use one of: %s)", c.Level, strings.Join(Levels, ", "))
	}
	for _, t := range c.Tags {
		if !idPattern.MatchString(t) {
			ps.add(c.Path, fm.lines["tags"], "tag %q must be kebab-case (a-z, 0-9, dashes)", t)
		}
	}
	checkAliases(c, fm.lines["aliases"], ps)
	if c.Kind == KindCaseStudy {
		if fm.Case == "" {
			ps.add(c.Path, 1, "missing key \"case\": a case-study card names its case (see cases.yaml)")
		}
		if fm.Round == nil {
			ps.add(c.Path, 1, "missing key \"round\": a case-study card names its round (0 for the base round)")
		}
	} else {
		for _, k := range []string{"case", "round"} {
			if line, ok := fm.lines[k]; ok {
				ps.add(c.Path, line, "key %q belongs only to case-study cards (remove it, or set kind: case-study)", k)
			}
		}
	}
	checkSections(p, ps)
}

// checkSections checks headings against the kind, then moves the front section to
// Prompt and drops the placeholder for Follow-ups, whose content is in FollowUps.
func checkSections(p *parsed, ps *problems) {
	c := p.card
	required, ok := requiredSections[c.Kind]
	if !ok {
		return // the kind is already reported
	}
	seen := map[string]bool{}
	next := 0 // index in required of the next section expected
	for _, s := range c.Sections {
		line := sectionLine(p, s.Name)
		switch {
		case seen[s.Name]:
			ps.add(c.Path, line, "section %q appears twice (merge them)", s.Name)
		case slices.Contains(required, s.Name):
			if i := slices.Index(required, s.Name); i < next {
				ps.add(c.Path, line, "section %q is out of order (for kind %s the order is: %s)", s.Name, c.Kind, strings.Join(required, ", "))
			} else {
				next = i + 1
			}
			if s.Name != "Follow-ups" && strings.TrimSpace(s.Text) == "" && s.HTML == "" {
				ps.add(c.Path, line, "section %q is empty", s.Name)
			}
		case slices.Contains(optionalSections, s.Name):
		default:
			ps.add(c.Path, line, "unknown section %q (a %s card has: %s; optional: %s)", s.Name, c.Kind, strings.Join(required, ", "), strings.Join(optionalSections, ", "))
		}
		seen[s.Name] = true
	}
	var missing []string
	for _, r := range required {
		if !seen[r] {
			missing = append(missing, "## "+r)
		}
	}
	if len(missing) > 0 {
		ps.add(c.Path, 0, "missing section%s %s (a %s card needs: %s)", plural(len(missing)), strings.Join(missing, ", "), c.Kind, strings.Join(required, ", "))
	}
	rest := c.Sections[:0:0]
	for _, s := range c.Sections {
		switch s.Name {
		case required[0]:
			c.Prompt = s
		case "Follow-ups":
		default:
			rest = append(rest, s)
		}
	}
	c.Sections = rest
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sectionLine finds the line of a section heading, for messages.
func sectionLine(p *parsed, name string) int {
	return p.sectionLines[name]
}

// crossCheck checks a card's references to other cards and labs.
func crossCheck(p *parsed, l *Library, opts Options, ps *problems) {
	c := p.card
	for _, r := range c.Related {
		switch {
		case r == c.ID:
			ps.add(c.Path, p.fm.lines["related"], "a card cannot be related to itself (remove %q)", r)
		case l.byID[r] == nil:
			ps.add(c.Path, p.fm.lines["related"], "related card %q does not exist (check the id, or remove it)", r)
		}
	}
	for _, s := range c.Labs {
		if !idPattern.MatchString(s) || opts.LabExists != nil && !opts.LabExists(s) {
			ps.add(c.Path, p.fm.lines["labs"], "lab %q does not exist (check the slug with \"prep lab list\", or remove it)", s)
		}
	}
	for _, ln := range p.links {
		kind, id, _ := strings.Cut(strings.TrimPrefix(ln.target, "/"), "/")
		id, _, _ = strings.Cut(id, "#")
		switch {
		case kind == "cards" && l.byID[id] == nil:
			ps.add(c.Path, ln.line, "link to card %q, which does not exist (fix the id in %s)", id, ln.target)
		case kind == "labs" && opts.LabExists != nil && !opts.LabExists(id):
			ps.add(c.Path, ln.line, "link to lab %q, which does not exist (fix the slug in %s)", id, ln.target)
		}
	}
}

// checkCases checks that cases.yaml and the cards' case/round agree.
func checkCases(l *Library, cards map[string]*parsed, ps *problems) {
	listed := map[string]string{} // card id → "case/round"
	for _, cs := range l.cases {
		for _, r := range cs.Rounds {
			for _, id := range r.Cards {
				where := fmt.Sprintf("%s round %d", cs.ID, r.Round)
				p := cards[id]
				switch {
				case p == nil:
					ps.add("content/cases.yaml", 0, "case %s lists card %q, which does not exist", where, id)
				case p.card.Case != cs.ID || p.card.Round != r.Round:
					ps.add(p.card.Path, p.fm.lines["case"], "cases.yaml lists this card in %s, but it says case %q round %d (make them agree)", where, p.card.Case, p.card.Round)
				}
				listed[id] = where
			}
		}
	}
	for id, p := range cards {
		if p.card.Kind != KindCaseStudy || p.card.Case == "" {
			continue
		}
		if _, ok := l.Case(p.card.Case); !ok {
			ps.add(p.card.Path, p.fm.lines["case"], "unknown case %q (declare it in cases.yaml)", p.card.Case)
		} else if _, ok := listed[id]; !ok {
			ps.add(p.card.Path, p.fm.lines["case"], "case %q does not list this card (add %q to round %d in cases.yaml)", p.card.Case, id, p.card.Round)
		}
	}
}

// maxAliasLen bounds an alias: it is another name, not a sentence.
const maxAliasLen = 60

// checkAliases rejects aliases that cannot help search: empty after trimming, longer than
// a name, repeated, or the same as the title (which is indexed already).
func checkAliases(c *Card, line int, ps *problems) {
	seen := map[string]bool{}
	for _, a := range c.Aliases {
		k := strings.ToLower(a)
		switch {
		case len([]rune(a)) > maxAliasLen:
			ps.add(c.Path, line, "alias %q is %d characters long; an alias is another name, at most %d", a, len([]rune(a)), maxAliasLen)
		case k == strings.ToLower(c.Title):
			ps.add(c.Path, line, "alias %q repeats the title (remove it: the title is searched already)", a)
		case seen[k]:
			ps.add(c.Path, line, "alias %q given twice (keep one)", a)
		}
		seen[k] = true
	}
}
