// Package assessment holds the rules of take-home assessments: the states of an invite
// and the moves between them, its deadline, what its token may do, and how a report is
// assembled from attempts. It knows no HTTP and no SQL: store keeps the rows, web the
// handlers, and both ask this package what is allowed. Every rule takes the time as an
// argument, so tests inject the clock.
package assessment

import (
	"fmt"
	"time"

	"prep"
)

// Limits of an assessment.
const (
	MaxLabs         = 5
	MaxTitleLen     = 200
	MaxNoteLen      = 4000
	MaxLabelLen     = 200
	MaxTimeLimit    = 7 * 24 * 60 // minutes
	MaxExtension    = 7 * 24 * 60 // minutes added by one extension
	MaxCards        = 50
	defaultTimeZone = "UTC"
)

// State is where an invite stands.
type State string

// The states of an invite. Revoked and Expired invites are hidden from their token:
// the candidate side answers as for an unknown token.
const (
	NotOpened  State = "not_opened"  // issued, the link never opened
	Opened     State = "opened"      // the link was opened, the timer not started
	InProgress State = "in_progress" // started, before the deadline
	TimeUp     State = "time_up"     // the deadline passed; the sweeper has yet to submit
	Submitted  State = "submitted"   // finished by the candidate or the sweeper: read-only
	Expired    State = "expired"     // never started before the link expired
	Revoked    State = "revoked"     // withdrawn by the interviewer
)

// Invite is what the rules need of an invite. Zero times mean "not yet".
type Invite struct {
	TimeLimit  time.Duration // from the assessment
	ExpiresAt  time.Time     // the link must be started before this
	Extra      time.Duration // added to the time limit by extensions
	OpenedAt   time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	AutoSubmit bool // finished by the sweeper, not the candidate
	RevokedAt  time.Time
}

// Deadline is when a started invite's time runs out (zero before Start).
func (iv Invite) Deadline() time.Time {
	if iv.StartedAt.IsZero() {
		return time.Time{}
	}
	return iv.StartedAt.Add(iv.TimeLimit + iv.Extra)
}

// State returns the invite's state at now.
func (iv Invite) State(now time.Time) State {
	switch {
	case !iv.RevokedAt.IsZero():
		return Revoked
	case !iv.FinishedAt.IsZero():
		return Submitted
	case !iv.StartedAt.IsZero() && !now.Before(iv.Deadline()):
		return TimeUp
	case !iv.StartedAt.IsZero():
		return InProgress
	case !now.Before(iv.ExpiresAt):
		return Expired
	case !iv.OpenedAt.IsZero():
		return Opened
	}
	return NotOpened
}

// Hidden reports whether the token of an invite in state st is answered as unknown.
func Hidden(st State) bool { return st == Revoked || st == Expired }

// TimeUsed is how long the candidate has had, at now: zero before Start, up to the
// deadline or the finish.
func (iv Invite) TimeUsed(now time.Time) time.Duration {
	if iv.StartedAt.IsZero() {
		return 0
	}
	end := now
	if !iv.FinishedAt.IsZero() {
		end = iv.FinishedAt
	}
	if d := iv.Deadline(); end.After(d) {
		end = d
	}
	if end.Before(iv.StartedAt) {
		return 0
	}
	return end.Sub(iv.StartedAt)
}

// NeedsSweep reports whether the sweeper must finish the invite at now: started, not
// finished nor revoked, and past its deadline.
func (iv Invite) NeedsSweep(now time.Time) bool { return iv.State(now) == TimeUp }

// Action is something a token asks to do.
type Action string

// The actions of a token.
const (
	View       Action = "view"        // the invite's page and its labs' statements
	Start      Action = "start"       // start the timer
	ReadDraft  Action = "read_draft"  // read its own draft of a lab
	WriteDraft Action = "write_draft" // save a draft
	Run        Action = "run"         // grade against the public tests
	Submit     Action = "submit"      // grade against all tests
	Finish     Action = "finish"      // end early
)

// errHidden is what a hidden invite's token is told: the same as an unknown token.
var errHidden = prep.Errorf(prep.NotFound, "assessment", "no such invite")

// ErrUnknown is the error for a token that matches no invite; Allow gives the same for
// revoked and expired ones, so the answer tells nothing apart.
var ErrUnknown = errHidden

// Allow says whether an invite's token may do a at now: nil, or an error with a message
// for the candidate (NotFound for hidden invites, Conflict for the wrong moment).
func (iv Invite) Allow(a Action, now time.Time) error {
	const op = "assessment"
	st := iv.State(now)
	if Hidden(st) {
		return errHidden
	}
	switch a {
	case View:
		return nil
	case Start:
		switch st {
		case NotOpened, Opened, InProgress: // starting twice is harmless
			return nil
		}
		return prep.Errorf(prep.Conflict, op, "this assessment is over; it cannot be started again")
	case ReadDraft:
		if st == NotOpened || st == Opened {
			return prep.Errorf(prep.Conflict, op, "press Start first: the labs open when the timer starts")
		}
		return nil
	case WriteDraft, Run, Submit, Finish:
		switch st {
		case InProgress:
			return nil
		case NotOpened, Opened:
			return prep.Errorf(prep.Conflict, op, "press Start first: the labs open when the timer starts")
		case TimeUp:
			return prep.Errorf(prep.Conflict, op, "time is up: the deadline was %s UTC; nothing more can be graded or saved, and your last saved draft of each lab is submitted for you", iv.Deadline().UTC().Format("2006-01-02 15:04:05"))
		case Submitted:
			return prep.Errorf(prep.Conflict, op, "this assessment was submitted on %s UTC and is read-only now", iv.FinishedAt.UTC().Format("2006-01-02 15:04:05"))
		}
	}
	return prep.Errorf(prep.Invalid, op, "unknown action %q", a)
}

// Open records the first opening of the link.
func (iv Invite) Open(now time.Time) Invite {
	if iv.OpenedAt.IsZero() {
		iv.OpenedAt = now
	}
	return iv
}

// Begin starts the timer at now, unless it runs already (then iv is returned as is).
func (iv Invite) Begin(now time.Time) (Invite, error) {
	if err := iv.Allow(Start, now); err != nil {
		return iv, err
	}
	if iv.StartedAt.IsZero() {
		iv = iv.Open(now)
		iv.StartedAt = now
	}
	return iv, nil
}

// End finishes the invite: by the candidate (auto false, allowed only in progress) or by
// the sweeper (auto true, allowed once the time is up). The finish time of an automatic
// submission is the deadline, not the time the sweeper came round.
func (iv Invite) End(now time.Time, auto bool) (Invite, error) {
	if auto {
		if !iv.NeedsSweep(now) {
			return iv, prep.Errorf(prep.Conflict, "assessment", "the invite is not past its deadline")
		}
		iv.FinishedAt, iv.AutoSubmit = iv.Deadline(), true
		return iv, nil
	}
	if err := iv.Allow(Finish, now); err != nil {
		return iv, err
	}
	iv.FinishedAt = now
	return iv, nil
}

// Withdraw revokes the invite; a revoked invite stays revoked.
func (iv Invite) Withdraw(now time.Time) Invite {
	if iv.RevokedAt.IsZero() {
		iv.RevokedAt = now
	}
	return iv
}

// Extend gives the invite minutes more: on the timer once started, and on the link's
// expiry in any case, so an invite that expired unopened can be brought back. A revoked
// or submitted invite cannot be extended.
func (iv Invite) Extend(minutes int, now time.Time) (Invite, error) {
	const op = "assessment.Extend"
	if minutes < 1 || minutes > MaxExtension {
		return iv, prep.Errorf(prep.Invalid, op, "minutes must be 1 to %d, not %d", MaxExtension, minutes)
	}
	switch iv.State(now) {
	case Revoked:
		return iv, prep.Errorf(prep.Conflict, op, "the invite is revoked; issue a new one instead")
	case Submitted:
		return iv, prep.Errorf(prep.Conflict, op, "the invite is submitted already")
	}
	d := time.Duration(minutes) * time.Minute
	if !iv.StartedAt.IsZero() {
		if iv.State(now) == TimeUp {
			// The time had run out: the extension counts from now, not from a deadline
			// the candidate may long have given up on.
			iv.Extra += now.Sub(iv.Deadline())
		}
		iv.Extra += d
	}
	if iv.ExpiresAt.Before(now) {
		iv.ExpiresAt = now
	}
	iv.ExpiresAt = iv.ExpiresAt.Add(d)
	return iv, nil
}

// Spec is an assessment as an interviewer writes it.
type Spec struct {
	Title     string
	Labs      []string
	Cards     []string
	TimeLimit int // minutes
	ExpiresAt time.Time
	Note      string
}

// Check returns an Invalid error naming the first thing wrong with sp at now. hasLab and
// hasCard say whether a slug or card id exists.
func (sp Spec) Check(now time.Time, hasLab, hasCard func(string) bool) error {
	const op = "assessment"
	bad := func(field, format string, args ...any) error {
		return prep.Errorf(prep.Invalid, op, "%s: %s", field, fmt.Sprintf(format, args...))
	}
	switch {
	case sp.Title == "" || len(sp.Title) > MaxTitleLen:
		return bad("title", "give a title of 1 to %d bytes", MaxTitleLen)
	case len(sp.Labs) < 1 || len(sp.Labs) > MaxLabs:
		return bad("labs", "choose 1 to %d labs, not %d", MaxLabs, len(sp.Labs))
	case len(sp.Cards) > MaxCards:
		return bad("cards", "at most %d cards", MaxCards)
	case sp.TimeLimit < 1 || sp.TimeLimit > MaxTimeLimit:
		return bad("time_limit_minutes", "must be 1 to %d minutes, not %d", MaxTimeLimit, sp.TimeLimit)
	case !sp.ExpiresAt.After(now):
		return bad("expires_at", "must be in the future (RFC 3339, e.g. %s)", now.Add(7*24*time.Hour).UTC().Format(time.RFC3339))
	case len(sp.Note) > MaxNoteLen:
		return bad("note", "at most %d bytes", MaxNoteLen)
	}
	seen := map[string]bool{}
	for _, l := range sp.Labs {
		if !hasLab(l) {
			return bad("labs", "no lab %q on this server", l)
		}
		if seen[l] {
			return bad("labs", "lab %q is listed twice", l)
		}
		seen[l] = true
	}
	for _, c := range sp.Cards {
		if !hasCard(c) {
			return bad("cards", "no card %q on this server", c)
		}
	}
	return nil
}

// HasLab reports whether slug is one of labs: a token may touch only its assessment's.
func HasLab(labs []string, slug string) bool {
	for _, l := range labs {
		if l == slug {
			return true
		}
	}
	return false
}
