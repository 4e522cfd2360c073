package labs

// TopicGroup is one topic's labs in a catalogue.
type TopicGroup struct {
	Topic string // the topic id; "" for labs whose topic is unknown
	Labs  []*Lab
}

// Topic returns the topic of the lab: the topic of the first card it lists (topicOf
// maps a card id to its topic id, "" when there is no such card). A lab that lists no
// card, or whose first card is unknown, has the topic "".
func (l *Lab) Topic(topicOf func(cardID string) string) string {
	if len(l.Cards) == 0 {
		return ""
	}
	return topicOf(l.Cards[0])
}

// ByTopic groups labs by Topic, one group per topic in the order of topics (topics
// without labs are left out), then, last, a group with Topic "" for the labs whose topic
// is unknown or not among topics. Within a group labs keep the order they came in.
func ByTopic(all []*Lab, topics []string, topicOf func(cardID string) string) []TopicGroup {
	byTopic := map[string][]*Lab{}
	for _, l := range all {
		byTopic[l.Topic(topicOf)] = append(byTopic[l.Topic(topicOf)], l)
	}
	var out []TopicGroup
	known := map[string]bool{}
	for _, t := range topics {
		known[t] = true
		if ls := byTopic[t]; len(ls) > 0 {
			out = append(out, TopicGroup{Topic: t, Labs: ls})
		}
	}
	var other []*Lab
	for _, l := range all {
		if !known[l.Topic(topicOf)] {
			other = append(other, l)
		}
	}
	if len(other) > 0 {
		out = append(out, TopicGroup{Labs: other})
	}
	return out
}
