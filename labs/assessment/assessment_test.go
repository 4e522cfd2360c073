package assessment

import (
	"strings"
	"testing"
	"time"

	"prep"
	"prep/labs"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// base is an invite issued at t0 with a 60-minute limit, its link valid for a day.
func base() Invite { return Invite{TimeLimit: time.Hour, ExpiresAt: at(24 * 60)} }

func TestState(t *testing.T) {
	started := base()
	started.OpenedAt, started.StartedAt = at(5), at(10)
	for _, tc := range []struct {
		name string
		iv   Invite
		now  time.Time
		want State
	}{
		{"fresh", base(), at(1), NotOpened},
		{"opened", Invite{TimeLimit: time.Hour, ExpiresAt: at(60), OpenedAt: at(2)}, at(3), Opened},
		{"link expired unstarted", base(), at(24 * 60), Expired},
		{"opened then expired", Invite{TimeLimit: time.Hour, ExpiresAt: at(60), OpenedAt: at(2)}, at(61), Expired},
		{"in progress", started, at(69), InProgress},
		{"last instant before the deadline", started, at(70).Add(-time.Nanosecond), InProgress},
		{"deadline reached", started, at(70), TimeUp},
		{"started, link expiry passed, time left", Invite{TimeLimit: time.Hour, ExpiresAt: at(20), StartedAt: at(19)}, at(30), InProgress},
		{"extended", func() Invite { iv := started; iv.Extra = 30 * time.Minute; return iv }(), at(99), InProgress},
		{"finished", func() Invite { iv := started; iv.FinishedAt = at(30); return iv }(), at(31), Submitted},
		{"finished then revoked", func() Invite { iv := started; iv.FinishedAt, iv.RevokedAt = at(30), at(40); return iv }(), at(41), Revoked},
		{"revoked before opening", Invite{TimeLimit: time.Hour, ExpiresAt: at(60), RevokedAt: at(1)}, at(2), Revoked},
	} {
		if got := tc.iv.State(tc.now); got != tc.want {
			t.Errorf("%s: state %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestAllow(t *testing.T) {
	started := base()
	started.StartedAt = at(10)
	finished := started
	finished.FinishedAt = at(20)
	revoked := started.Withdraw(at(15))
	all := []Action{View, Start, ReadDraft, WriteDraft, Run, Submit, Finish}
	// want per action, in the order of all: "" allowed, else the error's kind.
	for _, tc := range []struct {
		name string
		iv   Invite
		now  time.Time
		want []prep.Kind
		msg  string // in the grading errors
	}{
		{"not started", base(), at(1), []prep.Kind{"", "", prep.Conflict, prep.Conflict, prep.Conflict, prep.Conflict, prep.Conflict}, "press Start"},
		{"in progress", started, at(30), []prep.Kind{"", "", "", "", "", "", ""}, ""},
		{"time up", started, at(71), []prep.Kind{"", prep.Conflict, "", prep.Conflict, prep.Conflict, prep.Conflict, prep.Conflict}, "time is up"},
		{"submitted", finished, at(30), []prep.Kind{"", prep.Conflict, "", prep.Conflict, prep.Conflict, prep.Conflict, prep.Conflict}, "read-only"},
		{"revoked", revoked, at(30), []prep.Kind{prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound}, "no such invite"},
		{"expired", base(), at(24*60 + 1), []prep.Kind{prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound, prep.NotFound}, "no such invite"},
	} {
		for i, a := range all {
			err := tc.iv.Allow(a, tc.now)
			if got := prep.KindOf(err); got != tc.want[i] {
				t.Errorf("%s: %s: kind %q, want %q (%v)", tc.name, a, got, tc.want[i], err)
			}
			if a == Submit && tc.msg != "" && !strings.Contains(prep.Message(err), tc.msg) {
				t.Errorf("%s: submit: message %q lacks %q", tc.name, prep.Message(err), tc.msg)
			}
		}
	}
	// Revoked and expired answer exactly as an unknown token.
	if prep.Message(revoked.Allow(View, at(30))) != prep.Message(ErrUnknown) || prep.Message(base().Allow(View, at(24*60))) != prep.Message(ErrUnknown) {
		t.Error("a hidden invite's answer differs from an unknown token's")
	}
}

func TestTransitions(t *testing.T) {
	iv, err := base().Begin(at(10))
	if err != nil || !iv.StartedAt.Equal(at(10)) || !iv.OpenedAt.Equal(at(10)) {
		t.Fatalf("Begin: %+v %v", iv, err)
	}
	again, err := iv.Begin(at(20))
	if err != nil || !again.StartedAt.Equal(at(10)) {
		t.Errorf("a second Begin moved the start: %+v %v", again, err)
	}
	if _, err := iv.End(at(30), true); prep.KindOf(err) != prep.Conflict {
		t.Errorf("the sweeper finished an invite with time left: %v", err)
	}
	swept, err := iv.End(at(75), true)
	if err != nil || !swept.FinishedAt.Equal(at(70)) || !swept.AutoSubmit {
		t.Errorf("sweep: finished %v auto %v, want the deadline %v: %v", swept.FinishedAt, swept.AutoSubmit, at(70), err)
	}
	if _, err := iv.End(at(75), false); prep.KindOf(err) != prep.Conflict {
		t.Errorf("the candidate finished after the deadline: %v", err)
	}
	done, err := iv.End(at(30), false)
	if err != nil || !done.FinishedAt.Equal(at(30)) || done.AutoSubmit {
		t.Errorf("finish early: %+v %v", done, err)
	}
	if _, err := done.Begin(at(31)); prep.KindOf(err) != prep.Conflict {
		t.Errorf("a submitted invite started again: %v", err)
	}
	if done.TimeUsed(at(500)) != 20*time.Minute || iv.TimeUsed(at(500)) != time.Hour || base().TimeUsed(at(500)) != 0 {
		t.Errorf("time used: %v %v %v", done.TimeUsed(at(500)), iv.TimeUsed(at(500)), base().TimeUsed(at(500)))
	}
}

func TestExtend(t *testing.T) {
	started, _ := base().Begin(at(10))
	for _, tc := range []struct {
		name         string
		iv           Invite
		minutes      int
		now          time.Time
		kind         prep.Kind
		deadline     time.Time // zero: not started
		expiresAfter time.Time
	}{
		{"unstarted", base(), 30, at(1), "", time.Time{}, at(24*60 + 30)},
		{"expired unopened comes back", base(), 60, at(30 * 60), "", time.Time{}, at(31 * 60)},
		{"in progress", started, 15, at(20), "", at(85), at(24*60 + 15)},
		{"time up counts from now", started, 15, at(100), "", at(115), at(24*60 + 15)},
		{"zero minutes", started, 0, at(20), prep.Invalid, time.Time{}, time.Time{}},
		{"too many", started, MaxExtension + 1, at(20), prep.Invalid, time.Time{}, time.Time{}},
		{"revoked", started.Withdraw(at(20)), 10, at(21), prep.Conflict, time.Time{}, time.Time{}},
		{"submitted", func() Invite { iv, _ := started.End(at(30), false); return iv }(), 10, at(31), prep.Conflict, time.Time{}, time.Time{}},
	} {
		got, err := tc.iv.Extend(tc.minutes, tc.now)
		if prep.KindOf(err) != tc.kind {
			t.Errorf("%s: kind %q, want %q (%v)", tc.name, prep.KindOf(err), tc.kind, err)
			continue
		}
		if err != nil {
			continue
		}
		if !got.Deadline().Equal(tc.deadline) || !got.ExpiresAt.Equal(tc.expiresAfter) {
			t.Errorf("%s: deadline %v expires %v, want %v and %v", tc.name, got.Deadline(), got.ExpiresAt, tc.deadline, tc.expiresAfter)
		}
		if tc.name == "time up counts from now" && got.State(tc.now) != InProgress {
			t.Errorf("%s: state %s after the extension", tc.name, got.State(tc.now))
		}
	}
}

func TestSpecCheck(t *testing.T) {
	known := func(s string) bool { return s == "lru" || s == "ring" || s == "c1" }
	ok := Spec{Title: "Backend", Labs: []string{"lru"}, TimeLimit: 90, ExpiresAt: at(60)}
	for _, tc := range []struct {
		name  string
		edit  func(*Spec)
		field string // "" = valid
	}{
		{"valid", func(*Spec) {}, ""},
		{"no title", func(s *Spec) { s.Title = "" }, "title"},
		{"no labs", func(s *Spec) { s.Labs = nil }, "labs"},
		{"six labs", func(s *Spec) { s.Labs = []string{"lru", "ring", "a", "b", "c", "d"} }, "labs"},
		{"unknown lab", func(s *Spec) { s.Labs = []string{"nope"} }, `no lab "nope"`},
		{"lab twice", func(s *Spec) { s.Labs = []string{"lru", "lru"} }, "twice"},
		{"unknown card", func(s *Spec) { s.Cards = []string{"zzz"} }, `no card "zzz"`},
		{"zero minutes", func(s *Spec) { s.TimeLimit = 0 }, "time_limit_minutes"},
		{"past expiry", func(s *Spec) { s.ExpiresAt = at(-1) }, "expires_at"},
		{"long note", func(s *Spec) { s.Note = strings.Repeat("x", MaxNoteLen+1) }, "note"},
	} {
		sp := ok
		tc.edit(&sp)
		err := sp.Check(at(0), known, known)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if prep.KindOf(err) != prep.Invalid || !strings.Contains(prep.Message(err), tc.field) {
			t.Errorf("%s: %v, want Invalid naming %q", tc.name, err, tc.field)
		}
	}
}

func TestAssemble(t *testing.T) {
	iv, _ := base().Begin(at(0))
	iv, _ = iv.End(at(50), false)
	src := func(s string) map[string]string { return map[string]string{"lru.go": s} }
	attempts := []Attempt{
		{ID: 3, Lab: "lru", Mode: "submit", Verdict: "passed", Source: src("a\nc\n"), CreatedAt: at(30)},
		{ID: 1, Lab: "lru", Mode: "run", Verdict: "failed", Source: src("a\nb\n"), CreatedAt: at(10)},
		{ID: 2, Lab: "lru", Mode: "submit", Verdict: "failed", Source: src("a\nb\n"), CreatedAt: at(20)},
		{ID: 4, Lab: "lru", Mode: "submit", Verdict: "failed", Source: src("a\nd\n"), CreatedAt: at(40)},
		{ID: 5, Lab: "ring", Mode: "run", Verdict: "passed", Source: src("x\n"), CreatedAt: at(45)},
		{ID: 9, Lab: "other", Mode: "submit", Verdict: "passed", CreatedAt: at(45)}, // not in the assessment
	}
	r := Assemble(iv, []string{"lru", "ring"}, attempts, at(100))
	if r.State != Submitted || r.TimeUsed != 50*time.Minute || len(r.Labs) != 2 {
		t.Fatalf("report: %+v", r)
	}
	lru, ring := r.Labs[0], r.Labs[1]
	if lru.Runs != 1 || lru.Submits != 3 || lru.Verdict != "failed" || lru.Final.ID != 4 {
		t.Errorf("lru: runs %d submits %d verdict %q final %d", lru.Runs, lru.Submits, lru.Verdict, lru.Final.ID)
	}
	if lru.FirstPass == nil || *lru.FirstPass != 30*time.Minute {
		t.Errorf("lru: first pass %v, want 30m", lru.FirstPass)
	}
	var ids []int64
	for _, e := range lru.Timeline {
		ids = append(ids, e.ID)
	}
	if len(ids) != 4 || ids[0] != 1 || ids[3] != 4 {
		t.Errorf("timeline order %v", ids)
	}
	if d := lru.Timeline[2].Diff; d != "--- lru.go\n+++ lru.go\n a\n-b\n+c\n" {
		t.Errorf("diff to the previous attempt:\n%s", d)
	}
	if lru.Timeline[1].Diff != "" || lru.Timeline[0].Offset != 10*time.Minute {
		t.Errorf("unchanged code diffed as %q; offset %v", lru.Timeline[1].Diff, lru.Timeline[0].Offset)
	}
	if ring.Verdict != "" || ring.Final != nil || ring.FirstPass != nil || r.Passed != 0 {
		t.Errorf("a passing run counted as a verdict: %+v passed %d", ring, r.Passed)
	}
	_ = labs.Passed
}

func TestDiff(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b map[string]string
		want string
	}{
		{"new file", nil, map[string]string{"x.go": "p\nq"}, "--- x.go\n+++ x.go\n+p\n+q\n"},
		{"removed file", map[string]string{"x.go": "p\n"}, map[string]string{}, "--- x.go\n+++ x.go\n-p\n"},
		{"same", map[string]string{"x.go": "p\n"}, map[string]string{"x.go": "p\n"}, ""},
		{"insert middle", map[string]string{"x.go": "a\nc\n"}, map[string]string{"x.go": "a\nb\nc\n"}, "--- x.go\n+++ x.go\n a\n+b\n c\n"},
	} {
		if got := Diff(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: got\n%q\nwant\n%q", tc.name, got, tc.want)
		}
	}
}

func TestSortRowsAndCSV(t *testing.T) {
	rows := []Row{
		{InviteID: 1, Label: "bo", Passed: 1, TimeUsed: 30 * time.Minute, Verdicts: []string{"passed", "failed"}},
		{InviteID: 2, Label: "=cmd()", Passed: 2, TimeUsed: 50 * time.Minute, Verdicts: []string{"passed", "passed"}},
		{InviteID: 3, Label: "al", Passed: 2, TimeUsed: 40 * time.Minute, Verdicts: []string{"passed", "passed"}},
	}
	order := func() (ids []int64) {
		for _, r := range rows {
			ids = append(ids, r.InviteID)
		}
		return
	}
	for _, tc := range []struct {
		key  string
		desc bool
		want []int64
	}{
		{"verdict", false, []int64{3, 2, 1}},
		{"verdict", true, []int64{1, 2, 3}},
		{"time", false, []int64{1, 3, 2}},
		{"label", false, []int64{2, 3, 1}},
		{"", false, []int64{1, 2, 3}},
	} {
		SortRows(rows, tc.key, tc.desc)
		if got := order(); len(got) != 3 || got[0] != tc.want[0] || got[1] != tc.want[1] || got[2] != tc.want[2] {
			t.Errorf("sort %q desc %v: %v, want %v", tc.key, tc.desc, got, tc.want)
		}
	}
	recs := CSV([]string{"lru", "ring"}, rows)
	if strings.Join(recs[0], ",") != "invite,label,state,minutes_used,labs_passed,verdict:lru,verdict:ring" {
		t.Errorf("header %v", recs[0])
	}
	if recs[2][1] != "'=cmd()" || recs[2][3] != "50.0" || recs[2][6] != "passed" {
		t.Errorf("row %v", recs[2])
	}
}
