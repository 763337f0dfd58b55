// Package contract checks HTTP traffic against OpenAPI documents with kin-openapi: the one place in the
// module that knows how. gleaptest checks every request it serves and every answer it gives with it,
// and the live check (live_test.go, make live) every request the client sends to Gleap and every answer
// it gets.
//
// Two kinds of document are checked, each the way it deserves:
//   - Ours, openapi.yaml, strictly: the document is validated, its examples included, and every
//     request and answer is checked against it.
//   - Published, a third-party document such as Gleap's own, leniently: its examples are not
//     validated (machine-made documents often give a number as a string), a required project header
//     parameter is checked as a credential, as openapi.yaml declares it, and only requests are checked
//     (such documents often leave the answers untyped). Documents holds several of them, each checking
//     the requests to its own routes.
//
// Either way a document's server URLs count by their paths only (https://api.gleap.io/v3 is /v3, and a
// path's own server, as of Gleap's admin routes, counts for that path), so that a request is matched on
// any host and port; credentials are checked for being present and well formed (any key is accepted),
// a credential header of a scheme the operation does not take is refused, and a violation keeps the
// text of its reason and nothing else.
//
//	doc, err := contract.Ours()
//	if err != nil {
//		return err
//	}
//	exchange, status, err := doc.CheckRequest(r, body)
//	if err != nil {
//		return err // a *Violation; status is what Gleap would answer such a request with
//	}
//	err = exchange.CheckResponse(answerStatus, answerHeader, answerBody)
package contract
