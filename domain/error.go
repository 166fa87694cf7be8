// Package domain holds the business vocabulary and rules of tenant user
// administration. It imports no database driver and no transport: storage
// (package db) and GraphQL (package graph) implement or call what is here.
package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Application error codes. They are part of the public contract: the GraphQL
// layer maps them to extensions.code, and userErrors carry them verbatim.
const (
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ENOTFOUND        = "NOT_FOUND"
	ECONFLICT        = "CONFLICT"
	EINVALID         = "BAD_USER_INPUT"
	ERATELIMITED     = "RATE_LIMITED"
	EUNAVAILABLE     = "UNAVAILABLE"
	EINTERNAL        = "INTERNAL"
)

// Error is an application error: a code a client can branch on, a message a
// person can read, and optionally the input field it is about.
type Error struct {
	Code    string
	Field   string
	Message string
	// Reason refines Code for business rules (e.g. USERNAME_TAKEN under
	// CONFLICT); clients show it in userErrors.
	Reason string
	// RetryAfter tells a rate-limited client when to try again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an application error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns a validation error about one input field, with a
// machine-readable reason.
func FieldError(field, reason, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error; any other error
// reads "Internal error." so that internals never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// AsError returns the application error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Errors is every failure of one input, one per field at fault, reported
// together so that a client can show them all at once. Validation collects
// into it (Add) and returns Err(): nil when nothing failed.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap lets errors.As and AsError find the first failure, so callers that
// look at one error (extensions.code of a GraphQL error) keep working.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Add records err's application errors (all of them for an Errors) and
// reports whether err was nil. Any other error is recorded as internal.
func (es *Errors) Add(err error) bool {
	if err == nil {
		return true
	}
	var many Errors
	if errors.As(err, &many) {
		*es = append(*es, many...)
	} else if e := AsError(err); e != nil {
		*es = append(*es, e)
	} else {
		*es = append(*es, &Error{Code: EINTERNAL, Message: "Internal error."})
	}
	return false
}

// Err returns the collected failures as one error, nil when there are none.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// AllErrors returns the application errors in err: every one of an Errors,
// else the single one, else nil.
func AllErrors(err error) []*Error {
	var many Errors
	if errors.As(err, &many) {
		return many
	}
	if e := AsError(err); e != nil {
		return []*Error{e}
	}
	return nil
}
