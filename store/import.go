package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"prep"
	"prep/store/fsrs"
)

// ImportMode says what an import does to an account that already has progress.
type ImportMode string

// The import modes.
const (
	// ImportEmpty imports only into an account without progress: a Conflict otherwise.
	ImportEmpty ImportMode = ""
	// ImportReplace deletes the account's card states, review log and lab attempts, then
	// imports the file, its settings included.
	ImportReplace ImportMode = "replace"
	// ImportMerge keeps the account's progress and settings and adds the file's: a
	// card's state is the file's only where the file reviewed it later; reviews and
	// attempts the account already has (same card or lab, same time) are not added twice.
	ImportMerge ImportMode = "merge"
)

// ImportPlan is what an import did, or would do (PlanImport).
type ImportPlan struct {
	Mode ImportMode `json:"mode"`
	// What the account has before the import.
	HadStates   int `json:"had_states"`
	HadReviews  int `json:"had_reviews"`
	HadAttempts int `json:"had_attempts"`
	// What the file brings: card states added (NewStates), taken over (UpdatedStates) or
	// left as the account has them (KeptStates); reviews and attempts added or skipped as
	// already there.
	NewStates        int  `json:"new_states"`
	UpdatedStates    int  `json:"updated_states"`
	KeptStates       int  `json:"kept_states"`
	AddedReviews     int  `json:"added_reviews"`
	SkippedReviews   int  `json:"skipped_reviews"`
	AddedAttempts    int  `json:"added_attempts"`
	SkippedAttempts  int  `json:"skipped_attempts"`
	SettingsReplaced bool `json:"settings_replaced"`
}

// Progress is a progress file read and checked by ReadProgress, ready to import.
type Progress struct{ in *importData }

// ReadProgress reads and checks a progress file written by Export: the first bad value
// gives an Invalid error naming its JSON path, such as "reviews[12].after.stability".
func ReadProgress(r io.Reader) (*Progress, error) {
	const op = "store.Import"
	doc, err := decodeDoc(r)
	if err != nil {
		return nil, prep.Errorf(prep.Invalid, op, "progress file: %v", err)
	}
	in, err := doc.check()
	if err != nil {
		return nil, prep.Errorf(prep.Invalid, op, "progress file: %v", err)
	}
	return &Progress{in}, nil
}

// Import loads a progress file written by Export into the user's account, which must
// have no progress yet (no rated cards, reviews or attempts: a Conflict error
// otherwise; see ImportProgress for replacing or merging). Everything is checked before
// anything is written. The file's settings replace the user's. Its lab attempts are kept
// as Imported: this server did not grade them, so they never count towards LabStatus.
func (db *DB) Import(ctx context.Context, userID int64, r io.Reader) error {
	p, err := ReadProgress(r)
	if err != nil {
		return err
	}
	_, err = db.ImportProgress(ctx, userID, p, ImportEmpty)
	return err
}

// PlanImport says what importing p in mode would do to the user's account, changing
// nothing: the preview a user confirms.
func (db *DB) PlanImport(ctx context.Context, userID int64, p *Progress, mode ImportMode) (ImportPlan, error) {
	var plan ImportPlan
	err := db.inTx(ctx, "store.PlanImport", func(tx *wtx) error {
		var err error
		plan, err = p.in.apply(ctx, tx, userID, mode, false)
		return err
	})
	return plan, err
}

// ImportProgress imports p into the user's account in mode, in one transaction, and
// says what it did.
func (db *DB) ImportProgress(ctx context.Context, userID int64, p *Progress, mode ImportMode) (ImportPlan, error) {
	var plan ImportPlan
	err := db.inTx(ctx, "store.Import", func(tx *wtx) error {
		var err error
		plan, err = p.in.apply(ctx, tx, userID, mode, true)
		return err
	})
	return plan, err
}

// apply works out the plan of importing in into the user's account in mode and, when
// write is set, carries it out.
func (in *importData) apply(ctx context.Context, tx *wtx, userID int64, mode ImportMode, write bool) (ImportPlan, error) {
	const op = "store.Import"
	plan := ImportPlan{Mode: mode}
	if mode != ImportEmpty && mode != ImportReplace && mode != ImportMerge {
		return plan, prep.Errorf(prep.Invalid, op, "import mode %q is not one of replace, merge", mode)
	}
	if err := requireUser(ctx, tx, op, userID); err != nil {
		return plan, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM card_states WHERE user_id = ?1),
		(SELECT count(*) FROM review_log WHERE user_id = ?1),
		(SELECT count(*) FROM attempts WHERE user_id = ?1)`, userID).Scan(&plan.HadStates, &plan.HadReviews, &plan.HadAttempts); err != nil {
		return plan, err
	}
	has := plan.HadStates+plan.HadReviews+plan.HadAttempts > 0
	if mode == ImportEmpty && has {
		return plan, prep.Errorf(prep.Conflict, op,
			"this account already has progress (%d rated cards, %d reviews, %d lab attempts); import it as a replacement or merge it in",
			plan.HadStates, plan.HadReviews, plan.HadAttempts)
	}
	if mode != ImportMerge || !has { // the file's progress is all there will be
		plan.NewStates, plan.AddedReviews, plan.AddedAttempts = len(in.order), len(in.reviews), len(in.attempts)
		plan.SettingsReplaced = in.settings != nil
		if !write {
			return plan, nil
		}
		for _, table := range []string{"card_states", "review_log", "attempts"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE user_id = ?", userID); err != nil {
				return plan, err
			}
		}
		return plan, in.write(ctx, tx, userID)
	}
	return plan, in.merge(ctx, tx, userID, &plan, write)
}

// merge adds the file's progress to the account's (ImportMerge), counting into plan.
func (in *importData) merge(ctx context.Context, tx *wtx, userID int64, plan *ImportPlan, write bool) error {
	for _, id := range in.order {
		cur, ok, err := getState(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		fileCard := in.states[id]
		switch {
		case !ok:
			plan.NewStates++
		case fileCard.LastReview.After(cur.LastReview):
			plan.UpdatedStates++
		default:
			plan.KeptStates++
			continue
		}
		if write {
			if err := putState(ctx, tx, userID, id, fileCard); err != nil {
				return err
			}
		}
	}
	for _, e := range in.reviews {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM review_log WHERE user_id = ? AND card_id = ? AND reviewed_at = ?",
			userID, e.CardID, toMS(e.ReviewedAt)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			plan.SkippedReviews++
			continue
		}
		plan.AddedReviews++
		if write {
			if _, err := appendLog(ctx, tx, userID, e); err != nil {
				return err
			}
		}
	}
	for _, a := range in.attempts {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM attempts WHERE user_id = ? AND lab = ? AND created_at = ?",
			userID, a.Lab, toMS(a.CreatedAt)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			plan.SkippedAttempts++
			continue
		}
		plan.AddedAttempts++
		if write {
			if _, err := insertAttempt(ctx, tx, userID, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeDoc decodes a progress file strictly (no unknown fields, nothing after it).
// The arrays are decoded element by element so an error can name the element.
func decodeDoc(r io.Reader) (*exportDoc, error) {
	var raw struct {
		Format     string            `json:"format"`
		Version    int               `json:"version"`
		ExportedAt stamp             `json:"exported_at"`
		Settings   *exportSettings   `json:"settings"`
		States     []json.RawMessage `json:"states"`
		Reviews    []json.RawMessage `json:"reviews"`
		Attempts   []json.RawMessage `json:"attempts"`
	}
	dec := json.NewDecoder(r)
	if err := decodeStrict(dec, &raw, ""); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the JSON object")
	}
	doc := &exportDoc{Format: raw.Format, Version: raw.Version, ExportedAt: raw.ExportedAt, Settings: raw.Settings,
		States: make([]exportState, len(raw.States)), Reviews: make([]exportReview, len(raw.Reviews)),
		Attempts: make([]exportAttempt, len(raw.Attempts))}
	for i, m := range raw.States {
		if err := decodeStrict(json.NewDecoder(bytes.NewReader(m)), &doc.States[i], fmt.Sprintf("states[%d]", i)); err != nil {
			return nil, err
		}
	}
	for i, m := range raw.Reviews {
		if err := decodeStrict(json.NewDecoder(bytes.NewReader(m)), &doc.Reviews[i], fmt.Sprintf("reviews[%d]", i)); err != nil {
			return nil, err
		}
	}
	for i, m := range raw.Attempts {
		if err := decodeStrict(json.NewDecoder(bytes.NewReader(m)), &doc.Attempts[i], fmt.Sprintf("attempts[%d]", i)); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// decodeStrict decodes one value from dec into v, rejecting unknown fields, and turns
// decoding errors into messages that start with the JSON path below path.
func decodeStrict(dec *json.Decoder, v any, path string) error {
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	at := func(field string) string {
		field = strings.ReplaceAll(field, "exportCard.", "") // embedded in exportState
		switch {
		case path == "":
			return field
		case field == "":
			return path
		}
		return path + "." + field
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ) && typ.Type == reflect.TypeFor[stamp]():
		return fmt.Errorf("%s: %s is not an RFC 3339 time", at(typ.Field), typ.Value)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: expected %v, found a JSON %s", at(typ.Field), typ.Type, typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the file is empty or cut short")
	}
	if path != "" {
		return fmt.Errorf("%s: %v", path, strings.TrimPrefix(err.Error(), "json: "))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// importData is a checked progress file, ready to write.
type importData struct {
	settings *Settings
	states   map[string]fsrs.Card
	order    []string // card ids of states, in file order
	reviews  []logEntry
	attempts []Attempt
}

func (in *importData) write(ctx context.Context, tx *wtx, userID int64) error {
	if in.settings != nil {
		if err := saveSettings(ctx, tx, userID, *in.settings); err != nil {
			return err
		}
	}
	for _, id := range in.order {
		if err := putState(ctx, tx, userID, id, in.states[id]); err != nil {
			return err
		}
	}
	for _, e := range in.reviews {
		if _, err := appendLog(ctx, tx, userID, e); err != nil {
			return err
		}
	}
	for _, a := range in.attempts {
		if _, err := insertAttempt(ctx, tx, userID, a); err != nil {
			return err
		}
	}
	return nil
}

// check validates doc and converts it; errors start with the JSON path of the bad value.
func (doc *exportDoc) check() (*importData, error) {
	if doc.Format != ExportFormat {
		return nil, fmt.Errorf("format: %q is not %q; is this a prep progress file?", doc.Format, ExportFormat)
	}
	if doc.Version < 1 || doc.Version > ExportVersion {
		return nil, fmt.Errorf("version: %d is not one this prep reads (1 to %d); a newer prep wrote it?", doc.Version, ExportVersion)
	}
	in := &importData{states: map[string]fsrs.Card{}}
	if es := doc.Settings; es != nil {
		s := es.settings()
		if field, msg := s.problem(); msg != "" {
			return nil, fmt.Errorf("settings.%s: %s", field, msg)
		}
		in.settings = &s
	}
	for i, st := range doc.States {
		p := fmt.Sprintf("states[%d]", i)
		if !validSlug(st.CardID) {
			return nil, fmt.Errorf("%s.card_id: %q is not a kebab-case card id of 1–%d characters", p, st.CardID, MaxSlugLen)
		}
		if _, dup := in.states[st.CardID]; dup {
			return nil, fmt.Errorf("%s.card_id: card %q appears twice", p, st.CardID)
		}
		c, err := st.exportCard.card(p)
		if err != nil {
			return nil, err
		}
		in.states[st.CardID] = c
		in.order = append(in.order, st.CardID)
	}
	for i, r := range doc.Reviews {
		p := fmt.Sprintf("reviews[%d]", i)
		e := logEntry{CardID: r.CardID, ReviewedAt: truncMS(time.Time(r.ReviewedAt)), HadState: r.Before != nil}
		if !validSlug(r.CardID) {
			return nil, fmt.Errorf("%s.card_id: %q is not a kebab-case card id of 1–%d characters", p, r.CardID, MaxSlugLen)
		}
		if r.ReviewedAt.IsZero() {
			return nil, fmt.Errorf("%s.reviewed_at: missing", p)
		}
		var ok bool
		if e.Rating, ok = ratingByName(r.Rating); !ok {
			return nil, fmt.Errorf("%s.rating: %q is not again, hard, good or easy", p, r.Rating)
		}
		if r.ElapsedMS < 0 || r.ElapsedMS > MaxElapsed.Milliseconds() {
			return nil, fmt.Errorf("%s.elapsed_ms: %d is outside 0 to %d", p, r.ElapsedMS, MaxElapsed.Milliseconds())
		}
		e.Elapsed = time.Duration(r.ElapsedMS) * time.Millisecond
		var err error
		if r.Before == nil {
			e.Before = fsrs.NewCard(e.ReviewedAt)
		} else if e.Before, err = r.Before.card(p + ".before"); err != nil {
			return nil, err
		}
		if e.After, err = r.After.card(p + ".after"); err != nil {
			return nil, err
		}
		in.reviews = append(in.reviews, e)
	}
	for i, ea := range doc.Attempts {
		p := fmt.Sprintf("attempts[%d]", i)
		a := Attempt{Lab: ea.Lab, Mode: ea.Mode, Verdict: ea.Verdict, ResultJSON: []byte(ea.Result), Source: ea.Source,
			Duration: time.Duration(ea.DurationMS) * time.Millisecond, CreatedAt: truncMS(time.Time(ea.CreatedAt)),
			Imported: true} // whatever the file says, this server did not grade it
		if len(ea.Result) == 0 {
			a.ResultJSON = nil
		}
		if field, msg := a.problem(); msg != "" {
			return nil, fmt.Errorf("%s.%s: %s", p, field, msg)
		}
		if a.CreatedAt.IsZero() {
			return nil, fmt.Errorf("%s.created_at: missing", p)
		}
		in.attempts = append(in.attempts, a)
	}
	return in, nil
}

// card validates ec, found at JSON path p, and converts it.
func (ec exportCard) card(p string) (fsrs.Card, error) {
	state, ok := stateByName(ec.State)
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	switch {
	case !ok:
		return fsrs.Card{}, fmt.Errorf("%s.state: %q is not new, learning, review or relearning", p, ec.State)
	case ec.Due.IsZero():
		return fsrs.Card{}, fmt.Errorf("%s.due: missing", p)
	case !finite(ec.Stability) || ec.Stability < 0 || ec.Stability > fsrs.MaxMaximumInterval:
		return fsrs.Card{}, fmt.Errorf("%s.stability: %v is outside 0 to %d", p, ec.Stability, fsrs.MaxMaximumInterval)
	case !finite(ec.Difficulty) || ec.Difficulty < 0 || ec.Difficulty > 10:
		return fsrs.Card{}, fmt.Errorf("%s.difficulty: %v is outside 0 to 10", p, ec.Difficulty)
	case ec.ScheduledDays < 0 || ec.ScheduledDays > MaxIntervalDays+1:
		return fsrs.Card{}, fmt.Errorf("%s.scheduled_days: %d is outside 0 to %d", p, ec.ScheduledDays, MaxIntervalDays+1)
	case ec.LearningStep < 0 || ec.LearningStep > maxImportCount:
		return fsrs.Card{}, fmt.Errorf("%s.learning_step: %d is outside 0 to %d", p, ec.LearningStep, maxImportCount)
	case ec.Reps < 0 || ec.Reps > maxImportCount:
		return fsrs.Card{}, fmt.Errorf("%s.reps: %d is outside 0 to %d", p, ec.Reps, maxImportCount)
	case ec.Lapses < 0 || ec.Lapses > maxImportCount:
		return fsrs.Card{}, fmt.Errorf("%s.lapses: %d is outside 0 to %d", p, ec.Lapses, maxImportCount)
	}
	return fsrs.Card{Due: truncMS(time.Time(ec.Due)), Stability: ec.Stability, Difficulty: ec.Difficulty, ScheduledDays: ec.ScheduledDays,
		LearningStep: ec.LearningStep, Reps: ec.Reps, Lapses: ec.Lapses, State: state, LastReview: truncMS(time.Time(ec.LastReview))}, nil
}

// maxImportCount bounds the counters of an imported card: far above any real history,
// low enough that nothing downstream overflows.
const maxImportCount = 1_000_000

func ratingByName(name string) (fsrs.Rating, bool) {
	for r := fsrs.Again; r <= fsrs.Easy; r++ {
		if r.String() == name {
			return r, true
		}
	}
	return 0, false
}

func stateByName(name string) (fsrs.State, bool) {
	for s := fsrs.StateNew; s <= fsrs.Relearning; s++ {
		if s.String() == name {
			return s, true
		}
	}
	return 0, false
}
