package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gleap-community/gleap-go/internal/strictjson"
)

// maxJSONInputBytes caps what --json reads: a message is a few KiB.
const maxJSONInputBytes = 8 << 20

// readJSON decodes the one JSON object in file ("-" is in) into into, with strictjson.Decode: unknown
// fields, a member given twice or spelled in another case than its field are errors rather than guessed
// at, and so is anything but whitespace after the object: a second message or a truncated concatenation
// must not go unnoticed. what names the object in errors, as in "a message".
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
	data, err := io.ReadAll(capped)
	switch {
	case err != nil:
		return fmt.Errorf("gleap: --json: %w", err)
	case capped.N == 0:
		return fmt.Errorf("gleap: --json: the input is over the %d MiB limit", maxJSONInputBytes>>20)
	}
	err = strictjson.Decode(data, into)
	switch {
	case errors.Is(err, strictjson.ErrDataAfterValue):
		return errors.New("gleap: --json: there is data after the message: give exactly one JSON object")
	case err != nil:
		return fmt.Errorf("gleap: --json: not %s: %w", what, err)
	}
	return nil
}
