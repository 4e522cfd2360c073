package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestAssessmentSimilarity submits, for one lab, a correct solution (ada), a copy of it
// with its names changed, comments added and lines re-indented (bea), and an
// independent correct solution (cal): the report must pair ada and bea, and only them,
// with the shared lines marked side by side on the page.
func TestAssessmentSimilarity(t *testing.T) {
	e := newAssessEnv(t)
	aid, ids, tokens := e.setup(t)
	code, body := e.call(t, "bo", "POST", "/api/assessments/"+itoa(aid)+"/invites", `{"label":"cal"}`)
	if code != 201 {
		t.Fatalf("invite: %d %s", code, body)
	}
	var iv struct {
		ID  int64
		URL string
	}
	decode(t, body, &iv)
	cal := tokenInURL.FindStringSubmatch(iv.URL)[1]

	l, err := e.srv.labs.Lab("shortener")
	if err != nil {
		t.Fatal(err)
	}
	fx := map[string]map[string]string{}
	for _, f := range l.Fixtures {
		fx[f.Name] = l.Submission(f)
	}
	orig := fx["ok-lookup-table"]
	copied := map[string]string{}
	ident := regexp.MustCompile(`\b[a-z][A-Za-z0-9]*\b`)
	keep := map[string]bool{}
	for _, k := range strings.Fields("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var") {
		keep[k] = true
	}
	for name, src := range orig {
		src = ident.ReplaceAllStringFunc(src, func(w string) string {
			if keep[w] {
				return w
			}
			return "my" + strings.ToUpper(w[:1]) + w[1:]
		})
		src = strings.ReplaceAll(src, "\t", "    ")
		src = strings.ReplaceAll(src, "\nfunc ", "\n// my own helper\n\nfunc ")
		copied[name] = src
	}
	submit := func(token string, files map[string]string) {
		t.Helper()
		e.call(t, "", "POST", "/api/a/"+token+"/start", `{}`)
		b, _ := json.Marshal(map[string]any{"files": files})
		if code, body := e.call(t, "", "POST", "/api/a/"+token+"/labs/shortener/submissions", string(b)); code != 200 {
			t.Fatalf("submit: %d %s", code, body)
		}
	}
	submit(tokens[0], orig)
	submit(tokens[1], copied)
	submit(cal, fx["ok-recursive"])

	code, body = e.call(t, "bo", "GET", "/api/assessments/"+itoa(aid)+"/report", "")
	if code != 200 {
		t.Fatalf("report: %d %s", code, body)
	}
	var rep struct {
		Similarity []similarPairJSON
	}
	decode(t, body, &rep)
	if len(rep.Similarity) != 1 {
		t.Fatalf("similar pairs %+v, want ada and bea only", rep.Similarity)
	}
	p := rep.Similarity[0]
	t.Logf("ada/bea: %.1f%%", p.Score)
	if p.Lab != "shortener" || p.A != ids[0] || p.B != ids[1] || p.ALabel != "ada" || p.BLabel != "bea" || p.Score < 50 || len(p.RegionsA) == 0 || len(p.RegionsB) == 0 {
		t.Errorf("pair %+v", p)
	}

	code, page := e.call(t, "bo", "GET", "/assessments/"+itoa(aid), "")
	if code != 200 {
		t.Fatalf("page: %d %.500s", code, page)
	}
	for _, want := range []string{`data-pair="` + itoa(ids[0]) + "-" + itoa(ids[1]) + `"`, `<mark class="shared">`, `class="side-by-side"`, "// my own helper"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `data-pair="`+itoa(iv.ID)) || strings.Contains(page, "-"+itoa(iv.ID)+`"`) {
		t.Error("the independent solution is paired")
	}
}
