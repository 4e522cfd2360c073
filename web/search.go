package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/content/search"
)

// searchParams reads a search from the query parameters: q, advanced, page, size and
// the filters. A malformed number is a prep.Invalid error naming the parameter.
func (s *Server) searchParams(c echo.Context) (search.Query, error) {
	q := search.Query{Text: c.QueryParam("q")}
	q.Advanced, _ = strconv.ParseBool(c.QueryParam("advanced"))
	f, err := s.parseFilter(c)
	q.Kind, q.Level, q.Topic, q.Tag = f.Kind, f.Level, f.Topic, f.Tag
	if err != nil {
		return q, err
	}
	for _, p := range []struct {
		name string
		into *int
	}{{"page", &q.Page}, {"size", &q.Size}} {
		v := c.QueryParam(p.name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, prep.Errorf(prep.Invalid, "search", "%s must be a whole number from 1, not %q", p.name, v)
		}
		*p.into = n
	}
	return q, nil
}

// searchView is what search.html shows beside the results.
type searchView struct {
	Problem    string // what is wrong with the query, shown next to the box
	Prompt     bool   // no words and no filters: explain instead of listing every card
	Start      int    // number of the first hit on the page
	Prev, Next string // URLs of the neighbouring pages, "" at either end
	Help       string
	Examples   []struct{ Query, Finds string }
}

func (s *Server) searchPage(c echo.Context) error {
	q, err := s.searchParams(c)
	v := searchView{Help: search.AdvancedHelp, Examples: search.AdvancedExamples}
	data := map[string]any{"Title": "Search", "Query": q, "View": &v}
	if strings.TrimSpace(q.Text) != "" {
		data["Title"] = "Search: " + q.Text
	}
	var res *search.Results
	if err == nil {
		if strings.TrimSpace(q.Text) == "" && !q.Filtered() {
			v.Prompt = true
			return s.ok(c, "search", data)
		}
		res, err = s.search.Search(q)
	}
	if err != nil {
		if prep.KindOf(err) != prep.Invalid {
			return err
		}
		// The page again, with the query kept and the problem next to the box.
		v.Problem = prep.Message(err)
		return s.render(c, http.StatusBadRequest, "search", data)
	}
	data["Results"] = res
	v.Start = (res.Page-1)*res.Size + 1
	page := func(n int) string {
		adv := ""
		if q.Advanced {
			adv = "1"
		}
		size := ""
		if c.QueryParam("size") != "" {
			size = strconv.Itoa(res.Size)
		}
		return pageURL("/search", "q", q.Text, "advanced", adv, "kind", q.Kind, "level", q.Level, "topic", q.Topic, "tag", q.Tag, "size", size, "page", strconv.Itoa(n))
	}
	if res.Page > 1 {
		v.Prev = page(res.Page - 1)
	}
	if res.Page < res.Pages() {
		v.Next = page(res.Page + 1)
	}
	return s.ok(c, "search", data)
}

// pageURL builds base?k=v&… from pairs, skipping empty values.
func pageURL(base string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return base + "?" + v.Encode()
}

// apiSearch answers GET /api/search in search.JSON, the shape `prep search --json`
// prints. A query with neither words nor filters is a 400 saying what to type.
func (s *Server) apiSearch(c echo.Context) error {
	q, err := s.searchParams(c)
	if err != nil {
		return err
	}
	res, err := s.search.Search(q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res.JSON(q.Text))
}
