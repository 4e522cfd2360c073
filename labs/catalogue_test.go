package labs

import (
	"reflect"
	"testing"
)

func TestByTopic(t *testing.T) {
	topicOf := func(id string) string {
		return map[string]string{"c-cache": "caching", "c-db": "databases", "c-retry": "resilience"}[id]
	}
	lab := func(slug string, cards ...string) *Lab { return &Lab{Slug: slug, Cards: cards} }
	lfu, lru := lab("lfu", "c-cache", "c-db"), lab("lru", "c-cache")
	pool := lab("pool", "c-db", "c-cache")
	nocard, unknown, stray := lab("nocard"), lab("unknown", "c-gone"), lab("stray", "c-retry")
	tests := []struct {
		name   string
		labs   []*Lab
		topics []string
		want   map[string][]string // topic -> slugs, in group order given by order
		order  []string
	}{
		{"first card decides", []*Lab{pool, lfu, lru}, []string{"caching", "databases"},
			map[string][]string{"caching": {"lfu", "lru"}, "databases": {"pool"}}, []string{"caching", "databases"}},
		{"topic order, not lab order", []*Lab{pool, lfu}, []string{"databases", "caching"},
			map[string][]string{"databases": {"pool"}, "caching": {"lfu"}}, []string{"databases", "caching"}},
		{"no card, unknown card and unlisted topic go last", []*Lab{nocard, lfu, unknown, stray}, []string{"caching"},
			map[string][]string{"caching": {"lfu"}, "": {"nocard", "unknown", "stray"}}, []string{"caching", ""}},
		{"empty", nil, []string{"caching"}, map[string][]string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ByTopic(tt.labs, tt.topics, topicOf)
			var order []string
			slugs := map[string][]string{}
			for _, g := range got {
				order = append(order, g.Topic)
				for _, l := range g.Labs {
					slugs[g.Topic] = append(slugs[g.Topic], l.Slug)
				}
			}
			if !reflect.DeepEqual(order, tt.order) || !reflect.DeepEqual(slugs, tt.want) {
				t.Errorf("ByTopic: groups %q with %v, want %q with %v", order, slugs, tt.order, tt.want)
			}
		})
	}
}
