package fakegleap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	gleap "github.com/gleap-community/gleap-go"
)

// Validator checks HTTP traffic against openapi.yaml.
type Validator struct {
	router routers.Router
}

// NewValidator loads and validates openapi.yaml. The spec's server URL is reduced to its path (/v3), so
// requests are matched on any host and port, such as an httptest server's.
func NewValidator() (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(gleap.OpenAPISpec())
	if err != nil {
		return nil, fmt.Errorf("loading openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not valid: %w", err)
	}
	if len(doc.Servers) == 0 {
		return nil, errors.New("openapi.yaml declares no server")
	}
	serverURL, err := url.Parse(doc.Servers[0].URL)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml server URL: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: serverURL.Path}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing openapi.yaml: %w", err)
	}
	return &Validator{router: router}, nil
}

// Wrap returns a handler that validates each request before next sees it and each response of next
// before the client sees it. A request that breaks the contract is reported and answered with a
// spec-conforming 401 (credentials) or 400 (anything else) without reaching next; a response that breaks
// it is reported and still sent, so the client's handling of it can be tested too.
func (v *Validator) Wrap(next http.Handler, report func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		input, ok := v.checkRequest(w, r, report)
		if !ok {
			return
		}
		recorded := recorder{ResponseRecorder: httptest.NewRecorder(), connection: http.NewResponseController(w)}
		next.ServeHTTP(recorded, r)
		if r.Context().Err() != nil {
			return // the client gave up waiting: no answer reaches it, so there is none to check
		}
		body := recorded.Body.Bytes()
		if err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: input,
			Status:                 recorded.Code,
			Header:                 recorded.Header(),
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                input.Options,
		}); err != nil {
			report(fmt.Errorf("response %d to %s %s: %w", recorded.Code, r.Method, r.URL.Path, err))
		}
		for name, values := range recorded.Header() {
			w.Header()[name] = values
		}
		w.WriteHeader(recorded.Code)
		_, _ = w.Write(body)
	})
}

// recorder holds an answer until it is validated. The connection's deadlines stay within reach of the
// handler through http.ResponseController: one that holds its answer back on purpose (a scripted delay)
// must be able to move them.
type recorder struct {
	*httptest.ResponseRecorder
	connection *http.ResponseController
}

// SetReadDeadline sets the read deadline of the connection the answer goes to.
func (r recorder) SetReadDeadline(deadline time.Time) error {
	return r.connection.SetReadDeadline(deadline)
}

// SetWriteDeadline sets the write deadline of the connection the answer goes to.
func (r recorder) SetWriteDeadline(deadline time.Time) error {
	return r.connection.SetWriteDeadline(deadline)
}

// WrapRequests validates requests as Wrap does but hands next the connection's own ResponseWriter, its
// answers unchecked: for handlers that break the connection, stream huge bodies or otherwise cannot be
// recorded.
func (v *Validator) WrapRequests(next http.Handler, report func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := v.checkRequest(w, r, report); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// checkRequest validates r. When r breaks the contract, it reports why, answers it and returns false.
func (v *Validator) checkRequest(w http.ResponseWriter, r *http.Request, report func(error)) (*openapi3filter.RequestValidationInput, bool) {
	route, pathParams, err := v.router.FindRoute(r)
	if err != nil {
		report(fmt.Errorf("request %s %s: %w", r.Method, r.URL.Path, err))
		WriteError(w, http.StatusNotFound, err.Error())
		return nil, false
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
		report(fmt.Errorf("request %s %s: %w", r.Method, r.URL.Path, err))
		status := http.StatusBadRequest
		var securityErr *openapi3filter.SecurityRequirementsError
		if errors.As(err, &securityErr) {
			status = http.StatusUnauthorized
		}
		WriteError(w, status, err.Error())
		return nil, false
	}
	return input, true
}

// checkCredentials enforces the spec's security schemes: openapi3filter leaves the check to the caller.
// It only tests that the credentials are present and well formed; any key is accepted.
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
		return fmt.Errorf("security scheme %s/%s is not supported by the fake server", scheme.Type, scheme.In)
	}
	return nil
}

// WriteError answers with status and an error body in the shape the spec documents for Gleap's errors.
func WriteError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{
		"statusCode": status,
		"error":      http.StatusText(status),
		"message":    message,
	})
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	body, err := json.Marshal(value)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
