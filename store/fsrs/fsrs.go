// Package fsrs implements the FSRS-6 spaced-repetition scheduler (Free Spaced
// Repetition Scheduler, 21 parameters) as pure functions over a Card value.
//
// It follows the open-spaced-repetition algorithm ("The Algorithm") and is
// cross-checked, review by review, against the reference implementation
// ts-fsrs 5.4.2: testdata/gen/gen.mjs writes testdata/fixtures.json and
// testdata/gen/check.sh verifies it. The package does no I/O: callers load a
// Card, call Next with the rating and the current time, and store the result.
//
//	s, err := fsrs.New(fsrs.DefaultParams())
//	...
//	buttons := s.Preview(card, now, seed) // e.g. FormatInterval(buttons[fsrs.Good-1].Due.Sub(now))
//	card = s.Next(card, now, fsrs.Good, seed)
//
// To agree with the reference to the day, the scheduler reproduces its
// numerics: intermediate values are rounded to 8 decimals, rounding is
// JavaScript's Math.round (halves up), elapsed days are differences of UTC
// calendar dates computed from Unix seconds (time.Duration overflows after
// 292 years), and forcing hard < good < easy may let an interval exceed the
// maximum interval by a few days.
package fsrs

import (
	"strconv"
	"time"
)

// Rating is the user's answer to a review.
type Rating int8

// The four ratings, in the order FSRS numbers them.
const (
	Again Rating = 1
	Hard  Rating = 2
	Good  Rating = 3
	Easy  Rating = 4
)

// Valid reports whether r is one of Again, Hard, Good or Easy.
func (r Rating) Valid() bool { return r >= Again && r <= Easy }

// String returns "again", "hard", "good" or "easy".
func (r Rating) String() string {
	switch r {
	case Again:
		return "again"
	case Hard:
		return "hard"
	case Good:
		return "good"
	case Easy:
		return "easy"
	}
	return "rating(" + strconv.Itoa(int(r)) + ")"
}

// State is where a card is in its learning life cycle.
type State int8

// The card states. The new state is StateNew because New is the
// Scheduler constructor.
const (
	StateNew   State = 0
	Learning   State = 1
	Review     State = 2
	Relearning State = 3
)

// String returns "new", "learning", "review" or "relearning".
func (s State) String() string {
	switch s {
	case StateNew:
		return "new"
	case Learning:
		return "learning"
	case Review:
		return "review"
	case Relearning:
		return "relearning"
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Card is the scheduling state of one card for one user.
type Card struct {
	Due           time.Time // when the card should next be reviewed
	Stability     float64   // days until recall probability falls to 90%; 0 if never reviewed
	Difficulty    float64   // in [1, 10]; 0 if never reviewed
	ScheduledDays int       // days until due at the last review (0 for short-term steps)
	LearningStep  int       // index into (re)learning steps
	Reps          int       // number of reviews
	Lapses        int       // times forgotten (Again) as a review card
	State         State     // where the card is in its life cycle
	LastReview    time.Time // zero if never reviewed
}

// NewCard returns a card that has never been reviewed, due at now.
func NewCard(now time.Time) Card {
	return Card{Due: now, State: StateNew}
}
