package gleaptest

import (
	"fmt"
	"unicode/utf8"
)

// maxViolationBytes bounds the reason a violation keeps. kin-openapi's reasons print the offending value
// whole, several times the size of the body it came from; the start of a reason says what is wrong.
const maxViolationBytes = 64 << 10

// violation is a contract violation as the server keeps it: the text of the reason, at most
// maxViolationBytes of it, and nothing else. The validator's own errors hold the request, its decoded
// body and its connection's context, many times what the text says; a record keeps a violation for as
// long as it is kept, and counts only the text.
type violation struct {
	reason string
}

// newViolation keeps the reason err gives, cut to maxViolationBytes. It formats err once: a long reason
// takes a while to format.
func newViolation(err error) error {
	reason := err.Error()
	if len(reason) <= maxViolationBytes {
		return &violation{reason: reason}
	}
	cut := maxViolationBytes
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	// The concatenation copies the start, so the whole reason is not kept alive beneath it.
	return &violation{reason: reason[:cut] + fmt.Sprintf("… (%d more bytes)", len(reason)-cut)}
}

func (v *violation) Error() string {
	return v.reason
}
