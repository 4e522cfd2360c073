package assessment

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"prep/labs"
)

// Attempt is one grading of a lab during an invite, as the report needs it.
type Attempt struct {
	ID        int64
	Lab       string
	Mode      string // "run" or "submit"
	Verdict   string
	Auto      bool // submitted by the sweeper
	Source    map[string]string
	Result    *labs.Result // nil if none was kept
	CreatedAt time.Time
}

// Entry is an attempt in a lab's timeline: when it came, relative to Start, and the
// change of its code since the previous attempt.
type Entry struct {
	Attempt
	Offset time.Duration // since Start
	Diff   string        // unified-style line diff to the previous attempt's code
}

// LabReport is what happened on one lab.
type LabReport struct {
	Slug    string
	Verdict string // of the final (last) submission; "" if none
	Final   *Attempt
	Runs    int
	Submits int
	// FirstPass is the time from Start to the first passing submission; nil if none.
	FirstPass *time.Duration
	Timeline  []Entry
}

// Report is an invite's report.
type Report struct {
	State    State
	TimeUsed time.Duration
	Labs     []LabReport
	Passed   int // labs whose final submission passed
}

// Assemble builds the report of an invite over its labs from its attempts at now.
func Assemble(iv Invite, labSlugs []string, attempts []Attempt, now time.Time) Report {
	r := Report{State: iv.State(now), TimeUsed: iv.TimeUsed(now)}
	sorted := append([]Attempt(nil), attempts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].CreatedAt.Equal(sorted[j].CreatedAt) {
			return sorted[i].CreatedAt.Before(sorted[j].CreatedAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	for _, slug := range labSlugs {
		lr := LabReport{Slug: slug}
		var prev map[string]string
		for _, a := range sorted {
			if a.Lab != slug {
				continue
			}
			e := Entry{Attempt: a, Diff: Diff(prev, a.Source)}
			if !iv.StartedAt.IsZero() {
				e.Offset = a.CreatedAt.Sub(iv.StartedAt)
			}
			prev = a.Source
			lr.Timeline = append(lr.Timeline, e)
			if a.Mode == "submit" {
				lr.Submits++
				final := a
				lr.Final, lr.Verdict = &final, a.Verdict
				if a.Verdict == string(labs.Passed) && lr.FirstPass == nil {
					d := e.Offset
					lr.FirstPass = &d
				}
			} else {
				lr.Runs++
			}
		}
		if lr.Verdict == string(labs.Passed) {
			r.Passed++
		}
		r.Labs = append(r.Labs, lr)
	}
	return r
}

// Row is a candidate in an assessment's table.
type Row struct {
	InviteID int64
	Label    string
	State    State
	Passed   int
	TimeUsed time.Duration
	Verdicts []string // per lab, in the assessment's order
}

// SortRows orders rows by key ("verdict": most labs passed first, then less time;
// "time": least time first; "label"; anything else: by invite), reversed if desc.
func SortRows(rows []Row, key string, desc bool) {
	less := func(a, b Row) bool { return a.InviteID < b.InviteID }
	switch key {
	case "verdict":
		less = func(a, b Row) bool {
			if a.Passed != b.Passed {
				return a.Passed > b.Passed
			}
			return a.TimeUsed < b.TimeUsed
		}
	case "time":
		less = func(a, b Row) bool { return a.TimeUsed < b.TimeUsed }
	case "label":
		less = func(a, b Row) bool { return strings.ToLower(a.Label) < strings.ToLower(b.Label) }
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if desc {
			return less(rows[j], rows[i])
		}
		return less(rows[i], rows[j])
	})
}

// CSV returns rows as CSV records, a header first: invite, label, state, minutes used,
// labs passed, then one verdict column per lab.
func CSV(labSlugs []string, rows []Row) [][]string {
	head := []string{"invite", "label", "state", "minutes_used", "labs_passed"}
	for _, l := range labSlugs {
		head = append(head, "verdict:"+l)
	}
	out := [][]string{head}
	for _, r := range rows {
		rec := []string{strconv.FormatInt(r.InviteID, 10), csvSafe(r.Label), string(r.State),
			strconv.FormatFloat(r.TimeUsed.Minutes(), 'f', 1, 64), strconv.Itoa(r.Passed)}
		for i := range labSlugs {
			v := ""
			if i < len(r.Verdicts) {
				v = r.Verdicts[i]
			}
			rec = append(rec, v)
		}
		out = append(out, rec)
	}
	return out
}

// csvSafe keeps a spreadsheet from reading a label as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
