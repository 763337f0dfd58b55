package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxJSONInputBytes caps what --json reads: a message is a few KiB.
const maxJSONInputBytes = 8 << 20

// readJSON decodes the one JSON object in file ("-" is in) into into. Unknown fields are an error rather
// than dropped without a word, and so is anything but whitespace after the object: a second message or a
// truncated concatenation must not go unnoticed. what names the object in errors, as in "a message".
func readJSON(file string, in io.Reader, into any, what string) error {
	if file != "-" {
		opened, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("gleap: --json: %w", err)
		}
		defer opened.Close()
		in = opened
	}
	// One byte past the cap tells an input over the cap from one that ends exactly at it.
	capped := &io.LimitedReader{R: in, N: maxJSONInputBytes + 1}
	err := decodeOne(capped, into)
	switch {
	case capped.N == 0: // whatever else went wrong, it came from cutting the input short
		return fmt.Errorf("gleap: --json: the input is over the %d MiB limit", maxJSONInputBytes>>20)
	case errors.Is(err, errDataAfterObject):
		return fmt.Errorf("gleap: --json: %w", err)
	case err != nil:
		return fmt.Errorf("gleap: --json: not %s: %w", what, err)
	}
	return nil
}

// errDataAfterObject reports input that goes on after the object.
var errDataAfterObject = errors.New("there is data after the message: give exactly one JSON object")

// decodeOne decodes the one JSON value in r into into: an unknown field is an error, and anything but
// whitespace after the value is errDataAfterObject.
func decodeOne(r io.Reader, into any) error {
	decoder := json.NewDecoder(r)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		return err
	}
	_, err := decoder.Token()
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil, errors.As(err, &syntaxErr):
		return errDataAfterObject
	default:
		return err
	}
}
