package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// commonZones are offered in the time zone field's list; any IANA name is accepted.
var commonZones = []string{
	"UTC", "Local", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Kyiv", "America/New_York",
	"America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata",
	"Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney",
}

// settingsForm is the settings as typed into the form, kept as text so that a rejected
// value is shown back as the user wrote it.
type settingsForm struct {
	DesiredRetention, NewPerDay, ReviewsPerDay, NewOrder, RolloverHour, MaxIntervalDays, TimeZone string
}

func formOf(st store.Settings) settingsForm {
	return settingsForm{
		DesiredRetention: retentionText(st.DesiredRetention),
		NewPerDay:        strconv.Itoa(st.NewPerDay),
		ReviewsPerDay:    strconv.Itoa(st.ReviewsPerDay),
		NewOrder:         st.NewOrder,
		RolloverHour:     strconv.Itoa(st.RolloverHour),
		MaxIntervalDays:  strconv.Itoa(st.MaxIntervalDays),
		TimeZone:         st.TimeZone,
	}
}

// retentionText writes a retention with two decimals ("0.90"), or more if it has them.
func retentionText(r float64) string {
	s := strconv.FormatFloat(r, 'f', 2, 64)
	if back, err := strconv.ParseFloat(s, 64); err == nil && back == r {
		return s
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// settings parses the form and returns the settings with every problem, syntax and
// range, by field name: a form shows them all at once, each next to its field.
func (f settingsForm) settings() (store.Settings, map[string]string) {
	var st store.Settings
	bad := map[string]string{}
	var err error
	if st.DesiredRetention, err = strconv.ParseFloat(strings.TrimSpace(f.DesiredRetention), 64); err != nil {
		bad["desired_retention"] = "desired retention must be a number such as 0.9"
	}
	ints := []struct {
		field, name, text string
		dst               *int
	}{
		{"new_per_day", "new cards per day", f.NewPerDay, &st.NewPerDay},
		{"reviews_per_day", "reviews per day", f.ReviewsPerDay, &st.ReviewsPerDay},
		{"rollover_hour", "day rollover hour", f.RolloverHour, &st.RolloverHour},
		{"max_interval_days", "maximum interval", f.MaxIntervalDays, &st.MaxIntervalDays},
	}
	for _, in := range ints {
		if *in.dst, err = strconv.Atoi(strings.TrimSpace(in.text)); err != nil {
			bad[in.field] = in.name + " must be a whole number"
		}
	}
	st.TimeZone = strings.TrimSpace(f.TimeZone)
	st.NewOrder = f.NewOrder
	for field, msg := range st.Problems() {
		if _, ok := bad[field]; !ok { // a value that did not parse has its syntax problem
			bad[field] = msg
		}
	}
	return st, bad
}

// renderSettings shows the settings form holding form, with what is wrong with each
// field in bad (by field name), if anything.
func (s *Server) renderSettings(c echo.Context, status int, form settingsForm, bad map[string]string) error {
	u, _ := currentUser(c)
	st, err := s.store.Settings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	now := s.now().In(st.Location())
	return s.render(c, status, "settings", map[string]any{
		"Title":         "Settings",
		"Form":          form,
		"Bad":           bad,
		"Problems":      orderedProblems(bad),
		"Saved":         c.QueryParam("saved") == "1" && len(bad) == 0,
		"Zones":         commonZones,
		"ZoneNow":       now.Format("15:04 (Mon 2 Jan)"),
		"ZoneName":      st.TimeZone,
		"MinRetention":  fmt.Sprintf("%.2f", store.MinDesiredRetention),
		"MaxRetention":  fmt.Sprintf("%.2f", store.MaxDesiredRetention),
		"MaxNewPerDay":  store.MaxNewPerDay,
		"MaxReviews":    store.MaxReviewsPerDay,
		"NewOrders":     store.NewOrders,
		"MaxInterval":   store.MaxIntervalDays,
		"MaxImportSize": maxImportSize >> 20,
	})
}

func (s *Server) settingsPage(c echo.Context) error {
	u, _ := currentUser(c)
	st, err := s.store.Settings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return s.renderSettings(c, http.StatusOK, formOf(st), nil)
}

func (s *Server) saveSettings(c echo.Context) error {
	u, _ := currentUser(c)
	form := settingsForm{
		DesiredRetention: c.FormValue("desired_retention"),
		NewPerDay:        c.FormValue("new_per_day"),
		ReviewsPerDay:    c.FormValue("reviews_per_day"),
		NewOrder:         c.FormValue("new_order"),
		RolloverHour:     c.FormValue("rollover_hour"),
		MaxIntervalDays:  c.FormValue("max_interval_days"),
		TimeZone:         c.FormValue("time_zone"),
	}
	st, bad := form.settings()
	if len(bad) > 0 {
		return s.renderSettings(c, http.StatusBadRequest, form, bad)
	}
	if err := s.store.SetSettings(c.Request().Context(), u.ID, st); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings?saved=1")
}

// orderedProblems lists the problems in the form's field order, for the summary.
func orderedProblems(bad map[string]string) []string {
	var out []string
	for _, f := range store.SettingFields {
		if msg, ok := bad[f]; ok {
			out = append(out, msg)
		}
	}
	return out
}

// settingsBody is the JSON shape of the settings.
type settingsBody struct {
	DesiredRetention float64 `json:"desired_retention"`
	NewPerDay        int     `json:"new_per_day"`
	RolloverHour     int     `json:"rollover_hour"`
	MaxIntervalDays  int     `json:"max_interval_days"`
	TimeZone         string  `json:"time_zone"`
	ReviewsPerDay    int     `json:"reviews_per_day"`
	NewOrder         string  `json:"new_order"`
}

func bodyOf(st store.Settings) settingsBody {
	return settingsBody{st.DesiredRetention, st.NewPerDay, st.RolloverHour, st.MaxIntervalDays, st.TimeZone, st.ReviewsPerDay, st.NewOrder}
}

func (s *Server) apiSettings(c echo.Context) error {
	u, _ := currentUser(c)
	st, err := s.store.Settings(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bodyOf(st))
}

// apiSaveSettings replaces the settings with the JSON body. A field the body leaves out
// keeps its current value; an unknown field is an error, as it is most likely a typo.
func (s *Server) apiSaveSettings(c echo.Context) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	st, err := s.store.Settings(ctx, u.ID)
	if err != nil {
		return err
	}
	b := bodyOf(st)
	if err := decodeJSONBody(c.Request().Body, &b); err != nil {
		return err
	}
	st = store.Settings{DesiredRetention: b.DesiredRetention, NewPerDay: b.NewPerDay, RolloverHour: b.RolloverHour,
		MaxIntervalDays: b.MaxIntervalDays, TimeZone: b.TimeZone, ReviewsPerDay: b.ReviewsPerDay, NewOrder: b.NewOrder}
	if err := s.store.SetSettings(ctx, u.ID, st); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

// decodeJSONBody decodes one JSON object from r into v strictly, turning every problem
// into an Invalid error that says what to fix.
func decodeJSONBody(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON object")
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case isTooLarge(err):
		return prep.Errorf(prep.Invalid, "web.json", "the request body is too large")
	case errors.As(err, &syn):
		return prep.Errorf(prep.Invalid, "web.json", "the body is not valid JSON (at byte %d): %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return prep.Errorf(prep.Invalid, "web.json", "%s: expected a JSON %s, found %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF):
		return prep.Errorf(prep.Invalid, "web.json", "the body is empty; send a JSON object")
	}
	return prep.Errorf(prep.Invalid, "web.json", "%s", strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"), strings.HasPrefix(goKind, "float"):
		return "number"
	case goKind == "bool":
		return "boolean"
	case goKind == "struct", goKind == "map":
		return "object"
	case goKind == "slice", goKind == "array":
		return "array"
	}
	return goKind
}
