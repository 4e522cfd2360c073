package search

// JSON is the shape search results take in `prep search --json` and `GET /api/search`,
// one shape for both (README "Search"). Keys are lower-case; hits is never null.
type JSON struct {
	Query     string                 `json:"query"`
	Total     uint64                 `json:"total"`
	Page      int                    `json:"page"`
	Size      int                    `json:"size"`
	Pages     int                    `json:"pages"`
	Fuzzy     bool                   `json:"fuzzy"`               // a misspelt word was corrected
	Corrected string                 `json:"corrected,omitempty"` // the query that ran, when fuzzy
	Hits      []JSONHit              `json:"hits"`
	Facets    map[string][]JSONCount `json:"facets"`
}

// JSONHit is one hit in JSON.
type JSONHit struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Kind    string  `json:"kind"`
	Level   string  `json:"level"`
	Topic   string  `json:"topic"`
	Score   float64 `json:"score"`
	Snippet string  `json:"snippet"` // HTML: escaped text with <mark> around matches
	URL     string  `json:"url"`     // path of the card page
}

// JSONCount is one facet value in JSON.
type JSONCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// JSON returns r in the JSON shape, for query text.
func (r *Results) JSON(text string) JSON {
	out := JSON{Query: text, Total: r.Total, Page: r.Page, Size: r.Size, Pages: r.Pages(), Fuzzy: r.Fuzzy, Corrected: r.Corrected,
		Hits: []JSONHit{}, Facets: map[string][]JSONCount{}}
	for _, h := range r.Hits {
		out.Hits = append(out.Hits, JSONHit{h.ID, h.Title, h.Kind, h.Level, h.Topic, h.Score, string(h.Snippet), "/cards/" + h.ID})
	}
	for name, fc := range r.Facets {
		for _, f := range fc {
			out.Facets[name] = append(out.Facets[name], JSONCount{f.Value, f.Count})
		}
	}
	return out
}
