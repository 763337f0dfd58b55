package wrapper

import (
	"encoding/json"
	"strings"
)

// redacted replaces the API key wherever text from outside the client could carry it.
const redacted = "[REDACTED]"

// newRedactor returns a function that removes apiKey from text the client did not write itself: an error
// answer's body, or a transport error quoting a malformed answer. A hostile or confused server can echo the
// key back ("Invalid API key gl_sk_..."); the client's errors and log lines must not carry it on. The key
// is matched as it is and as it looks inside a JSON string, where encoding/json escapes <, > and &.
//
// The key is held only by the closure, so that printing a Client never shows it.
func newRedactor(apiKey string) func(string) string {
	pairs := []string{apiKey, redacted}
	if encoded, err := json.Marshal(apiKey); err == nil {
		if escaped := string(encoded[1 : len(encoded)-1]); escaped != apiKey {
			pairs = append(pairs, escaped, redacted)
		}
	}
	replacer := strings.NewReplacer(pairs...)
	return replacer.Replace
}

// redactedError is an error whose text came from outside the client and held the API key: Error gives
// the text without it, and Unwrap still reaches the original for errors.Is and errors.As.
type redactedError struct {
	text string
	err  error
}

// Error returns the original error's text with the API key replaced by [REDACTED].
func (e *redactedError) Error() string { return e.text }

// Unwrap returns the original error.
func (e *redactedError) Unwrap() error { return e.err }

// redactError returns err, or err wrapped so that its text no longer holds what redact removes.
func redactError(err error, redact func(string) string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if clean := redact(text); clean != text {
		return &redactedError{text: clean, err: err}
	}
	return err
}
