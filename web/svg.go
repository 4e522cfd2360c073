package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"prep/store"
)

// The charts of the stats page are drawn here as inline SVG, on the server: no script,
// no external file. The content security policy forbids style attributes, so every
// colour comes from a class styled in app.css and every size from a presentation
// attribute (x, y, width, height), which the policy allows.

// Heatmap geometry, in SVG user units (CSS pixels at full size).
const (
	heatCell  = 11 // side of a day's square
	heatStep  = 13 // cell plus gap
	heatLeft  = 30 // room for the weekday labels
	heatRight = 24 // room for a month label that starts in the last week
	heatTop   = 16 // room for the month labels
	heatFoot  = 22 // room for the legend
)

// heatLevels is the number of intensity classes of days with reviews (h1…h4); h0 is
// a day without any.
const heatLevels = 4

// heatLevel places n reviews on the scale of the busiest day, busiest: 0 for none,
// then 1 to heatLevels by quarters of it, so a single review always shows.
func heatLevel(n, busiest int) int {
	if n <= 0 || busiest <= 0 {
		return 0
	}
	return min(heatLevels, (heatLevels*n+busiest-1)/busiest)
}

// svgWriter builds an SVG document; text and attribute values go through svgEsc.
type svgWriter struct{ strings.Builder }

func (w *svgWriter) f(format string, args ...any) { fmt.Fprintf(w, format, args...) }

func svgEsc(s string) string { return template.HTMLEscapeString(s) }

func (w *svgWriter) html() template.HTML { return template.HTML(w.String()) } // built from escaped parts only

// heatmapSVG draws days, oldest first and the last being today, as a calendar of one
// column per week, Monday at the top, with a <title> per day for hover and for
// screen readers.
func heatmapSVG(days []store.DayCount) template.HTML {
	if len(days) == 0 {
		return ""
	}
	first, err := time.Parse(time.DateOnly, days[0].Date)
	if err != nil {
		return ""
	}
	offset := (int(first.Weekday()) + 6) % 7 // Monday is row 0
	cols := (offset+len(days)-1)/7 + 1
	busiest := 0
	for _, d := range days {
		busiest = max(busiest, d.Reviews)
	}
	width, height := heatLeft+cols*heatStep+heatRight, heatTop+7*heatStep+heatFoot

	var w svgWriter
	w.f(`<svg class="chart heat" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="group" aria-label="Reviews per day over the last year">`,
		width, height, width, height)
	for row, name := range []string{"Mon", "", "Wed", "", "Fri", "", ""} {
		if name != "" {
			w.f(`<text x="0" y="%d" aria-hidden="true">%s</text>`, heatTop+row*heatStep+heatCell-1, name)
		}
	}
	for i, d := range days {
		pos := offset + i
		col, row := pos/7, pos%7
		x, y := heatLeft+col*heatStep, heatTop+row*heatStep
		date := first.AddDate(0, 0, i)
		// A month's label sits over the week of its first day; the partial month the
		// year starts in is labelled only if it has room before the next label.
		if date.Day() == 1 || (i == 0 && date.Day() <= 14) {
			w.f(`<text x="%d" y="%d" aria-hidden="true">%s</text>`, x, heatTop-5, date.Format("Jan"))
		}
		class := fmt.Sprintf("h%d", heatLevel(d.Reviews, busiest))
		if i == len(days)-1 {
			class += " today"
		}
		w.f(`<rect x="%d" y="%d" width="%d" height="%d" rx="2" class="%s"><title>%s: %s</title></rect>`,
			x, y, heatCell, heatCell, class, svgEsc(d.Date), nounCount(d.Reviews, "review", "reviews"))
	}
	// Legend, right-aligned under the grid.
	ly := heatTop + 7*heatStep + 8
	lx := width - (heatLevels+1)*heatStep - 30
	w.f(`<g aria-hidden="true"><text x="%d" y="%d" text-anchor="end">Less</text>`, lx-4, ly+heatCell-1)
	for l := 0; l <= heatLevels; l++ {
		w.f(`<rect x="%d" y="%d" width="%d" height="%d" rx="2" class="h%d"/>`, lx+l*heatStep, ly, heatCell, heatCell, l)
	}
	w.f(`<text x="%d" y="%d">More</text></g>`, lx+(heatLevels+1)*heatStep+2, ly+heatCell-1)
	w.f(`</svg>`)
	return w.html()
}

// Forecast geometry.
const (
	fcLeft  = 34 // room for the count axis
	fcTop   = 16 // room for the count over the tallest bar
	fcPlot  = 120
	fcStep  = 22
	fcBar   = 16
	fcFoot  = 22 // room for the day labels
	fcRight = 8
)

// forecastDay is one bar of the due forecast.
type forecastDay struct {
	Offset int    // days from today
	Date   string // "2006-01-02"
	Label  string // "today", "Nov 9"
	Due    int
}

// forecastDays pairs forecast counts with dates, today being today's study date.
func forecastDays(forecast []int, today string) []forecastDay {
	t0, err := time.Parse(time.DateOnly, today)
	if err != nil {
		t0 = time.Time{}
	}
	out := make([]forecastDay, len(forecast))
	for i, n := range forecast {
		d := t0.AddDate(0, 0, i)
		out[i] = forecastDay{Offset: i, Date: d.Format(time.DateOnly), Label: d.Format("Jan 2"), Due: n}
	}
	if len(out) > 0 {
		out[0].Label = "today"
	}
	return out
}

// forecastSVG draws the cards due on each coming day as bars, with the count over
// each non-empty bar and date labels every week.
func forecastSVG(days []forecastDay) template.HTML {
	top := 0
	for _, d := range days {
		top = max(top, d.Due)
	}
	scale := max(top, 1)
	width, height := fcLeft+len(days)*fcStep+fcRight, fcTop+fcPlot+fcFoot
	base := fcTop + fcPlot

	var w svgWriter
	w.f(`<svg class="chart forecast" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="group" aria-label="Cards due on each of the next %d days">`,
		width, height, width, height, len(days))
	// Count axis: zero, the top and, when it is a whole number, the middle.
	ticks := []int{0, scale}
	if scale >= 4 && scale%2 == 0 {
		ticks = append(ticks, scale/2)
	}
	for _, t := range ticks {
		y := base - t*fcPlot/scale
		w.f(`<line x1="%d" x2="%d" y1="%d" y2="%d" class="grid"/>`, fcLeft-4, width-fcRight, y, y)
		w.f(`<text x="%d" y="%d" text-anchor="end" aria-hidden="true">%d</text>`, fcLeft-7, y+4, t)
	}
	for i, d := range days {
		x := fcLeft + i*fcStep + (fcStep-fcBar)/2
		h := d.Due * fcPlot / scale
		if d.Due > 0 {
			h = max(h, 2)
		}
		what := d.Label
		if i > 0 {
			what = fmt.Sprintf("%s (in %d days)", d.Label, i)
			if i == 1 {
				what = d.Label + " (tomorrow)"
			}
		}
		class := "bar"
		if i == 0 {
			class += " now"
		}
		w.f(`<rect x="%d" y="%d" width="%d" height="%d" class="%s"><title>%s: %d due</title></rect>`,
			x, base-h, fcBar, max(h, 0), class, svgEsc(what), d.Due)
		if d.Due > 0 {
			w.f(`<text x="%d" y="%d" text-anchor="middle" class="n" aria-hidden="true">%d</text>`, x+fcBar/2, base-h-3, d.Due)
		}
		if i%7 == 0 {
			w.f(`<text x="%d" y="%d" text-anchor="middle" aria-hidden="true">%s</text>`, x+fcBar/2, base+15, svgEsc(d.Label))
		}
	}
	w.f(`</svg>`)
	return w.html()
}

// Mastery geometry.
const (
	msLabel    = 180 // room for the topic title
	msBar      = 420
	msRight    = 80 // room for the card count
	msRow      = 26
	msBarH     = 16
	msTop      = 4
	msMinLabel = 20 // narrowest segment that shows its count
	msTitleLen = 24 // runes of a topic title shown before it is cut
)

// masterySegments names the parts of a mastery bar, in drawing order, with their class.
var masterySegments = []struct{ name, class string }{
	{"new", "m-new"}, {"learning", "m-learning"}, {"young", "m-young"}, {"mature", "m-mature"},
}

// masterySVG draws one bar per topic, split into new, learning, young and mature
// cards in proportion to the topic's card count.
func masterySVG(rows []masteryRow) template.HTML {
	width, height := msLabel+msBar+msRight, msTop+len(rows)*msRow
	var w svgWriter
	w.f(`<svg class="chart mastery" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="group" aria-label="Mastery of each topic">`,
		width, height, width, height)
	for i, r := range rows {
		y := msTop + i*msRow
		title := r.Title
		if utf8.RuneCountInString(title) > msTitleLen {
			title = string([]rune(title)[:msTitleLen-1]) + "…"
		}
		w.f(`<text x="0" y="%d" class="label"><title>%s</title>%s</text>`, y+msBarH-3, svgEsc(r.Title), svgEsc(title))
		counts := []int{r.New, r.Learning, r.Young, r.Mature}
		x := msLabel
		used := 0
		for j, seg := range masterySegments {
			n := counts[j]
			if n == 0 || r.Total == 0 {
				continue
			}
			used += n
			// Ends are rounded from the running total, so the segments always fill
			// the bar exactly.
			end := msLabel + used*msBar/r.Total
			w.f(`<rect x="%d" y="%d" width="%d" height="%d" class="%s"><title>%s: %d %s of %d</title></rect>`,
				x, y, end-x, msBarH, seg.class, svgEsc(r.Title), n, seg.name, r.Total)
			if end-x >= msMinLabel {
				w.f(`<text x="%d" y="%d" text-anchor="middle" class="seg %s" aria-hidden="true">%d</text>`, (x+end)/2, y+msBarH-4, seg.class, n)
			}
			x = end
		}
		w.f(`<text x="%d" y="%d" aria-hidden="true">%s</text>`, msLabel+msBar+8, y+msBarH-3, nounCount(r.Total, "card", "cards"))
	}
	w.f(`</svg>`)
	return w.html()
}

// nounCount is n with its noun: "1 review", "14 reviews".
func nounCount(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
