package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"prep/content/search"
)

// runSearch reads a search from the query parameters: q, advanced, size and the filters.
func (s *Server) runSearch(c echo.Context) (search.Query, *search.Results, error) {
	f, err := s.parseFilter(c)
	if err != nil {
		return search.Query{}, nil, err
	}
	size, _ := strconv.Atoi(c.QueryParam("size"))
	adv, _ := strconv.ParseBool(c.QueryParam("advanced"))
	q := search.Query{Text: c.QueryParam("q"), Advanced: adv, Kind: f.Kind, Level: f.Level, Topic: f.Topic, Tag: f.Tag, Size: size}
	res, err := s.search.Search(q)
	return q, res, err
}

func (s *Server) searchPage(c echo.Context) error {
	q, res, err := s.runSearch(c)
	if err != nil {
		return err
	}
	return s.ok(c, "search", map[string]any{"Title": "Search: " + q.Text, "Query": q, "Results": res})
}

func (s *Server) apiSearch(c echo.Context) error {
	q, res, err := s.runSearch(c)
	if err != nil {
		return err
	}
	type hit struct {
		ID      string  `json:"id"`
		Title   string  `json:"title"`
		Kind    string  `json:"kind"`
		Level   string  `json:"level"`
		Topic   string  `json:"topic"`
		Score   float64 `json:"score"`
		Snippet string  `json:"snippet"`
		URL     string  `json:"url"`
	}
	type count struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	}
	out := struct {
		Query  string             `json:"query"`
		Total  uint64             `json:"total"`
		Fuzzy  bool               `json:"fuzzy"`
		Hits   []hit              `json:"hits"`
		Facets map[string][]count `json:"facets"`
	}{Query: q.Text, Total: res.Total, Fuzzy: res.Fuzzy, Hits: []hit{}, Facets: map[string][]count{}}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hit{h.ID, h.Title, h.Kind, h.Level, h.Topic, h.Score, string(h.Snippet), "/cards/" + h.ID})
	}
	for name, fc := range res.Facets {
		for _, f := range fc {
			out.Facets[name] = append(out.Facets[name], count{f.Value, f.Count})
		}
	}
	return c.JSON(http.StatusOK, out)
}
