package web

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"prep/store"
)

// masteryRow is one topic's mastery, in library order, for the page and the API.
type masteryRow struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	New      int    `json:"new"`
	Learning int    `json:"learning"`
	Young    int    `json:"young"`
	Mature   int    `json:"mature"`
	Total    int    `json:"total"`
}

// monthTotal is one calendar month of the heatmap, for its table.
type monthTotal struct {
	Month   string // "Nov 2026"
	Reviews int
	Days    int // days with at least one review
}

// statsFor computes the user's statistics at the server's clock, over the cards of the
// library as it is now.
func (s *Server) statsFor(c echo.Context) (store.Stats, error) {
	u, _ := currentUser(c)
	cardTopics := make(map[string]string, len(s.lib.Cards()))
	for _, card := range s.lib.Cards() {
		cardTopics[card.ID] = card.Topic
	}
	return s.store.Stats(c.Request().Context(), u.ID, s.now(), cardTopics)
}

// masteryRows orders the mastery of st by the library's topics, leaving out topics
// without cards.
func (s *Server) masteryRows(st store.Stats) []masteryRow {
	rows := []masteryRow{}
	for _, t := range s.lib.Topics() {
		m, ok := st.Topics[t.ID]
		if !ok || m.Total() == 0 {
			continue
		}
		rows = append(rows, masteryRow{ID: t.ID, Title: t.Title, New: m.New, Learning: m.Learning, Young: m.Young, Mature: m.Mature, Total: m.Total()})
	}
	return rows
}

// percent formats a share as a whole percentage: 0.875 is "88%".
func percent(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// spent formats answering time coarsely: "45 s", "12 min", "3 h 5 min".
func spent(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// monthTotals sums days by calendar month, oldest first.
func monthTotals(days []store.DayCount) []monthTotal {
	var out []monthTotal
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		m := t.Format("Jan 2006")
		if len(out) == 0 || out[len(out)-1].Month != m {
			out = append(out, monthTotal{Month: m})
		}
		last := &out[len(out)-1]
		last.Reviews += d.Reviews
		if d.Reviews > 0 {
			last.Days++
		}
	}
	return out
}

func (s *Server) statsPage(c echo.Context) error {
	st, err := s.statsFor(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	settings, err := s.store.Settings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}

	var yearReviews, activeDays int
	busiest := store.DayCount{}
	for _, d := range st.Days {
		yearReviews += d.Reviews
		if d.Reviews > 0 {
			activeDays++
		}
		if d.Reviews > busiest.Reviews {
			busiest = d
		}
	}
	today := ""
	if len(st.Days) > 0 {
		today = st.Days[len(st.Days)-1].Date
	}
	forecast := forecastDays(st.Forecast, today)
	var dueWeek, dueMonth int
	for i, n := range st.Forecast {
		if i < 7 {
			dueWeek += n
		}
		dueMonth += n
	}
	rows := s.masteryRows(st)

	return s.ok(c, "stats", map[string]any{
		"Title":            "Stats",
		"Stats":            st,
		"Today":            today,
		"Heatmap":          heatmapSVG(st.Days),
		"YearReviews":      yearReviews,
		"ActiveDays":       activeDays,
		"Busiest":          busiest,
		"Months":           monthTotals(st.Days),
		"RetentionPct":     percent(st.Retention),
		"RetentionReviews": st.RetentionReviews,
		"Target":           percent(settings.DesiredRetention),
		"RetentionFrom":    retentionFrom(st, settings, s.now()),
		"Forecast":         forecastSVG(forecast),
		"ForecastDays":     forecast,
		"DueWeek":          dueWeek,
		"DueMonth":         dueMonth,
		"Mastery":          masterySVG(rows),
		"MasteryRows":      rows,
		"LibraryCards":     len(s.lib.Cards()),
		"TimeSpent":        spent(st.Totals.Time),
	})
}

// statsBody is the JSON of /api/stats: the numbers the stats page draws.
type statsBody struct {
	Days             []dayBody    `json:"days"` // oldest first; the last is today
	Retention        float64      `json:"retention"`
	RetentionReviews int          `json:"retention_reviews"`
	Forecast         []int        `json:"forecast"` // [0] is today, overdue cards included
	Topics           []masteryRow `json:"topics"`
	Streak           int          `json:"streak"`
	Totals           totalsBody   `json:"totals"`
}

type dayBody struct {
	Date    string `json:"date"`
	Reviews int    `json:"reviews"`
}

type totalsBody struct {
	Reviews      int   `json:"reviews"`
	ReviewsToday int   `json:"reviews_today"`
	Cards        int   `json:"cards"`
	Lapses       int   `json:"lapses"`
	DueNow       int   `json:"due_now"`
	TimeMS       int64 `json:"time_ms"`
}

func (s *Server) apiStats(c echo.Context) error {
	st, err := s.statsFor(c)
	if err != nil {
		return err
	}
	out := statsBody{Days: make([]dayBody, len(st.Days)), Retention: st.Retention, RetentionReviews: st.RetentionReviews,
		Forecast: st.Forecast, Topics: s.masteryRows(st), Streak: st.Streak,
		Totals: totalsBody{Reviews: st.Totals.Reviews, ReviewsToday: st.Totals.ReviewsToday, Cards: st.Totals.Cards,
			Lapses: st.Totals.Lapses, DueNow: st.Totals.DueNow, TimeMS: st.Totals.Time.Milliseconds()}}
	for i, d := range st.Days {
		out.Days[i] = dayBody{d.Date, d.Reviews}
	}
	if out.Forecast == nil {
		out.Forecast = []int{}
	}
	return c.JSON(http.StatusOK, out)
}

// retentionFrom says, while true retention has no figure, when it will: the date the
// first graduated card falls due, or that no card has graduated yet.
func retentionFrom(st store.Stats, settings store.Settings, now time.Time) string {
	switch {
	case st.RetentionReviews > 0:
		return ""
	case st.NextGraduatedDue.IsZero():
		return "None of your cards has graduated yet: a card graduates when Good or Easy moves it past its learning steps, usually to a review a day or more away."
	case !st.NextGraduatedDue.After(now):
		return "A graduated card is due now: review it and this shows a figure."
	default:
		return "The first figure comes with the review of your first graduated card, due " + st.NextGraduatedDue.In(settings.Location()).Format("Mon 2 Jan") + "."
	}
}
