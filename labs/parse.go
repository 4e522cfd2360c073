package labs

import (
	"fmt"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"prep"
)

var (
	slugRE     = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	cardIDRE   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	goNameRE   = regexp.MustCompile(`^[A-Za-z0-9_]+\.go$`)
	cardLinkRE = regexp.MustCompile(`/cards/([A-Za-z0-9_-]+)`)
	// fixtureNameRE is a fixture directory's name: wrong-* or ok-*.
	fixtureNameRE = regexp.MustCompile(`^(wrong|ok)-[a-z0-9]+(-[a-z0-9]+)*$`)
	identRE       = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// Parse reads and validates one lab archive. origin names it in problems (for example
// "labs/lru.txtar"); the slug must equal the file's base name without ".txtar". It returns
// every problem at once; the lab is nil if there is any.
func Parse(origin string, data []byte) (*Lab, prep.Problems) {
	p := &parseState{origin: origin, lab: &Lab{Origin: origin, Limits: DefaultLimits()}}
	_, files := parseTxtar(data)
	p.files(files)
	if p.yamlFile == nil {
		p.add(0, "missing lab.yaml (add a \"-- lab.yaml --\" section with slug, title, level, package, summary)")
	} else {
		p.meta(p.yamlFile)
	}
	wantSlug := strings.TrimSuffix(path.Base(origin), ".txtar")
	if p.lab.Slug != "" && p.lab.Slug != wantSlug {
		p.add(p.slugLine, "slug %q does not match the file name %s (rename the file or the slug)", p.lab.Slug, path.Base(origin))
	}
	p.goFiles()
	if len(p.problems) > 0 {
		return nil, p.problems.Sorted()
	}
	return p.lab, nil
}

// parseState gathers a lab and its problems while parsing.
type parseState struct {
	origin   string
	lab      *Lab
	problems prep.Problems
	yamlFile *archiveFile
	slugLine int
	fset     *token.FileSet
}

func (p *parseState) add(line int, format string, args ...any) {
	p.problems = append(p.problems, prep.Problem{Path: p.origin, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// files sorts the archive's entries into the lab's parts.
func (p *parseState) files(files []archiveFile) {
	seen := map[string]int{}
	var statement *archiveFile
	for i := range files {
		f := &files[i]
		if prev, ok := seen[f.name]; ok {
			p.add(f.line, "%s appears twice (first at line %d); keep one", f.name, prev)
			continue
		}
		seen[f.name] = f.line
		dir, base := path.Split(f.name)
		file := File{Name: base, Path: f.name, Line: f.line, Src: f.data}
		switch {
		case f.name == "lab.yaml":
			p.yamlFile = f
			continue
		case f.name == "statement.md":
			statement = f
			continue
		case dir == "" || !goNameRE.MatchString(base):
			p.add(f.line, "unexpected file %s (a lab holds lab.yaml, statement.md, starter/*.go, solution/*.go, public/*_test.go, hidden/*_test.go, perf/*.go and fixtures/{wrong,ok}-NAME/*.go)", f.name)
			continue
		}
		isTest := strings.HasSuffix(base, "_test.go")
		if strings.HasPrefix(dir, "fixtures/") {
			p.fixture(file, strings.TrimSuffix(strings.TrimPrefix(dir, "fixtures/"), "/"), isTest)
			continue
		}
		switch dir {
		case "starter/", "solution/", "perf/":
			if isTest {
				p.add(f.line, "%s is a test file; tests go under public/ or hidden/", f.name)
				continue
			}
		case "public/", "hidden/":
			if !isTest {
				p.add(f.line, "%s must end in _test.go (tests are internal tests of the lab's package)", f.name)
				continue
			}
		}
		switch dir {
		case "starter/":
			p.lab.Starter = append(p.lab.Starter, file)
		case "solution/":
			p.lab.Solution = append(p.lab.Solution, file)
		case "public/":
			p.lab.Public = append(p.lab.Public, file)
		case "hidden/":
			p.lab.Hidden = append(p.lab.Hidden, file)
		case "perf/":
			p.lab.Perf = append(p.lab.Perf, file)
		default:
			p.add(f.line, "unexpected file %s (Go files go under starter/, solution/, public/, hidden/ or perf/)", f.name)
		}
	}
	if statement == nil || strings.TrimSpace(statement.data) == "" {
		p.add(0, "missing or empty statement.md (add a \"-- statement.md --\" section describing the task)")
	} else {
		p.lab.Statement = statement.data
		for i, line := range strings.Split(statement.data, "\n") {
			for _, m := range cardLinkRE.FindAllStringSubmatch(line, -1) {
				p.lab.cardRefs = append(p.lab.cardRefs, CardRef{ID: m[1], Path: p.origin, Line: statement.line + 1 + i})
			}
		}
	}
	for _, need := range []struct {
		files []File
		what  string
	}{
		{p.lab.Starter, "starter/*.go (the code the candidate starts from)"},
		{p.lab.Solution, "solution/*.go (the reference solution)"},
		{p.lab.Public, "public/*_test.go (the tests the candidate can run)"},
		{p.lab.Hidden, "hidden/*_test.go (the tests run on submit)"},
	} {
		if len(need.files) == 0 {
			p.add(0, "no %s", need.what)
		}
	}
	p.checkFixtures()
	// Hidden tests share the package directory with public ones; a clashing name gets a
	// _hidden suffix so both engines see distinct files.
	public := map[string]bool{}
	for _, f := range p.lab.Public {
		public[f.Name] = true
	}
	for i, f := range p.lab.Hidden {
		if public[f.Name] {
			p.lab.Hidden[i].Name = strings.TrimSuffix(f.Name, "_test.go") + "_hidden_test.go"
		}
	}
}

// fixture adds a file of fixtures/NAME/ to its fixture.
func (p *parseState) fixture(f File, name string, isTest bool) {
	switch {
	case !fixtureNameRE.MatchString(name):
		p.add(f.Line, "fixture directory %q must be named wrong-NAME (a wrong solution the tests must fail) or ok-NAME (a correct one that must pass), lowercase-with-dashes", name)
		return
	case isTest:
		p.add(f.Line, "%s is a test file; a fixture holds only solution files named like the starter's", f.Path)
		return
	}
	for i := range p.lab.Fixtures {
		if p.lab.Fixtures[i].Name == name {
			p.lab.Fixtures[i].Files = append(p.lab.Fixtures[i].Files, f)
			return
		}
	}
	p.lab.Fixtures = append(p.lab.Fixtures, Fixture{Name: name, Wrong: strings.HasPrefix(name, "wrong-"), Note: fixtureNote(f.Src), Files: []File{f}})
}

// checkFixtures reports fixture files that are not named like a starter file (they
// would be extra files, not a submission).
func (p *parseState) checkFixtures() {
	starter := map[string]bool{}
	for _, f := range p.lab.Starter {
		starter[f.Name] = true
	}
	for _, fx := range p.lab.Fixtures {
		for _, f := range fx.Files {
			if !starter[f.Name] {
				p.add(f.Line, "%s: a fixture's files replace starter files, and there is no starter/%s", f.Path, f.Name)
			}
		}
	}
}

// fixtureNote is the text of a fixture's first line comment: what it gets wrong or
// how it differs from the reference.
func fixtureNote(src string) string {
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "//"); ok {
			return strings.TrimSpace(rest)
		}
		return ""
	}
	return ""
}

// meta parses lab.yaml.
func (p *parseState) meta(f *archiveFile) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(f.data), &doc); err != nil {
		p.add(f.line, "lab.yaml: %v", err)
		return
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.add(f.line, "lab.yaml must be a mapping of keys (slug, title, level, package, summary, cards, limits, perf)")
		return
	}
	line := func(n *yaml.Node) int { return f.line + n.Line }
	str := func(n *yaml.Node, key string) string {
		if n.Kind != yaml.ScalarNode {
			p.add(line(n), "%s must be a string", key)
			return ""
		}
		return strings.TrimSpace(n.Value)
	}
	seen := map[string]bool{}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		seen[k.Value] = true
		switch k.Value {
		case "slug":
			p.lab.Slug, p.slugLine = str(v, "slug"), line(v)
			if p.lab.Slug != "" && !slugRE.MatchString(p.lab.Slug) {
				p.add(line(v), "bad slug %q (lowercase letters, digits and dashes, e.g. token-bucket)", p.lab.Slug)
			}
		case "title":
			p.lab.Title = str(v, "title")
		case "level":
			p.lab.Level = str(v, "level")
			if !contains(Levels, p.lab.Level) {
				p.add(line(v), "level %q is not one of %s", p.lab.Level, strings.Join(Levels, ", "))
			}
		case "package":
			p.lab.Package = str(v, "package")
			if !identRE.MatchString(p.lab.Package) || p.lab.Package == "main" || token.IsKeyword(p.lab.Package) {
				p.add(line(v), "package %q must be a Go identifier other than main (e.g. lru)", p.lab.Package)
			}
		case "summary":
			p.lab.Summary = str(v, "summary")
		case "cards":
			if v.Kind != yaml.SequenceNode {
				p.add(line(v), "cards must be a list of card ids, e.g. [cache-write-strategies]")
				continue
			}
			for _, c := range v.Content {
				id := str(c, "a card id")
				if !cardIDRE.MatchString(id) {
					p.add(line(c), "bad card id %q (lowercase letters, digits and dashes)", id)
					continue
				}
				p.lab.Cards = append(p.lab.Cards, id)
				p.lab.cardRefs = append(p.lab.cardRefs, CardRef{ID: id, Path: p.origin, Line: line(c)})
			}
		case "limits":
			p.limits(v, line)
		case "perf":
			p.perf(v, line)
		default:
			p.add(line(k), "unknown key %q in lab.yaml (known: slug, title, level, package, summary, cards, limits, perf)", k.Value)
		}
	}
	for _, key := range []string{"slug", "title", "level", "package", "summary"} {
		if !seen[key] {
			p.add(f.line, "lab.yaml: missing %s (add \"%s: ...\")", key, key)
		} else if key != "slug" && key != "level" && key != "package" {
			if (key == "title" && p.lab.Title == "") || (key == "summary" && p.lab.Summary == "") {
				p.add(f.line, "lab.yaml: %s is empty", key)
			}
		}
	}
}

// limits parses lab.yaml's limits mapping, holding each within the hard maxima.
func (p *parseState) limits(v *yaml.Node, line func(*yaml.Node) int) {
	if v.Kind != yaml.MappingNode {
		p.add(line(v), "limits must be a mapping (wall, test, memory_mb, output_kb)")
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "wall":
			p.lab.Limits.Wall = p.duration(val, line, "limits.wall", MaxWall)
		case "test":
			p.lab.Limits.Test = p.duration(val, line, "limits.test", MaxTest)
		case "memory_mb":
			p.lab.Limits.MemoryMB = p.integer(val, line, "limits.memory_mb", 16, MaxMemoryMB)
		case "output_kb":
			p.lab.Limits.OutputKB = p.integer(val, line, "limits.output_kb", 1, MaxOutputKB)
		default:
			p.add(line(k), "unknown key %q in limits (known: wall, test, memory_mb, output_kb)", k.Value)
		}
	}
	p.lab.Limits = p.lab.Limits.Clamp()
	if p.lab.Limits.Test > p.lab.Limits.Wall {
		p.add(line(v), "limits.test (%v) is longer than limits.wall (%v)", p.lab.Limits.Test, p.lab.Limits.Wall)
	}
}

// perf parses lab.yaml's perf list.
func (p *parseState) perf(v *yaml.Node, line func(*yaml.Node) int) {
	if v.Kind != yaml.SequenceNode {
		p.add(line(v), "perf must be a list of performance tests (name, func, sizes, max_ratio, max_growth, cap)")
		return
	}
	names := map[string]bool{}
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			p.add(line(item), "a perf entry must be a mapping (name, func, sizes, max_ratio, max_growth, cap)")
			continue
		}
		spec := PerfSpec{Cap: DefaultPerfCap}
		seen := map[string]bool{}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, val := item.Content[i], item.Content[i+1]
			seen[k.Value] = true
			switch k.Value {
			case "name":
				spec.Name = strings.TrimSpace(val.Value)
				if !strings.HasPrefix(spec.Name, "Test") || !identRE.MatchString(spec.Name) {
					p.add(line(val), "perf name %q must look like a test name, e.g. TestPerfGetPut", spec.Name)
				} else if names[spec.Name] {
					p.add(line(val), "perf name %s is used twice", spec.Name)
				}
				names[spec.Name] = true
			case "func":
				spec.Func = strings.TrimSpace(val.Value)
			case "sizes":
				if val.Kind != yaml.SequenceNode || len(val.Content) != 2 {
					p.add(line(val), "sizes must list two sizes, small then large, e.g. [512, 8192]")
					continue
				}
				for _, s := range val.Content {
					spec.Sizes = append(spec.Sizes, p.integer(s, line, "a size", 1, MaxPerfSize))
				}
				if len(spec.Sizes) == 2 && spec.Sizes[0] >= spec.Sizes[1] {
					p.add(line(val), "sizes must be small then large (got %v)", spec.Sizes)
				}
			case "max_ratio":
				spec.MaxRatio = p.float(val, line, "max_ratio", 1, 1000)
			case "max_growth":
				spec.MaxGrowth = p.float(val, line, "max_growth", 1, 1_000_000)
			case "cap":
				spec.Cap = p.duration(val, line, "cap", MaxPerfCap)
			default:
				p.add(line(k), "unknown key %q in a perf entry (known: name, func, sizes, max_ratio, max_growth, cap)", k.Value)
			}
		}
		for _, key := range []string{"name", "func", "sizes", "max_ratio", "max_growth"} {
			if !seen[key] {
				p.add(line(item), "perf entry: missing %s", key)
			}
		}
		p.lab.PerfTests = append(p.lab.PerfTests, spec)
	}
}

func (p *parseState) duration(v *yaml.Node, line func(*yaml.Node) int, key string, max time.Duration) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v.Value))
	if err != nil || d <= 0 {
		p.add(line(v), "%s: %q is not a positive duration (write e.g. 2s or 500ms)", key, v.Value)
		return 0
	}
	if d > max {
		p.add(line(v), "%s: %v is over the grader's maximum of %v", key, d, max)
		return max
	}
	return d
}

func (p *parseState) integer(v *yaml.Node, line func(*yaml.Node) int, key string, lo, hi int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v.Value))
	if err != nil {
		p.add(line(v), "%s: %q is not a whole number", key, v.Value)
		return 0
	}
	if n < lo || n > hi {
		p.add(line(v), "%s: %d is outside %d..%d (the grader's hard limits)", key, n, lo, hi)
		return max(lo, min(n, hi))
	}
	return n
}

func (p *parseState) float(v *yaml.Node, line func(*yaml.Node) int, key string, lo, hi float64) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(v.Value), 64)
	if err != nil {
		p.add(line(v), "%s: %q is not a number", key, v.Value)
		return 0
	}
	if f < lo || f > hi {
		p.add(line(v), "%s: %v is outside %v..%v", key, f, lo, hi)
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
