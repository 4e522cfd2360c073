package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"prep"
)

// statusOf maps each error kind to its HTTP status; this is the only place that does.
var statusOf = map[prep.Kind]int{
	prep.Invalid:      http.StatusBadRequest,
	prep.NotFound:     http.StatusNotFound,
	prep.Conflict:     http.StatusConflict,
	prep.Unauthorized: http.StatusUnauthorized,
	prep.Forbidden:    http.StatusForbidden,
	prep.TooMany:      http.StatusTooManyRequests,
	prep.Unavailable:  http.StatusServiceUnavailable,
	prep.Internal:     http.StatusInternalServerError,
}

// kindOfStatus is the reverse, for echo's own errors (unknown route, body too large).
func kindOfStatus(status int) prep.Kind {
	for k, s := range statusOf {
		if s == status {
			return k
		}
	}
	if status >= 400 && status < 500 {
		return prep.Invalid
	}
	return prep.Internal
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Kind    prep.Kind `json:"kind"`
		Message string    `json:"message"`
	} `json:"error"`
}

// handleError turns any error a handler returns into a response: JSON for the API and
// clients that ask for it, the error page otherwise. Internal errors are logged with the
// request id and shown only as "internal error (id …)".
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if clientClosed(err) {
		// Not a failure of the server: the client went away (closed the tab, lost the
		// network) and no one is left to read an answer. The request log records it
		// with StatusClientClosed.
		c.Response().Status = StatusClientClosed
		return
	}
	kind, msg := prep.KindOf(err), prep.Message(err)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		kind = kindOfStatus(he.Code)
		msg = strings.ToLower(fmt.Sprint(he.Message))
		if he.Code == http.StatusNotFound {
			msg = "nothing at " + c.Request().URL.Path
		}
	}
	status := statusOf[kind]
	if he != nil {
		status = he.Code
	}
	if kind == prep.Internal {
		id := c.Response().Header().Get(echo.HeaderXRequestID)
		s.log.Error("internal error", slog.String("id", id), slog.String("uri", c.Request().RequestURI), slog.Any("err", err))
		msg = "internal error (id " + id + ")"
	}
	var ra interface{ RetryAfter() int }
	if errors.As(err, &ra) {
		c.Response().Header().Set("Retry-After", fmt.Sprint(ra.RetryAfter()))
	}
	if wantsJSON(c) {
		var body errorBody
		body.Error.Kind, body.Error.Message = kind, msg
		err = c.JSON(status, body)
	} else {
		err = s.render(c, status, "error", map[string]any{"Title": http.StatusText(status), "Status": status, "Kind": kind, "Message": msg})
	}
	if err != nil {
		s.log.Error("writing error response", slog.Any("err", err))
	}
}

// clientClosedError is an error a handler returned because its client went away.
type clientClosedError struct{ err error }

func (e clientClosedError) Error() string { return "client closed the request: " + e.err.Error() }
func (e clientClosedError) Unwrap() error { return e.err }

// noticeClientClosed marks the errors of handlers whose client closed its connection
// while they ran: the request's context is cancelled (net/http does that when the
// connection goes) and the error says so. It must run inside the request timeout, whose
// context is cancelled once the handler returns; a deadline that passed is the
// server's doing and stays an error.
func noticeClientClosed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err != nil && errors.Is(err, context.Canceled) && errors.Is(c.Request().Context().Err(), context.Canceled) {
			return clientClosedError{err}
		}
		return err
	}
}

// clientClosed reports whether err is one noticeClientClosed marked.
func clientClosed(err error) bool {
	var cc clientClosedError
	return errors.As(err, &cc)
}

// wantsJSON reports whether the client is the API, sent JSON, or asked for JSON.
func wantsJSON(c echo.Context) bool {
	if strings.HasPrefix(c.Request().URL.Path, "/api/") || strings.HasPrefix(c.Request().Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		return true
	}
	accept := c.Request().Header.Get(echo.HeaderAccept)
	return strings.Contains(accept, echo.MIMEApplicationJSON) && !strings.Contains(accept, echo.MIMETextHTML)
}
