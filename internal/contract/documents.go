package contract

import (
	"net/http"
)

// Documents are third-party documents that requests are checked against together, such as Gleap's
// published documents of messages and of tickets, each of which describes some of the API's routes:
// each request is checked by every one of them that has its route, in order, and refused when none
// has it. To check requests against one more document, append it.
type Documents []*Document

// CheckRequest checks r, whose body is body, against every document of ds that has its route, in
// order, and returns the first violation with the status to refuse r with (see Document.CheckRequest).
// A route none of them has is refused with 404 and the first document's reason. A document checks only
// the requests under the paths of its servers (https://api.gleap.io/v3 is /v3): a request to Gleap's
// admin routes, beside /v3, is none of theirs. With no documents nothing is checked.
func (ds Documents) CheckRequest(r *http.Request, body []byte) (int, error) {
	var notFound error
	routed := false
	for _, d := range ds {
		if !d.covers(r.URL.Path) {
			continue
		}
		req := withBody(r, body)
		route, pathParams, err := d.router.FindRoute(req)
		if err != nil {
			if notFound == nil {
				notFound = d.violation("request", req, err)
			}
			continue
		}
		routed = true
		if _, status, err := d.checkRoute(req, route, pathParams); err != nil {
			return status, err
		}
	}
	if !routed && notFound != nil {
		return http.StatusNotFound, notFound
	}
	return 0, nil
}
