package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// synonymGroups are names the field uses for the same thing: abbreviations, spelled-out
// forms and spelling variants. A query word or phrase found in a group also matches the
// other members of the group, in every field. Names that belong to one card only go in
// that card's `aliases:` instead (see content/README.md).
//
// Keep a group to things that really are the same: "OOM" is not "memory leak".
var synonymGroups = [][]string{
	// abbreviations
	{"2pc", "two-phase commit"},
	{"3pc", "three-phase commit"},
	{"mvc", "model view controller"},
	{"mvp", "model view presenter", "minimum viable product"},
	{"mvvm", "model view viewmodel"},
	{"ddd", "domain-driven design"},
	{"iac", "infrastructure as code"},
	{"hlc", "hybrid logical clock"},
	{"lww", "last write wins"},
	{"dlq", "dead letter queue", "dead-letter queue"},
	{"k8s", "kubernetes"},
	{"hpa", "horizontal pod autoscaler"},
	{"oom", "out of memory", "oomkilled", "oom killed", "oom kill"},
	{"slo", "service level objective"},
	{"sli", "service level indicator"},
	{"sla", "service level agreement"},
	{"ttl", "time to live"},
	{"cdn", "content delivery network"},
	{"rag", "retrieval augmented generation"},
	{"llm", "large language model"},
	{"pii", "personal data", "personally identifiable information"},
	{"dr", "disaster recovery"},
	{"rto", "recovery time objective"},
	{"rpo", "recovery point objective"},
	{"ha", "high availability"},
	{"lb", "load balancer"},
	{"rps", "requests per second"},
	{"tps", "transactions per second"},
	{"tls", "ssl"},
	{"cert", "certificate"},
	{"db", "database"},
	{"pg", "postgres", "postgresql"},
	{"idor", "insecure direct object reference"},
	{"rbac", "role-based access control"},
	{"cqrs", "command query responsibility segregation"},
	{"otel", "opentelemetry"},
	{"gc", "garbage collection", "garbage collector"},
	{"dns", "domain name system"},
	// the same failure under other names
	{"stampede", "dogpile", "dog-pile"},
	{"retry storm", "retry amplification"},
	{"split brain", "two leaders", "two primaries"},
	// spelling variants
	{"neighbour", "neighbor"},
	{"behaviour", "behavior"},
	{"optimisation", "optimization"},
	{"optimise", "optimize"},
	{"modelling", "modeling"},
	{"prioritisation", "prioritization"},
	{"serialisable", "serializable"},
	{"normalise", "normalize"},
	{"utilisation", "utilization"},
	{"catalogue", "catalog"},
	{"centre", "center"},
}

// synonyms finds members of synonymGroups in analysed query words.
type synonyms struct {
	members [][]string          // every member, analysed
	forms   map[string][]string // analysed member (words joined by a space) → the other members of its group, as written
	longest int                 // words in the longest member
}

func newSynonyms(an analysis.Analyzer) *synonyms {
	s := &synonyms{forms: map[string][]string{}}
	for _, g := range synonymGroups {
		for i, m := range g {
			key := strings.Join(terms(an.Analyze([]byte(m))), " ")
			if key == "" {
				continue
			}
			for j, o := range g {
				if j != i {
					s.forms[key] = append(s.forms[key], o)
				}
			}
			s.longest = max(s.longest, strings.Count(key, " ")+1)
		}
	}
	return s
}

// at returns how many words of ws, from the start, form a group member (the longest
// that does, 0 if none) and the other names of that member.
func (s *synonyms) at(ws []string) (int, []string) {
	for n := min(s.longest, len(ws)); n > 0; n-- {
		if alts, ok := s.forms[strings.Join(ws[:n], " ")]; ok {
			return n, alts
		}
	}
	return 0, nil
}

func terms(ts analysis.TokenStream) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}
