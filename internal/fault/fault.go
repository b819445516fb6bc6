// Package fault is the one error type every layer returns, so that the web
// and the command line can turn any failure into a stable code and a message
// a person can act on, without leaking internals.
package fault

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code is a stable, machine-readable error class. API clients rely on these
// strings, so they never change once published.
type Code string

// The codes. Their HTTP mapping lives in the web package, in one place.
const (
	Invalid      Code = "invalid"      // the input is wrong; Fields says where
	NotFound     Code = "not_found"    // no such object, or the caller may not know it exists
	Forbidden    Code = "forbidden"    // the caller is known but may not do this
	Unauthorized Code = "unauthorized" // the caller must sign in first
	Conflict     Code = "conflict"     // the object is not in a state that allows this
	TooLarge     Code = "too_large"    // the request body or upload exceeds a limit
	RateLimited  Code = "rate_limited" // too many attempts; wait and retry
	Internal     Code = "internal"     // a bug or an outage; details are logged, not shown
	Unavailable  Code = "unavailable"  // a check could not be made just now (e.g. the database is busy); retry
)

// Error carries a code, a message for people and, for invalid input, the
// message for each offending field.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+e.Fields[k])
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf builds an Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fields collects per-field validation messages; its Err returns nil when
// nothing was added, so validators read top to bottom without branching.
type Fields map[string]string

// Add records a message for a field, keeping the first one given.
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns an Invalid error listing the fields, or nil if there are none.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Some answers need correcting.", Fields: map[string]string(f)}
}

// CodeOf returns the code of err, or Internal for errors that are not ours.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the message safe to show a person: ours verbatim, and a
// generic sentence for anything else so internals never reach a page.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. It has been logged; please try again."
}

// FieldsOf returns the per-field messages of an Invalid error, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
