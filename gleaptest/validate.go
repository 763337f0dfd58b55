package gleaptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	gleap "github.com/gleap-community/gleap-go"
)

// validator checks traffic against an OpenAPI document: openapi.yaml, or one of WithRequestsCheckedAgainst.
type validator struct {
	router routers.Router
	// slots bounds how many requests are validated at once: kin-openapi's validation of a body costs
	// hundreds of times its size in allocations, so a few large bodies at once would otherwise make the
	// stand-in's memory balloon.
	slots chan struct{}
}

// maxConcurrentValidations is the size of validator.slots.
const maxConcurrentValidations = 4

// loadValidator loads openapi.yaml once for all the servers of a process: reading and checking the
// document takes longer than most tests.
var loadValidator = sync.OnceValues(newValidator)

// newValidator loads and checks openapi.yaml.
func newValidator() (*validator, error) {
	doc, err := loadDocument("openapi.yaml", gleap.OpenAPISpec(), nil)
	if err != nil {
		return nil, err
	}
	return newDocumentValidator("openapi.yaml", doc)
}

// loadDocument loads and checks spec, the OpenAPI document called name, with opts, after mend (unless
// nil) has mended what a lenient reading of it forgives. Its servers are reduced to their paths and put
// in front of the paths they serve (serversIntoPaths).
func loadDocument(name string, spec []byte, mend func(*openapi3.T), opts ...openapi3.ValidationOption) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", name, err)
	}
	if mend != nil {
		mend(doc)
	}
	if err := doc.Validate(loader.Context, opts...); err != nil {
		return nil, fmt.Errorf("%s is not valid: %w", name, err)
	}
	if err := serversIntoPaths(name, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// newDocumentValidator validates traffic against doc, the document called name, checked with opts.
func newDocumentValidator(name string, doc *openapi3.T, opts ...openapi3.ValidationOption) (*validator, error) {
	router, err := legacy.NewRouter(doc, opts...)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", name, err)
	}
	return &validator{router: router, slots: make(chan struct{}, maxConcurrentValidations)}, nil
}

// checkRequest validates r. When r breaks the contract, it returns why (a violation, which keeps only
// the reason's text), and the status Gleap refuses such a request with: 404 for a route the spec does not have, 401 for missing credentials, 400 for
// anything else. Otherwise it returns what checkResponse needs to check the answer.
func (v *validator) checkRequest(r *http.Request) (*openapi3filter.RequestValidationInput, int, error) {
	v.slots <- struct{}{}
	defer func() { <-v.slots }()
	route, pathParams, err := v.router.FindRoute(r)
	if err != nil {
		return nil, http.StatusNotFound, newViolation(fmt.Errorf("request %s %s: %w", r.Method, r.URL.EscapedPath(), err))
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc:    checkCredentials,
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
		status := http.StatusBadRequest
		var securityErr *openapi3filter.SecurityRequirementsError
		if errors.As(err, &securityErr) {
			status = http.StatusUnauthorized
		}
		return nil, status, newViolation(fmt.Errorf("request %s %s: %w", r.Method, r.URL.EscapedPath(), err))
	}
	if err := strayCredential(route, r.Header); err != nil {
		return nil, http.StatusBadRequest, newViolation(fmt.Errorf("request %s %s: %w", r.Method, r.URL.EscapedPath(), err))
	}
	return input, 0, nil
}

// checkResponse validates a as the answer to the request input describes, and returns why it breaks the
// contract as a violation, which keeps only the reason's text.
func (v *validator) checkResponse(input *openapi3filter.RequestValidationInput, a answer) error {
	err := openapi3filter.ValidateResponse(input.Request.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 a.status,
		Header:                 a.header,
		Body:                   io.NopCloser(bytes.NewReader(a.body)),
		Options:                input.Options,
	})
	if err != nil {
		return newViolation(fmt.Errorf("response %d to %s %s: %w", a.status, input.Request.Method, input.Request.URL.EscapedPath(), err))
	}
	return nil
}

// checkCredentials enforces the spec's security schemes: openapi3filter leaves the check to the caller.
// It only tests that the credentials are present and well formed; any key is accepted. It checks a
// document's required project header too (see credentialHeaders).
func checkCredentials(_ context.Context, input *openapi3filter.AuthenticationInput) error {
	header := input.RequestValidationInput.Request.Header
	scheme := input.SecurityScheme
	switch {
	case scheme.Type == "http" && strings.EqualFold(scheme.Scheme, "bearer"):
		authorization := header.Get("Authorization")
		const prefix = "bearer "
		if len(authorization) <= len(prefix) || !strings.EqualFold(authorization[:len(prefix)], prefix) ||
			strings.TrimSpace(authorization[len(prefix):]) == "" {
			return errors.New(`missing "Authorization: Bearer <key>" header`)
		}
	case scheme.Type == "apiKey" && scheme.In == "header":
		if strings.TrimSpace(header.Get(scheme.Name)) == "" {
			return fmt.Errorf("missing %q header", scheme.Name)
		}
	default:
		return fmt.Errorf("security scheme %s/%s is not supported by gleaptest", scheme.Type, scheme.In)
	}
	return nil
}
