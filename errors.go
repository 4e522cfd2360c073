// Package prep holds what every layer of the prep server shares: the error type that
// separates messages a user can act on from internal failures.
//
// The packages below it are content (cards), labs (graded exercises), store (progress in
// SQLite) and web (HTTP); cmd/prep wires them together. Only web turns an Error's Kind
// into an HTTP status, in one place.
package prep

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind string

// The kinds of error. Every kind but Internal carries a message that is safe to show to
// the user who caused it.
const (
	Invalid      Kind = "invalid"      // the input is wrong; the message says where and how to fix it
	NotFound     Kind = "not_found"    // the thing asked for does not exist
	Conflict     Kind = "conflict"     // the request clashes with the current state
	Unauthorized Kind = "unauthorized" // sign-in is required or was refused
	Forbidden    Kind = "forbidden"    // signed in, but not allowed
	TooMany      Kind = "too_many"     // rate limited or queue full; try again later
	Unavailable  Kind = "unavailable"  // a dependency is not ready (for example the grader is shutting down)
	Internal     Kind = "internal"     // a bug or an I/O failure: logged, never shown
)

// Error is the one error type of prep. Msg is written for the user; Err is the cause,
// kept for logs. Op names the operation that failed ("store.Rate", "labs.Grade").
type Error struct {
	Kind Kind
	Op   string
	Msg  string
	Err  error
}

// Error implements error, giving operation, message and cause for logs.
func (e *Error) Error() string {
	s := e.Msg
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		if e.Msg == "" {
			return e.Op + ": " + e.Err.Error()
		}
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error of kind k whose user-facing message is formatted from format
// and args. A %w verb wraps a cause as usual.
func Errorf(k Kind, op, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Kind: k, Op: op, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// Wrap marks err as an internal failure of op. It returns nil for a nil err and leaves an
// Error that already has a kind as it is, adding op only where it had none.
func Wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: Internal, Op: op, Err: err}
}

// KindOf returns the kind of err: that of the outermost Error in its chain, Internal for
// any other non-nil error, and "" for nil.
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Kind != "" {
		return e.Kind
	}
	return Internal
}

// Message returns what may be shown to a user about err: the message of a non-internal
// Error, or "internal error" for anything else.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal && e.Kind != "" && e.Msg != "" {
		return e.Msg
	}
	return "internal error"
}
