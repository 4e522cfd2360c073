package store

import "time"

// DayStart returns when the study day containing now began: the settings' rollover hour
// in their time zone, today or, before that hour, yesterday (as in Anki, a review at
// 1:00 with rollover 4 belongs to the day before).
func DayStart(s Settings, now time.Time) time.Time {
	loc := s.Location()
	t := now.In(loc)
	y, m, d := t.Date()
	if t.Hour() < s.RolloverHour {
		d--
	}
	return time.Date(y, m, d, s.RolloverHour, 0, 0, 0, loc)
}

// dayClock numbers study days for one user's settings.
type dayClock struct {
	loc  *time.Location
	hour int
}

func newDayClock(s Settings) dayClock { return dayClock{loc: s.Location(), hour: s.RolloverHour} }

// day returns the study day containing t as a day number: the civil date of its start,
// counted in days since 1970-01-01. Consecutive study days have consecutive numbers,
// whatever daylight saving does to their length.
func (c dayClock) day(t time.Time) int64 {
	lt := t.In(c.loc)
	y, m, d := lt.Date()
	if lt.Hour() < c.hour {
		d--
	}
	secs := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	if secs < 0 && secs%86400 != 0 {
		return secs/86400 - 1
	}
	return secs / 86400
}

// date returns the calendar date of day number n, as "2006-01-02".
func dayDate(n int64) string {
	return time.Unix(n*86400, 0).UTC().Format(time.DateOnly)
}
