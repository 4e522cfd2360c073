package fsrs

import (
	"math"
	"strconv"
	"time"
)

// FormatInterval renders the time from now to due compactly: "1m", "10m",
// "3h", "4d", "2.1mo", "1.3y". Each unit is used until the rounded value
// reaches the next one (59.6 minutes is "1h"); a month is 30 days and a
// year 365 days, shown to one decimal without a trailing ".0". Anything
// under half a minute, including overdue (negative) durations, is "now".
func FormatInterval(d time.Duration) string {
	mins := math.Round(d.Minutes())
	if mins < 1 {
		return "now"
	}
	if mins < 60 {
		return strconv.Itoa(int(mins)) + "m"
	}
	hours := math.Round(d.Hours())
	if hours < 24 {
		return strconv.Itoa(int(hours)) + "h"
	}
	days := math.Round(d.Hours() / 24)
	switch {
	case days < 30:
		return strconv.Itoa(int(days)) + "d"
	case days < 365:
		return oneDecimal(days/30) + "mo"
	default:
		return oneDecimal(days/365) + "y"
	}
}

func oneDecimal(x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
