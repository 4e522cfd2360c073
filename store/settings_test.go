package store

import (
	"context"
	"math"
	"testing"
	"time"

	"prep"
)

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	got, err := db.Settings(ctx, LocalUserID)
	if err != nil || got != DefaultSettings() {
		t.Fatalf("Settings of a new user = %+v, %v; want the defaults", got, err)
	}
	valid := Settings{DesiredRetention: 0.85, NewPerDay: 5, RolloverHour: 0, MaxIntervalDays: 365, TimeZone: "Europe/Berlin", ReviewsPerDay: 50, NewOrder: "level"}
	with := func(f func(*Settings)) Settings { s := valid; f(&s); return s }
	tests := []struct {
		name string
		s    Settings
		kind prep.Kind
	}{
		{"valid", valid, ""},
		{"lowest retention", with(func(s *Settings) { s.DesiredRetention = 0.70 }), ""},
		{"highest retention", with(func(s *Settings) { s.DesiredRetention = 0.99 }), ""},
		{"retention too low", with(func(s *Settings) { s.DesiredRetention = 0.69 }), prep.Invalid},
		{"retention too high", with(func(s *Settings) { s.DesiredRetention = 0.995 }), prep.Invalid},
		{"retention NaN", with(func(s *Settings) { s.DesiredRetention = math.NaN() }), prep.Invalid},
		{"no new cards", with(func(s *Settings) { s.NewPerDay = 0 }), ""},
		{"too many new cards", with(func(s *Settings) { s.NewPerDay = 10000 }), prep.Invalid},
		{"negative new cards", with(func(s *Settings) { s.NewPerDay = -1 }), prep.Invalid},
		{"rollover 23", with(func(s *Settings) { s.RolloverHour = 23 }), ""},
		{"rollover 24", with(func(s *Settings) { s.RolloverHour = 24 }), prep.Invalid},
		{"interval 0", with(func(s *Settings) { s.MaxIntervalDays = 0 }), prep.Invalid},
		{"interval too long", with(func(s *Settings) { s.MaxIntervalDays = 36501 }), prep.Invalid},
		{"zone UTC", with(func(s *Settings) { s.TimeZone = "UTC" }), ""},
		{"zone Local", with(func(s *Settings) { s.TimeZone = "Local" }), ""},
		{"zone empty", with(func(s *Settings) { s.TimeZone = "" }), prep.Invalid},
		{"zone unknown", with(func(s *Settings) { s.TimeZone = "Mars/Olympus_Mons" }), prep.Invalid},
		{"no reviews", with(func(s *Settings) { s.ReviewsPerDay = 0 }), ""},
		{"too many reviews", with(func(s *Settings) { s.ReviewsPerDay = 10000 }), prep.Invalid},
		{"random order", with(func(s *Settings) { s.NewOrder = "random" }), ""},
		{"unknown order", with(func(s *Settings) { s.NewOrder = "alphabetical" }), prep.Invalid},
		{"no order", with(func(s *Settings) { s.NewOrder = "" }), prep.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.SetSettings(ctx, LocalUserID, tt.s)
			wantKind(t, err, tt.kind)
			if err != nil {
				return
			}
			if got, err := db.Settings(ctx, LocalUserID); err != nil || got != tt.s {
				t.Errorf("Settings = %+v, %v; want %+v", got, err, tt.s)
			}
		})
	}
	wantKind(t, db.SetSettings(ctx, 42, valid), prep.NotFound)
}

func TestDayStart(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	newYork, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		name  string
		zone  string
		hour  int
		now   time.Time
		start time.Time
	}{
		{"after rollover", "UTC", 4, time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC)},
		{"before rollover is yesterday", "UTC", 4, time.Date(2026, 3, 10, 3, 59, 59, 0, time.UTC), time.Date(2026, 3, 9, 4, 0, 0, 0, time.UTC)},
		{"midnight rollover", "UTC", 0, time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)},
		{"first of month, before rollover", "UTC", 4, time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), time.Date(2026, 2, 28, 4, 0, 0, 0, time.UTC)},
		{"zone, before rollover", "America/New_York", 4, time.Date(2026, 1, 8, 5, 0, 0, 0, time.UTC), time.Date(2026, 1, 7, 4, 0, 0, 0, newYork)},
		{"zone, after rollover", "America/New_York", 4, time.Date(2026, 1, 8, 9, 30, 0, 0, time.UTC), time.Date(2026, 1, 8, 4, 0, 0, 0, newYork)},
		{"daylight saving starts", "Europe/Berlin", 4, time.Date(2026, 3, 29, 10, 0, 0, 0, berlin), time.Date(2026, 3, 29, 2, 0, 0, 0, time.UTC)},
		{"daylight saving ends", "Europe/Berlin", 4, time.Date(2026, 10, 25, 3, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 3, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			s.TimeZone, s.RolloverHour = tt.zone, tt.hour
			if got := DayStart(s, tt.now); !got.Equal(tt.start) {
				t.Errorf("DayStart(%v) = %v, want %v", tt.now, got, tt.start)
			}
			c := newDayClock(s)
			if c.day(tt.now) != c.day(tt.start) || c.day(tt.start.Add(-time.Second)) != c.day(tt.start)-1 {
				t.Errorf("day numbers around %v disagree with DayStart", tt.start)
			}
		})
	}
}
