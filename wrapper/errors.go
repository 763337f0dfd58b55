package wrapper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// ErrInvalidResponse is wrapped by the error returned when Gleap answered a call with success but the
// answer could not be read (not JSON, or larger than the client accepts). The call itself took effect.
var ErrInvalidResponse = errors.New("invalid response")

// ErrOutcomeUnknown is wrapped by the error returned when a call that changes something failed after its
// request may have reached Gleap: a 5xx answer, a timeout or a connection broken after the request was
// sent. For Messages.Create, the message may or may not exist. Give the request a messageRef and post it
// with Messages.CreateOnce instead, which looks for the message in its ticket before it posts and after
// such a failure, and posts only when it is not there: calling it with a request that Create failed to
// post so settles the outcome. The bulk package does the same for many messages, across crashes, with a
// journal. Opt in to retrying such failures with RetryPolicy.RetryUnknownOutcome only if
// a duplicate is harmless to you. Messages.Update and Messages.Delete are retried after such failures;
// when they still fail, the change may or may not have been made.
var ErrOutcomeUnknown = errors.New("outcome unknown: the call may have taken effect")

// ValidationError reports input that was rejected before anything was sent. It names the field and the
// problem but never repeats the value, which may be a secret.
type ValidationError struct {
	// Field names the rejected input, such as "apiKey", "ticketID" or "attachments[0].url".
	Field string
	// Problem says what is wrong with it.
	Problem string
}

// Error says which input was rejected and why, as in "gleap: invalid ticketID: must not be blank".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("gleap: invalid %s: %s", e.Field, e.Problem)
}

// RequestError is returned by every call that got as far as the network and failed. It says how many
// attempts were made and whether the message may exist anyway; errors.As and errors.Is reach the cause
// in Err (an *APIError, a context error, a transport error or ErrInvalidResponse) and ErrOutcomeUnknown.
type RequestError struct {
	// Op names the call, such as "create message".
	Op string
	// Attempts is how many requests were sent, retries included. It is 0 when the context ended before
	// the first one.
	Attempts int
	// OutcomeUnknown is true when some attempt may have reached Gleap and acted (see ErrOutcomeUnknown).
	OutcomeUnknown bool
	// Err is why the last attempt failed.
	Err error
}

// Error gives the call, the cause and the attempts, as in
// "gleap: create message: 429 Too Many Requests: Slow down (3 attempts)".
func (e *RequestError) Error() string {
	detail := fmt.Sprintf("%d attempts", e.Attempts)
	if e.Attempts == 1 {
		detail = "1 attempt"
	}
	if e.OutcomeUnknown {
		detail += "; " + ErrOutcomeUnknown.Error()
	}
	return fmt.Sprintf("gleap: %s: %v (%s)", e.Op, e.Err, detail)
}

// Unwrap returns the cause, and ErrOutcomeUnknown when the outcome is unknown.
func (e *RequestError) Unwrap() []error {
	if e.OutcomeUnknown {
		return []error{e.Err, ErrOutcomeUnknown}
	}
	return []error{e.Err}
}

// APIError is the cause of a RequestError when Gleap answered with a status other than 2xx.
type APIError struct {
	// StatusCode is the HTTP status of the answer, such as 401 or 429.
	StatusCode int
	// Message is what the server said went wrong, or "" when its answer carried no message.
	Message string
	// RetryAfter is how long the server asked the client to wait (its Retry-After header), or 0.
	RetryAfter time.Duration
	// Body is the start of the raw answer (at most 4 KiB), for logging and debugging.
	Body []byte
}

// Error gives the status and the server's message, as in "401 Unauthorized: Invalid API key.".
func (e *APIError) Error() string {
	text := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		text += ": " + e.Message
	}
	return text
}

// maxErrorBodyBytes caps how much of an error answer an APIError keeps.
const maxErrorBodyBytes = 4 << 10

// serverMessage finds the human-readable message in an error body. Gleap's error bodies are not
// documented, so it accepts a "message" that is a string or a list of strings, falls back to "error", and
// gives up quietly on anything else (an HTML page from a proxy, say).
func serverMessage(body []byte) string {
	var decoded api.Error
	if json.Unmarshal(body, &decoded) != nil {
		return ""
	}
	var message string
	if json.Unmarshal(decoded.Message, &message) == nil && message != "" {
		return message
	}
	var messages []string
	if json.Unmarshal(decoded.Message, &messages) == nil && len(messages) > 0 {
		return strings.Join(messages, "; ")
	}
	if decoded.Error != nil {
		return *decoded.Error
	}
	return ""
}
