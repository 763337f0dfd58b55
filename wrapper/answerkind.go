package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// jsonKinds is implemented by answer types that accept JSON values other than an object, such as a page
// of messages, which Gleap may also send as a bare array. Every other answer must be an object: a null,
// an array, a string, a number or a boolean where a message was expected would otherwise decode into an
// empty value without an error.
type jsonKinds interface {
	acceptsJSON(first byte) bool
}

// checkKind returns an error wrapping ErrInvalidResponse when the JSON value body holds is not of a kind
// into accepts, or, starting as no accepted kind does, is not JSON at all. It names the kind, never
// quoting the body, which the server wrote.
func checkKind(body []byte, into any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil // not JSON at all: decoding says so
	}
	first := trimmed[0]
	accepted := first == '{'
	if kinds, ok := into.(jsonKinds); ok {
		accepted = kinds.acceptsJSON(first)
	}
	switch {
	case accepted:
		return nil // decoding says whether it is whole
	case !json.Valid(trimmed):
		// Its first byte only looks like one kind of value: "not json" starts as null would.
		return fmt.Errorf("%w: the answer is not JSON", ErrInvalidResponse)
	}
	return fmt.Errorf("%w: the answer is %s where an object was expected", ErrInvalidResponse, kindOf(first))
}

// kindOf names the kind of the JSON value that starts with first.
func kindOf(first byte) string {
	switch first {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	}
	return "not JSON"
}
