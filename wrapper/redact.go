package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// redacted replaces the API key wherever text from outside the client could carry it.
const redacted = "[REDACTED]"

// redactor removes the API key from text the client did not write itself: an answer's body or headers,
// or a transport error quoting a malformed answer. A hostile or confused server can echo the key back
// ("Invalid API key gl_sk_..."); the client's errors, log lines and raw answers must not carry it on.
//
// It is made of closures so that the key is never in a field: printing a Client, even with a
// pointer-following printer, never shows it.
type redactor struct {
	// text replaces every form of the key in a text.
	text func(string) string
	// cut redacts a text and cuts it to at most limit bytes, dropping a tail that is the start of a form
	// of the key, which the cut may have split.
	cut func(text string, limit int) string
	// reach is how many bytes a form of the key can take: a text to be cut is read that much longer than
	// it is kept, so that a key across the cut is still seen whole and replaced.
	reach int
}

// newRedactor returns the redactor of apiKey. The key is matched as it is, as it looks inside a JSON
// string (where encoding/json also escapes <, > and &), as Go's %q quotes it, and as a URL's query and
// path escape it: the forms in which a server's answer, a decoded message and a transport error (which
// quotes the request's URL, where a cursor or an id the server sent is escaped) can hold it.
func newRedactor(apiKey string) redactor {
	forms := []string{apiKey}
	addForm := func(form string) {
		if !slices.Contains(forms, form) {
			forms = append(forms, form)
		}
	}
	if encoded, err := json.Marshal(apiKey); err == nil {
		addForm(string(encoded[1 : len(encoded)-1]))
	}
	quoted := strconv.Quote(apiKey)
	addForm(quoted[1 : len(quoted)-1])
	addForm(url.QueryEscape(apiKey))
	addForm(url.PathEscape(apiKey))
	pairs := make([]string, 0, 2*len(forms))
	for _, form := range forms {
		pairs = append(pairs, form, redacted)
	}
	replacer := strings.NewReplacer(pairs...)
	reach := 0
	for _, form := range forms {
		reach = max(reach, len(form))
	}
	return redactor{
		reach: reach,
		text:  replacer.Replace,
		cut: func(text string, limit int) string {
			text = replacer.Replace(text)
			if len(text) <= limit {
				return text
			}
			text = text[:limit]
			for _, form := range forms {
				for n := len(form) - 1; n > 0; n-- {
					if strings.HasSuffix(text, form[:n]) {
						text = text[:len(text)-n]
						break
					}
				}
			}
			return text
		},
	}
}

// maxQuotedBytes is the longest text from a server that an error quotes. A longer one is described by its
// length instead, never cut: a cut can split the key into a piece that no redaction recognises.
const maxQuotedBytes = 64

// quote returns text from a server for an error: Go-quoted with the key taken out, or, when longer than
// maxQuotedBytes, only its length.
func (r redactor) quote(text string) string {
	if len(text) > maxQuotedBytes {
		return fmt.Sprintf("of %d bytes", len(text))
	}
	return strconv.Quote(r.text(text))
}

// body returns body with the key taken out: as text, and, when body is JSON, also from every string it
// decodes to, since JSON can spell the key with \u escapes that no text match sees. A JSON body that held
// the key that way comes back re-encoded.
func (r redactor) body(body []byte) []byte {
	clean := []byte(r.text(string(body)))
	var decoded any
	if json.Unmarshal(clean, &decoded) != nil {
		// Not JSON, or JSON cut short (an error body is read only so far): its strings can still spell
		// the key with escapes, and a cut-short document cannot be encoded again, so it is withheld.
		if r.spelledInJSON(clean) {
			return []byte(redacted)
		}
		return clean
	}
	changed := false
	decoded = r.walk(decoded, &changed)
	if !changed {
		return clean
	}
	reencoded, err := encodeJSON(decoded)
	if err != nil {
		return []byte(redacted)
	}
	return reencoded
}

// spelledInJSON reports whether a string of text, read as JSON as far as it goes, decodes to the key.
func (r redactor) spelledInJSON(text []byte) bool {
	decoder := json.NewDecoder(bytes.NewReader(text))
	for {
		token, err := decoder.Token()
		if err != nil {
			return false
		}
		if s, ok := token.(string); ok && r.text(s) != s {
			return true
		}
	}
}

// walk redacts every string (object keys included) in a decoded JSON value, noting whether one changed.
func (r redactor) walk(value any, changed *bool) any {
	switch value := value.(type) {
	case string:
		clean := r.text(value)
		*changed = *changed || clean != value
		return clean
	case []any:
		for i, item := range value {
			value[i] = r.walk(item, changed)
		}
	case map[string]any:
		walked := make(map[string]any, len(value))
		for key, item := range value {
			walked[r.walk(key, changed).(string)] = r.walk(item, changed)
		}
		return walked
	}
	return value
}

// header returns a copy of header with the key taken out of every value.
func (r redactor) header(header http.Header) http.Header {
	clean := header.Clone()
	for name, values := range clean {
		for i, value := range values {
			values[i] = r.text(value)
		}
		clean[name] = values
	}
	return clean
}

// redactedError stands for an error whose text came from outside the client and held the API key. Its
// text is the original's without the key. It does not unwrap to the original (whose text still holds
// the key); it keeps what callers test for: errors.Is for the context's and io's end-of-input errors, and
// Timeout for net.Error.
type redactedError struct {
	text    string
	timeout bool
	causes  []error
}

// Error returns the original error's text with the API key replaced by [REDACTED].
func (e *redactedError) Error() string { return e.text }

// Unwrap returns the sentinel errors the original matched.
func (e *redactedError) Unwrap() []error { return e.causes }

// Timeout reports whether the original error was a timeout, as net.Error does.
func (e *redactedError) Timeout() bool { return e.timeout }

// Temporary is false: net.Error requires it, and the standard library no longer sets it meaningfully.
func (e *redactedError) Temporary() bool { return false }

// sentinels are the errors a caller may test for with errors.Is that a redacted error keeps.
var sentinels = []error{context.Canceled, context.DeadlineExceeded, io.EOF, io.ErrUnexpectedEOF, ErrInvalidResponse}

// redactError returns err, or a *redactedError in its place when its text holds what r removes.
func (r redactor) redactError(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	clean := r.text(text)
	if clean == text {
		return err
	}
	redactedErr := &redactedError{text: clean}
	var timeout interface{ Timeout() bool }
	redactedErr.timeout = errors.As(err, &timeout) && timeout.Timeout()
	for _, sentinel := range sentinels {
		if errors.Is(err, sentinel) {
			redactedErr.causes = append(redactedErr.causes, sentinel)
		}
	}
	return redactedErr
}
