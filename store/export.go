package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"time"

	"prep"
	"prep/store/fsrs"
)

// The progress file format written by Export and read by Import.
const (
	ExportFormat  = "prep-progress"
	ExportVersion = 2
)

// The JSON shapes of the progress file. Times are RFC 3339 in UTC to the millisecond;
// ratings and states are written by name ("good", "review").
type (
	exportDoc struct {
		Format     string          `json:"format"`
		Version    int             `json:"version"`
		ExportedAt stamp           `json:"exported_at,omitzero"`
		Settings   *exportSettings `json:"settings"`
		States     []exportState   `json:"states"`
		Reviews    []exportReview  `json:"reviews"`
		Attempts   []exportAttempt `json:"attempts"`
	}
	exportSettings struct {
		DesiredRetention float64 `json:"desired_retention"`
		NewPerDay        int     `json:"new_per_day"`
		RolloverHour     int     `json:"rollover_hour"`
		MaxIntervalDays  int     `json:"max_interval_days"`
		TimeZone         string  `json:"time_zone"`
		ReviewsPerDay    *int    `json:"reviews_per_day,omitempty"` // version 2
		NewOrder         string  `json:"new_order,omitempty"`       // version 2
	}
	exportCard struct {
		State         string  `json:"state"`
		Due           stamp   `json:"due"`
		Stability     float64 `json:"stability"`
		Difficulty    float64 `json:"difficulty"`
		ScheduledDays int     `json:"scheduled_days"`
		LearningStep  int     `json:"learning_step"`
		Reps          int     `json:"reps"`
		Lapses        int     `json:"lapses"`
		LastReview    stamp   `json:"last_review,omitzero"`
	}
	exportState struct {
		CardID string `json:"card_id"`
		exportCard
	}
	exportReview struct {
		CardID     string      `json:"card_id"`
		ReviewedAt stamp       `json:"reviewed_at"`
		Rating     string      `json:"rating"`
		ElapsedMS  int64       `json:"elapsed_ms"`
		Before     *exportCard `json:"before"` // null: the card had never been rated
		After      exportCard  `json:"after"`
	}
	exportAttempt struct {
		Lab        string            `json:"lab"`
		Mode       string            `json:"mode"`
		Verdict    string            `json:"verdict"`
		Result     json.RawMessage   `json:"result,omitempty"`
		Source     map[string]string `json:"source"`
		DurationMS int64             `json:"duration_ms"`
		CreatedAt  stamp             `json:"created_at"`
	}
)

// stamp is a time in the progress file. It exists so that a bad time is reported
// with its JSON path: encoding/json adds the path to an *UnmarshalTypeError only.
type stamp time.Time

// IsZero reports whether s is the zero time (for omitzero).
func (s stamp) IsZero() bool { return time.Time(s).IsZero() }

// MarshalJSON writes s as RFC 3339.
func (s stamp) MarshalJSON() ([]byte, error) { return time.Time(s).MarshalJSON() }

// UnmarshalJSON reads an RFC 3339 time.
func (s *stamp) UnmarshalJSON(b []byte) error {
	var t time.Time
	if err := t.UnmarshalJSON(b); err != nil {
		v := string(b)
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return &json.UnmarshalTypeError{Value: v, Type: reflect.TypeFor[stamp]()}
	}
	*s = stamp(t)
	return nil
}

func toExportCard(c fsrs.Card) exportCard {
	return exportCard{State: c.State.String(), Due: stamp(c.Due), Stability: c.Stability, Difficulty: c.Difficulty,
		ScheduledDays: c.ScheduledDays, LearningStep: c.LearningStep, Reps: c.Reps, Lapses: c.Lapses, LastReview: stamp(c.LastReview)}
}

// Export writes the user's progress as JSON: settings, card states, the review log and
// lab attempts, from one snapshot. Import reads it back.
func (db *DB) Export(ctx context.Context, userID int64, w io.Writer) error {
	const op = "store.Export"
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return prep.Wrap(op, err)
	}
	defer tx.Rollback()
	return prep.Wrap(op, export(ctx, tx, userID, w))
}

// export streams the document, one array element per line, so a long review log is
// never held in memory whole.
func export(ctx context.Context, tx *sql.Tx, userID int64, w io.Writer) error {
	s, err := userSettings(ctx, tx, "store.Export", userID)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	ew := &elemWriter{w: bw}
	head, err := json.Marshal(struct {
		Format     string          `json:"format"`
		Version    int             `json:"version"`
		ExportedAt time.Time       `json:"exported_at"`
		Settings   *exportSettings `json:"settings"`
	}{ExportFormat, ExportVersion, truncMS(time.Now()), exportSettingsOf(s)})
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1]) // the object stays open for the arrays

	ew.begin("states")
	rows, err := tx.QueryContext(ctx, "SELECT card_id, "+stateColumns+" FROM card_states WHERE user_id = ? ORDER BY card_id", userID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var st exportState
		var c fsrs.Card
		if err := rows.Scan(append([]any{&st.CardID}, cardDest(&c)...)...); err != nil {
			rows.Close()
			return err
		}
		st.exportCard = toExportCard(c)
		ew.elem(st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	ew.begin("reviews")
	if err := readLog(ctx, tx, userID, func(e logEntry) error {
		r := exportReview{CardID: e.CardID, ReviewedAt: stamp(e.ReviewedAt), Rating: e.Rating.String(),
			ElapsedMS: e.Elapsed.Milliseconds(), After: toExportCard(e.After)}
		if e.HadState {
			b := toExportCard(e.Before)
			r.Before = &b
		}
		ew.elem(r)
		return ew.err
	}); err != nil {
		return err
	}

	ew.begin("attempts")
	rows, err = tx.QueryContext(ctx, "SELECT "+attemptColumns+" FROM attempts WHERE user_id = ? ORDER BY id", userID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return err
		}
		ew.elem(exportAttempt{Lab: a.Lab, Mode: a.Mode, Verdict: a.Verdict, Result: a.ResultJSON, Source: a.Source,
			DurationMS: a.Duration.Milliseconds(), CreatedAt: stamp(a.CreatedAt)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ew.end()
	bw.WriteString("}\n")
	if ew.err != nil {
		return ew.err
	}
	return bw.Flush()
}

// elemWriter writes the arrays of an open JSON object, remembering the first error.
type elemWriter struct {
	w     *bufio.Writer
	n     int // elements in the current array
	inArr bool
	err   error
}

func (e *elemWriter) begin(name string) {
	e.end()
	e.w.WriteString(`,"` + name + `":[`)
	e.inArr, e.n = true, 0
}

func (e *elemWriter) elem(v any) {
	if e.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		e.err = err
		return
	}
	if e.n > 0 {
		e.w.WriteByte(',')
	}
	e.w.WriteString("\n")
	e.w.Write(b)
	e.n++
}

func (e *elemWriter) end() {
	if !e.inArr {
		return
	}
	if e.n > 0 {
		e.w.WriteString("\n")
	}
	e.w.WriteString("]")
	e.inArr = false
}

// csvHeader names the columns of ExportCSV.
var csvHeader = []string{
	"reviewed_at", "card_id", "rating", "elapsed_ms",
	"state_before", "due_before", "stability_before", "difficulty_before", "scheduled_days_before",
	"state_after", "due_after", "stability_after", "difficulty_after", "scheduled_days_after",
	"reps_after", "lapses_after",
}

// ExportCSV writes the user's review log as CSV (RFC 4180: CRLF line ends, a header
// row), oldest first. Times are RFC 3339 in UTC, ratings 1–4 (again…easy), states by
// name; a card's first review has state_before "new".
func (db *DB) ExportCSV(ctx context.Context, userID int64, w io.Writer) error {
	const op = "store.ExportCSV"
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return prep.Wrap(op, err)
	}
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
	ft := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	err := readLog(ctx, db.read, userID, func(e logEntry) error {
		b, a := e.Before, e.After
		return cw.Write([]string{
			ts(e.ReviewedAt), e.CardID, strconv.Itoa(int(e.Rating)), strconv.FormatInt(e.Elapsed.Milliseconds(), 10),
			b.State.String(), ts(b.Due), ft(b.Stability), ft(b.Difficulty), strconv.Itoa(b.ScheduledDays),
			a.State.String(), ts(a.Due), ft(a.Stability), ft(a.Difficulty), strconv.Itoa(a.ScheduledDays),
			strconv.Itoa(a.Reps), strconv.Itoa(a.Lapses),
		})
	})
	if err != nil {
		return prep.Wrap(op, err)
	}
	cw.Flush()
	return prep.Wrap(op, cw.Error())
}
