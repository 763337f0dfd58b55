package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Exchange is a request that conforms to a document, kept to check its answer against the same
// operation.
type Exchange struct {
	document *Document
	input    *openapi3filter.RequestValidationInput
}

// CheckRequest checks r, whose body is body, against d: its route, parameters, credentials (those its
// operation needs, and no header of a scheme it does not take) and body.
// r may be a server's request or a client's (then only its path and query count, as the document's
// server URL counts by its path). r's own body is not read.
//
// When r breaks the document it returns why, a *Violation, and the status Gleap refuses such a request
// with: 404 for a route d does not have, 401 for missing credentials, 400 for anything else. Otherwise
// it returns the Exchange that checks the answer.
func (d *Document) CheckRequest(r *http.Request, body []byte) (*Exchange, int, error) {
	req := withBody(r, body)
	route, pathParams, err := d.router.FindRoute(req)
	if err != nil {
		return nil, http.StatusNotFound, d.violation("request", req, err)
	}
	return d.checkRoute(req, route, pathParams)
}

// checkRoute checks req, already given its body, against route, the operation of d it is for.
func (d *Document) checkRoute(req *http.Request, route *routers.Route, pathParams map[string]string) (*Exchange, int, error) {
	d.slots <- struct{}{}
	defer func() { <-d.slots }()
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:    checkCredentials,
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		status := http.StatusBadRequest
		var securityErr *openapi3filter.SecurityRequirementsError
		if errors.As(err, &securityErr) {
			status = http.StatusUnauthorized
		}
		return nil, status, d.violation("request", req, err)
	}
	if err := strayCredential(route, req.Header); err != nil {
		return nil, http.StatusBadRequest, d.violation("request", req, err)
	}
	return &Exchange{document: d, input: input}, 0, nil
}

// CheckResponse checks an answer with status, header and body against the operation of the request e
// was made for, and returns why it breaks the document, a *Violation, or nil.
func (e *Exchange) CheckResponse(status int, header http.Header, body []byte) error {
	req := e.input.Request
	err := openapi3filter.ValidateResponse(req.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: e.input,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                e.input.Options,
	})
	if err != nil {
		return e.document.violation(fmt.Sprintf("response %d to", status), req, err)
	}
	return nil
}

// withBody returns a shallow copy of r that reads body, addressed by its path and query only.
func withBody(r *http.Request, body []byte) *http.Request {
	req := r.WithContext(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	if r.URL.Scheme != "" || r.URL.Host != "" {
		req.URL = &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	}
	return req
}
