package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/api"
)

// MaxRequestBytes is the largest encoded request body the client sends. Gleap does not document a limit;
// a message is a few KiB (MaxTextBytes of text encode to well under this), so a larger body is a mistake,
// such as a whole file pasted into Data, rather than a message.
const MaxRequestBytes = 1 << 20

// CheckMessage reports what Messages.Create (or Messages.Update) would refuse in req before sending it: a
// *ValidationError, or nil. It sends nothing. Use it to check many messages before sending the first, as
// `gleap send --batch` does.
func CheckMessage(req CreateMessageRequest) error {
	if _, err := encodeChecked(req); err != nil {
		return err
	}
	return nil
}

// encodeChecked encodes req as it is sent and checks it (checkMessageInput); a problem is a
// *ValidationError. Encoding checks every json.RawMessage field.
func encodeChecked(req CreateMessageRequest) ([]byte, error) {
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkMessageInput(&req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}

// checkMessageInput checks what can be checked of a new or changed message without guessing Gleap's
// rules: something is set, the body is not over MaxRequestBytes, an id that is set is not blank, every
// attachment has a name and a URL and a channel has an id (Gleap's published document requires both), and
// every string is valid UTF-8 (encoding/json would otherwise send U+FFFD in place of the caller's bytes).
// encoded is req as it will be sent.
func checkMessageInput(req *api.MessageInput, encoded []byte) *ValidationError {
	if invalid := checkBody(encoded); invalid != nil {
		return invalid
	}
	if invalid := checkSetIDs(
		namedID{"ticket", req.Ticket}, namedID{"user", req.User}, namedID{"session", req.Session}, namedID{"emailId", req.EmailID},
		namedID{"outbound", req.Outbound}, namedID{"outboundTemplate", req.OutboundTemplate},
	); invalid != nil {
		return invalid
	}
	if req.Channel != nil && isBlank(req.Channel.ID) {
		return &ValidationError{Field: "channel.id", Problem: "must be set when a channel is given"}
	}
	for i, attachment := range req.Attachments {
		if err := checkAttachment(attachment); err != nil {
			err.Field = fmt.Sprintf("attachments[%d].%s", i, err.Field)
			return err
		}
	}
	return findInvalidUTF8(*req, encoded)
}

// checkBody checks what every request body is checked for once encoded: it is at most MaxRequestBytes
// and sets a field.
func checkBody(encoded []byte) *ValidationError {
	if len(encoded) > MaxRequestBytes {
		return &ValidationError{Field: "request", Problem: fmt.Sprintf("encodes to %d bytes, more than the %d accepted", len(encoded), MaxRequestBytes)}
	}
	if string(encoded) == "{}" {
		return &ValidationError{Field: "request", Problem: "sets no field, so there is nothing to send"}
	}
	return nil
}

// namedID is an id a request may set, with the name of its field.
type namedID struct {
	field string
	value *string
}

// checkSetIDs refuses the first id that is set but blank.
func checkSetIDs(ids ...namedID) *ValidationError {
	for _, id := range ids {
		if id.value != nil && isBlank(*id.value) {
			return &ValidationError{Field: id.field, Problem: "must not be blank when it is set"}
		}
	}
	return nil
}

// findInvalidUTF8 names the string of req, a request, that is not valid UTF-8: encoding/json would send
// U+FFFD in place of the caller's bytes. encoding/json writes invalid UTF-8 in a string as the escape
// \ufffd (and a real U+FFFD as its raw bytes), and copies a json.RawMessage as it is; only a body
// holding that escape or invalid UTF-8 needs the field-by-field search. encoded is req as it is sent.
func findInvalidUTF8(req any, encoded []byte) *ValidationError {
	if bytes.Contains(encoded, []byte(`\ufffd`)) || !utf8.Valid(encoded) {
		return findField(reflect.ValueOf(req), "", invalidUTF8)
	}
	return nil
}

func isBlank(value string) bool {
	return strings.TrimSpace(value) == ""
}

// maxIDBytes is the longest id that goes into a URL path: escaped, it may take three times as many bytes,
// and servers and proxies refuse request lines of 8 KiB or more.
const maxIDBytes = 1024

// checkID checks an id that goes into a URL path. The generated request builders escape it, so "a/b" or
// "a b" stay one path segment; but "." and ".." would still be read as a step within the path, sending
// the request to another endpoint, and an id of more than maxIDBytes bytes makes a request line servers
// refuse.
func checkID(field, id string) error {
	switch {
	case isBlank(id):
		return &ValidationError{Field: field, Problem: "must not be blank"}
	case !utf8.ValidString(id):
		return &ValidationError{Field: field, Problem: "is not valid UTF-8"}
	case id == "." || id == "..":
		return &ValidationError{Field: field, Problem: "is not an id"}
	case len(id) > maxIDBytes:
		return &ValidationError{Field: field, Problem: fmt.Sprintf("is longer than %d bytes", maxIDBytes)}
	}
	return nil
}

// checkAttachment requires what Gleap's published document requires of an attachment, a name and a URL,
// and that the URL is an absolute http or https one: the reader downloads the file from it, and any
// other scheme (javascript:, file:, data:) is at best useless to them.
func checkAttachment(attachment Attachment) *ValidationError {
	if isBlank(attachment.Name) {
		return &ValidationError{Field: "name", Problem: "must not be blank"}
	}
	if isBlank(attachment.URL) {
		return &ValidationError{Field: "url", Problem: "must not be blank"}
	}
	parsed, err := url.Parse(attachment.URL)
	if err != nil || parsed.Scheme != "https" && parsed.Scheme != "http" || parsed.Host == "" {
		return &ValidationError{Field: "url", Problem: "must be an absolute http(s) URL, such as https://example.com/file.pdf"}
	}
	return nil
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// invalidJSONField names the field that made req impossible to encode: one of its pass-through JSON
// fields that does not parse.
func invalidJSONField(req any) *ValidationError {
	if invalid := findField(reflect.ValueOf(req), "", invalidJSON); invalid != nil {
		return invalid
	}
	return &ValidationError{Field: "request", Problem: "cannot be encoded as JSON"}
}

// invalidJSON is the problem of a pass-through JSON field that does not parse.
func invalidJSON(leaf reflect.Value) string {
	if leaf.Type() == rawMessageType && leaf.Len() > 0 && !json.Valid(leaf.Bytes()) {
		return "is not valid JSON"
	}
	return ""
}

// invalidUTF8 is the problem of a string that encoding/json would not send as it is, or of a
// pass-through JSON field that is not UTF-8 as JSON must be.
func invalidUTF8(leaf reflect.Value) string {
	if leaf.Kind() == reflect.String && !utf8.ValidString(leaf.String()) ||
		leaf.Type() == rawMessageType && !utf8.Valid(leaf.Bytes()) {
		return "is not valid UTF-8"
	}
	return ""
}

// findField walks value (a request) down to its strings and pass-through JSON fields and returns the
// first one for which problem says something, named by its JSON path ("attachments[0].name"). It runs
// only after a cheap test on the encoded body found a problem, so the reflection stays off the path of a
// valid request.
func findField(value reflect.Value, path string, problem func(reflect.Value) string) *ValidationError {
	if value.Type() == rawMessageType || value.Kind() == reflect.String {
		if text := problem(value); text != "" {
			return &ValidationError{Field: path, Problem: text}
		}
		return nil
	}
	switch value.Kind() {
	case reflect.Pointer:
		if !value.IsNil() {
			return findField(value.Elem(), path, problem)
		}
	case reflect.Struct:
		for i := range value.NumField() {
			name := jsonName(value.Type().Field(i))
			if name == "" || name == "-" {
				continue
			}
			if path != "" {
				name = path + "." + name
			}
			if err := findField(value.Field(i), name, problem); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range value.Len() {
			if err := findField(value.Index(i), fmt.Sprintf("%s[%d]", path, i), problem); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonName is the name a struct field has in JSON, from its generated tag.
func jsonName(field reflect.StructField) string {
	name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
	return name
}
