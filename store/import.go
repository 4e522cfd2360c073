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

// Import loads a progress file written by Export into the user's account, which must
// have no progress yet (no rated cards, reviews or attempts: a Conflict error
// otherwise). Everything is checked before anything is written; the first bad value
// gives an Invalid error naming its JSON path, such as "reviews[12].after.stability".
// The file's settings replace the user's. Its lab attempts are kept as Imported: this
// server did not grade them, so they never count towards LabStatus.
func (db *DB) Import(ctx context.Context, userID int64, r io.Reader) error {
	const op = "store.Import"
	doc, err := decodeDoc(r)
	if err != nil {
		return prep.Errorf(prep.Invalid, op, "progress file: %v", err)
	}
	in, err := doc.check()
	if err != nil {
		return prep.Errorf(prep.Invalid, op, "progress file: %v", err)
	}
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		var states, reviews, attempts int
		if err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM card_states WHERE user_id = ?1),
			(SELECT count(*) FROM review_log WHERE user_id = ?1),
			(SELECT count(*) FROM attempts WHERE user_id = ?1)`, userID).Scan(&states, &reviews, &attempts); err != nil {
			return err
		}
		if states+reviews+attempts > 0 {
			return prep.Errorf(prep.Conflict, op,
				"this account already has progress (%d rated cards, %d reviews, %d lab attempts); import into an account without any",
				states, reviews, attempts)
		}
		return in.write(ctx, tx, userID)
	})
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
