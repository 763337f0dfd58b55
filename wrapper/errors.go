package wrapper

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gleap-community/gleap-go/api"
)

// ErrInvalidResponse is wrapped by the error returned when Gleap answered a call with success but the
// answer could not be read (not JSON, or larger than the client accepts). The call itself took effect.
var ErrInvalidResponse = errors.New("gleap: invalid response")

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

// APIError is returned when Gleap answers with a status other than 2xx.
type APIError struct {
	// StatusCode is the HTTP status of the answer, such as 401 or 429.
	StatusCode int
	// Message is what the server said went wrong, or "" when its answer carried no message.
	Message string
	// Body is the start of the raw answer (at most 4 KiB), for logging and debugging.
	Body []byte
}

// Error gives the status and the server's message, as in "gleap: 401 Unauthorized: Invalid API key.".
func (e *APIError) Error() string {
	text := fmt.Sprintf("gleap: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		text += ": " + e.Message
	}
	return text
}

// maxErrorBodyBytes caps how much of an error answer an APIError keeps.
const maxErrorBodyBytes = 4 << 10

// newAPIError builds the error for a non-2xx answer from its status and the start of its body (the caller
// reads at most maxErrorBodyBytes of it).
func newAPIError(statusCode int, body []byte) *APIError {
	return &APIError{StatusCode: statusCode, Message: serverMessage(body), Body: body}
}

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
