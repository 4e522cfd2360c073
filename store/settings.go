package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"prep"
	"prep/store/fsrs"
)

// Limits and defaults of the review settings.
const (
	MinDesiredRetention     = 0.70
	MaxDesiredRetention     = 0.99
	DefaultDesiredRetention = 0.9
	MaxNewPerDay            = 9999
	DefaultNewPerDay        = 20
	DefaultRolloverHour     = 4
	MaxIntervalDays         = 36500
	DefaultMaxIntervalDays  = MaxIntervalDays
	DefaultTimeZone         = "Local"
	MaxReviewsPerDay        = 9999
	DefaultReviewsPerDay    = 200
	DefaultNewOrder         = "file"
)

// NewOrders are the orders new cards may come in: the deck's own (file) order, shuffled
// (differently each day, the same all day), or by level from junior to staff.
var NewOrders = []string{"file", "random", "level"}

// Settings are a user's review settings.
type Settings struct {
	// DesiredRetention is the recall probability at which a card falls due (0.70–0.99).
	DesiredRetention float64
	// NewPerDay is how many new cards a day's queue may introduce (0–9999).
	NewPerDay int
	// RolloverHour is the local hour (0–23) at which a study day starts; reviews before
	// it count for the day before, as in Anki.
	RolloverHour int
	// MaxIntervalDays caps the interval between reviews (1–36500).
	MaxIntervalDays int
	// TimeZone is an IANA zone name, "UTC" or "Local" (the server's zone); it decides
	// where study days begin.
	TimeZone string
	// ReviewsPerDay caps the reviews of rated cards a day's queue may hold (0–9999; new
	// cards have their own limit).
	ReviewsPerDay int
	// NewOrder is the order new cards are introduced in: one of NewOrders.
	NewOrder string
}

// DefaultSettings returns the settings of a user who never changed them.
func DefaultSettings() Settings {
	return Settings{
		DesiredRetention: DefaultDesiredRetention,
		NewPerDay:        DefaultNewPerDay,
		RolloverHour:     DefaultRolloverHour,
		MaxIntervalDays:  DefaultMaxIntervalDays,
		TimeZone:         DefaultTimeZone,
		ReviewsPerDay:    DefaultReviewsPerDay,
		NewOrder:         DefaultNewOrder,
	}
}

// SettingFields are the JSON names of the settings, in the order forms show them.
var SettingFields = []string{"desired_retention", "new_per_day", "reviews_per_day", "new_order", "rollover_hour", "max_interval_days", "time_zone"}

// Validate returns an Invalid error naming the first setting out of range, or nil.
func (s Settings) Validate() error {
	if _, msg := s.problem(); msg != "" {
		return prep.Errorf(prep.Invalid, "store.Settings", "%s", msg)
	}
	return nil
}

// problem returns the JSON name of the first setting out of range and what is wrong with
// it, or "" if all are in range.
func (s Settings) problem() (field, msg string) {
	ps := s.Problems()
	for _, f := range SettingFields {
		if msg, ok := ps[f]; ok {
			return f, msg
		}
	}
	return "", ""
}

// Problems returns what is wrong with every setting out of range, by JSON name: empty
// when all are in range. A form marks each one next to its field.
func (s Settings) Problems() map[string]string {
	const zoneHint = "; use an IANA name such as Europe/Berlin, or UTC or Local"
	ps := map[string]string{}
	if !(s.DesiredRetention >= MinDesiredRetention && s.DesiredRetention <= MaxDesiredRetention) { // NaN fails too
		ps["desired_retention"] = fmt.Sprintf("desired retention must be between %.2f and %.2f", MinDesiredRetention, MaxDesiredRetention)
	}
	if s.NewPerDay < 0 || s.NewPerDay > MaxNewPerDay {
		ps["new_per_day"] = fmt.Sprintf("new cards per day must be between 0 and %d", MaxNewPerDay)
	}
	if s.ReviewsPerDay < 0 || s.ReviewsPerDay > MaxReviewsPerDay {
		ps["reviews_per_day"] = fmt.Sprintf("reviews per day must be between 0 and %d", MaxReviewsPerDay)
	}
	if !slices.Contains(NewOrders, s.NewOrder) {
		ps["new_order"] = fmt.Sprintf("new-card order %q is not one of %s", s.NewOrder, strings.Join(NewOrders, ", "))
	}
	if s.RolloverHour < 0 || s.RolloverHour > 23 {
		ps["rollover_hour"] = "day rollover hour must be between 0 and 23"
	}
	if s.MaxIntervalDays < 1 || s.MaxIntervalDays > MaxIntervalDays {
		ps["max_interval_days"] = fmt.Sprintf("maximum interval must be between 1 and %d days", MaxIntervalDays)
	}
	if s.TimeZone == "" {
		ps["time_zone"] = "time zone is empty" + zoneHint
	} else if _, err := time.LoadLocation(s.TimeZone); err != nil {
		ps["time_zone"] = fmt.Sprintf("unknown time zone %q", s.TimeZone) + zoneHint
	}
	return ps
}

// Location returns the time zone of the settings, falling back to UTC if the zone
// database no longer knows it.
func (s Settings) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// scheduler returns the FSRS scheduler for these settings, fuzz on.
func (s Settings) scheduler() (*fsrs.Scheduler, error) {
	p := fsrs.DefaultParams()
	p.DesiredRetention = s.DesiredRetention
	p.MaximumInterval = s.MaxIntervalDays
	p.EnableFuzz = true
	return fsrs.New(p)
}

// Settings returns the user's review settings; the defaults if they never set any.
func (db *DB) Settings(ctx context.Context, userID int64) (Settings, error) {
	s, err := loadSettings(ctx, db.read, userID)
	return s, prep.Wrap("store.Settings", err)
}

func loadSettings(ctx context.Context, q queryer, userID int64) (Settings, error) {
	var s Settings
	err := q.QueryRowContext(ctx, `SELECT desired_retention, new_per_day, rollover_hour, max_interval_days, time_zone,
		reviews_per_day, new_order FROM settings WHERE user_id = ?`, userID).
		Scan(&s.DesiredRetention, &s.NewPerDay, &s.RolloverHour, &s.MaxIntervalDays, &s.TimeZone, &s.ReviewsPerDay, &s.NewOrder)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings(), nil
	}
	return s, err
}

// SetSettings validates and stores the user's review settings. They apply to the
// ratings that follow; scheduled due dates are not recomputed.
func (db *DB) SetSettings(ctx context.Context, userID int64, s Settings) error {
	const op = "store.SetSettings"
	if err := s.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, op, func(tx *wtx) error {
		if err := requireUser(ctx, tx, op, userID); err != nil {
			return err
		}
		return saveSettings(ctx, tx, userID, s)
	})
}

func saveSettings(ctx context.Context, tx *wtx, userID int64, s Settings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (user_id, desired_retention, new_per_day, rollover_hour, max_interval_days, time_zone,
			reviews_per_day, new_order)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET desired_retention = excluded.desired_retention,
			new_per_day = excluded.new_per_day, rollover_hour = excluded.rollover_hour,
			max_interval_days = excluded.max_interval_days, time_zone = excluded.time_zone,
			reviews_per_day = excluded.reviews_per_day, new_order = excluded.new_order`,
		userID, s.DesiredRetention, s.NewPerDay, s.RolloverHour, s.MaxIntervalDays, s.TimeZone, s.ReviewsPerDay, s.NewOrder)
	return err
}

// exportSettingsOf is s as a progress file writes it.
func exportSettingsOf(s Settings) *exportSettings {
	rpd := s.ReviewsPerDay
	return &exportSettings{s.DesiredRetention, s.NewPerDay, s.RolloverHour, s.MaxIntervalDays, s.TimeZone, &rpd, s.NewOrder}
}

// settings is the file's settings; what a version 1 file lacks keeps its default.
func (es *exportSettings) settings() Settings {
	s := Settings{es.DesiredRetention, es.NewPerDay, es.RolloverHour, es.MaxIntervalDays, es.TimeZone, DefaultReviewsPerDay, es.NewOrder}
	if es.ReviewsPerDay != nil {
		s.ReviewsPerDay = *es.ReviewsPerDay
	}
	if s.NewOrder == "" {
		s.NewOrder = DefaultNewOrder
	}
	return s
}
