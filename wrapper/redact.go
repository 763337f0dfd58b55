package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/internal/redact"
)

// redacted replaces the API key wherever text from outside the client could carry it.
const redacted = redact.Mark

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
	// headerName redacts a header name, in which net/http has changed the case of every letter.
	headerName func(string) string
	// reach is how many bytes the key can take in a text, every character of it spelled as a JSON \u
	// escape: a text to be cut is read that much longer than it is kept, so that a key across the cut
	// is still seen whole.
	reach int
}

// newRedactor returns the redactor of apiKey, matched in every form redact.New knows: as it is, inside
// a JSON string, Go-quoted, and query- and path-escaped (a transport error quotes the request's URL,
// where a cursor or an id the server sent is escaped).
func newRedactor(apiKey string) redactor {
	key := redact.New(apiKey)
	lowerKey := strings.ToLower(apiKey)
	return redactor{
		reach: key.Reach(),
		text:  key.Text,
		headerName: func(name string) string {
			if strings.Contains(strings.ToLower(name), lowerKey) {
				return redacted
			}
			return name
		},
		cut: key.Cut,
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

// body returns body with the key taken out: as text, and where JSON escapes spell it. Such a body is
// decoded, redacted string by string and encoded again when it is a JSON document, and withheld whole
// when it is not (an error body cut short, or text around JSON). Whether escapes spell the key is decided
// on the whole text, every escape decoded wherever it stands, so that neither a duplicate member (of
// which decoding keeps only the last), a stray quote nor a word before the JSON can hide it.
func (r redactor) body(body []byte) []byte {
	clean := []byte(r.text(string(body)))
	if !r.spelledEscaped(clean) {
		return clean
	}
	var decoded any
	if json.Unmarshal(clean, &decoded) != nil {
		return []byte(redacted)
	}
	reencoded, err := encodeJSON(r.walk(decoded))
	if err != nil || r.spelledEscaped(reencoded) {
		return []byte(redacted)
	}
	return reencoded
}

// spelledEscaped reports whether text, with every JSON escape in it decoded, holds the key.
func (r redactor) spelledEscaped(text []byte) bool {
	if !bytes.ContainsRune(text, '\\') {
		return false
	}
	unescaped := unescapeJSON(text)
	return r.text(unescaped) != unescaped
}

// unescapeJSON decodes every escape JSON defines (\uXXXX with surrogate pairs, \n, \", ...) wherever it
// stands in text, inside a string literal or not, and keeps everything else as it is.
func unescapeJSON(text []byte) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); i++ {
		if text[i] != '\\' || i+1 == len(text) {
			b.WriteByte(text[i])
			continue
		}
		i++
		if text[i] != 'u' {
			b.WriteByte(unescapedByte(text[i]))
			continue
		}
		code, ok := hex4(text[i+1:])
		if !ok {
			b.WriteString(`\u`)
			continue
		}
		i += 4
		if low, ok := hex4(text[min(i+3, len(text)):]); ok && utf16.IsSurrogate(rune(code)) && i+2 < len(text) && text[i+1] == '\\' && text[i+2] == 'u' {
			if paired := utf16.DecodeRune(rune(code), rune(low)); paired != utf8.RuneError {
				b.WriteRune(paired)
				i += 6
				continue
			}
		}
		b.WriteRune(rune(code))
	}
	return b.String()
}

// unescapedByte is the byte a JSON escape \c stands for; an escape JSON does not define stands for c.
func unescapedByte(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c
}

// hex4 reads the four hexadecimal digits text starts with.
func hex4(text []byte) (uint16, bool) {
	if len(text) < 4 {
		return 0, false
	}
	code, err := strconv.ParseUint(string(text[:4]), 16, 16)
	return uint16(code), err == nil
}

// walk redacts every string (object keys included) in a decoded JSON value.
func (r redactor) walk(value any) any {
	switch value := value.(type) {
	case string:
		return r.text(value)
	case []any:
		for i, item := range value {
			value[i] = r.walk(item)
		}
	case map[string]any:
		walked := make(map[string]any, len(value))
		for key, item := range value {
			walked[r.text(key)] = r.walk(item)
		}
		return walked
	}
	return value
}

// header returns a copy of header with the key taken out of every name and value.
func (r redactor) header(header http.Header) http.Header {
	clean := make(http.Header, len(header))
	for name, values := range header {
		redactedValues := make([]string, len(values))
		for i, value := range values {
			redactedValues[i] = r.text(value)
		}
		name = r.headerName(r.text(name))
		clean[name] = append(clean[name], redactedValues...)
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
