package contract

import (
	"fmt"
	"net/http"
	"unicode/utf8"
)

// maxViolationBytes bounds the reason a violation keeps. kin-openapi's reasons print the offending value
// whole, several times the size of the body it came from; the start of a reason says what is wrong.
const maxViolationBytes = 64 << 10

// Violation is traffic that breaks a document, as a server can keep it: the text of the reason, at most
// 64 KiB of it (a longer one ends with how many bytes were cut), and nothing else. kin-openapi's own
// errors hold the request, its decoded body and its connection's context, many times what the text
// says; a server keeps a violation for as long as it keeps the request's record.
type Violation struct {
	// Document is the name of the document broken: OpenAPIYAML, or the name given to Published.
	Document string
	// Published tells a third-party document's violation from one of openapi.yaml: its text starts
	// with the document's name.
	Published bool

	reason string
}

// Error returns the reason, after the document's name when it is a third-party one.
func (v *Violation) Error() string {
	if v.Published {
		return v.Document + ": " + v.reason
	}
	return v.reason
}

// violation returns the violation of d by req, the request or its answer (what says which, such as
// "request"), for the reason err gives.
func (d *Document) violation(what string, req *http.Request, err error) *Violation {
	return &Violation{Document: d.name, Published: d.published,
		reason: cutReason(fmt.Sprintf("%s %s %s: %v", what, req.Method, req.URL.EscapedPath(), err))}
}

// cutReason cuts reason to maxViolationBytes, on a rune boundary, saying how much was cut. It copies the
// start, so that the whole reason is not kept alive beneath it.
func cutReason(reason string) string {
	if len(reason) <= maxViolationBytes {
		return reason
	}
	cut := maxViolationBytes
	for cut > 0 && !utf8.RuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut] + fmt.Sprintf("… (%d more bytes)", len(reason)-cut)
}
