package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"prep"
	"prep/store"
)

// newSecretKey is the echo context key of a webhook secret to show once on the
// assessment page.
const newSecretKey = "prep.webhookSecret"

// deliveryJSON is a webhook delivery in the API and on the assessment page.
type deliveryJSON struct {
	ID          int64      `json:"id"`
	InviteID    int64      `json:"invite_id"`
	Event       string     `json:"event"`
	URL         string     `json:"url"`
	State       string     `json:"state"` // pending, delivered, failed
	Attempts    int        `json:"attempts"`
	CreatedAt   time.Time  `json:"created_at"`
	NextAt      *time.Time `json:"next_attempt_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
	LastStatus  int        `json:"last_status"`
	LastError   string     `json:"last_error"`
	LastAt      *time.Time `json:"last_attempt_at"`
}

func toDeliveryJSON(d store.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, InviteID: d.InviteID, Event: d.Event, URL: d.URL, State: "pending", Attempts: d.Attempts,
		CreatedAt: d.CreatedAt.UTC(), DeliveredAt: optTime(d.DeliveredAt), LastStatus: d.LastStatus, LastError: d.LastError, LastAt: optTime(d.LastAt)}
	switch {
	case !d.DeliveredAt.IsZero():
		out.State = "delivered"
	case !d.FailedAt.IsZero():
		out.State = "failed"
	default:
		out.NextAt = optTime(d.NextAt)
	}
	return out
}

// checkWebhookURL returns the checked URL (” stays ”: no webhook).
func (s *Server) checkWebhookURL(c echo.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := s.webhookAllow.Check(c.Request().Context(), raw)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// setWebhook sets the assessment's webhook URL from the request and returns the new
// secret (” when the webhook was removed).
func (s *Server) setWebhook(c echo.Context, raw string) (store.Assessment, string, error) {
	a, err := s.assessmentParam(c)
	if err != nil {
		return a, "", err
	}
	u, err := s.checkWebhookURL(c, raw)
	if err != nil {
		return a, "", err
	}
	secret, err := s.store.SetWebhook(c.Request().Context(), a.ID, u, actorName(c))
	return a, secret, err
}

func (s *Server) webhookForm(c echo.Context) error {
	_, secret, err := s.setWebhook(c, c.FormValue("webhook_url"))
	if prep.KindOf(err) == prep.Invalid {
		return s.renderAssessment(c, http.StatusBadRequest, "", prep.Message(err))
	}
	if err != nil {
		return err
	}
	c.Set(newSecretKey, secret)
	return s.renderAssessment(c, http.StatusOK, "", "")
}

func (s *Server) apiSetWebhook(c echo.Context) error {
	var in struct {
		URL string `json:"webhook_url"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return prep.Errorf(prep.Invalid, "webhook", `body must be JSON like {"webhook_url":"https://hooks.example.com/prep"} ("" removes it): %v`, err)
	}
	a, secret, err := s.setWebhook(c, in.URL)
	if err != nil {
		return err
	}
	a, err = s.store.Assessment(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"id": a.ID, "webhook_url": a.WebhookURL, "webhook_secret": secret})
}

func (s *Server) deliveriesOf(c echo.Context, a store.Assessment) ([]deliveryJSON, error) {
	list, err := s.store.Deliveries(c.Request().Context(), a.ID)
	if err != nil {
		return nil, err
	}
	out := make([]deliveryJSON, 0, len(list))
	for _, d := range list {
		out = append(out, toDeliveryJSON(d))
	}
	return out, nil
}

func (s *Server) apiDeliveries(c echo.Context) error {
	a, err := s.assessmentParam(c)
	if err != nil {
		return err
	}
	out, err := s.deliveriesOf(c, a)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"deliveries": out})
}

// redirectToAssessment is where a form about assessment id goes after.
func redirectToAssessment(c echo.Context, id int64) error {
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/assessments/%d", id))
}

// showAssessmentWithSecret renders the new assessment's page with its webhook secret,
// shown this once.
func (s *Server) showAssessmentWithSecret(c echo.Context, a store.Assessment) error {
	if a.WebhookSecret == "" {
		return redirectToAssessment(c, a.ID)
	}
	c.SetParamNames("id")
	c.SetParamValues(strconv.FormatInt(a.ID, 10))
	c.Set(newSecretKey, a.WebhookSecret)
	return s.renderAssessment(c, http.StatusCreated, "", "")
}
