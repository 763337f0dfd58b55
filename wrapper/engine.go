package wrapper

import (
	"context"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// engine is the one call path every service shares: it builds a request with the generated builder,
// authenticates it, paces it, retries it by method, takes the key out of what comes back and decodes the
// answer. A service holds a pointer to its client's engine and describes each call as an endpoint.
type engine struct {
	// The API key lives only inside closures (authorize, authorizeAdmin, redact and raw's request
	// editors), so printing a Client or its engine never shows it.
	authorize api.RequestEditorFn
	// authorizeAdmin sends the key as Gleap's admin routes take it, in the Api-Token header, and nothing
	// else: it authorizes the endpoints marked admin, and only them.
	authorizeAdmin api.RequestEditorFn
	// redact removes the API key from text that came from outside the client.
	redact redactor
	raw    *api.ClientWithResponses
	// pacer is shared by every call, and so by every goroutine using the client.
	pacer *pacer
	settings
}

// endpoint is one API operation as the engine sees it.
type endpoint struct {
	// op names the call in errors, as in "create message".
	op string
	// method and path name the call in log lines, as in POST /messages.
	method, path string
	// idempotent: sending the request twice has the effect of sending it once (GET, PUT, DELETE), so a
	// failure after sending is retried like one before it.
	idempotent bool
	// admin: the operation is one of Gleap's admin routes (openapi.yaml's apiToken scheme), served at the
	// parent of the API root and authorized by authorizeAdmin instead of authorize.
	admin bool
	// newRequest builds the request for server, the root of its route with a trailing slash, with the
	// generated builder, body included.
	newRequest func(server string) (*http.Request, error)
}

// newEndpoint describes the operation op (method on path), idempotent unless it is a POST.
func newEndpoint(op, method, path string, newRequest func(server string) (*http.Request, error)) endpoint {
	return endpoint{op: op, method: method, path: path, idempotent: method != http.MethodPost, newRequest: newRequest}
}

// newAdminEndpoint describes the operation op (method on path) of Gleap's admin routes, idempotent
// unless it is a POST.
func newAdminEndpoint(op, method, path string, newRequest func(server string) (*http.Request, error)) endpoint {
	e := newEndpoint(op, method, path, newRequest)
	e.admin = true
	return e
}

// call makes one call that answers with a T: it checks ctx and applies opts, has build check the caller's
// input and describe the endpoint (a *ValidationError there means nothing is sent), sends it and decodes
// the success answer into a new T, which must be a JSON object unless T says otherwise (jsonKinds).
func call[T any](ctx context.Context, eng *engine, opts []Option, build func() (endpoint, error)) (*T, error) {
	answer := new(T)
	if err := eng.do(ctx, opts, build, answer); err != nil {
		return nil, err
	}
	return answer, nil
}

// do is call for an answer the caller does not need decoded (into is nil) or decodes itself.
func (eng *engine) do(ctx context.Context, opts []Option, build func() (endpoint, error), into any) error {
	s, err := eng.prepare(ctx, opts)
	if err != nil {
		return err
	}
	e, err := build()
	if err != nil {
		return err
	}
	return eng.send(ctx, s, e, into)
}

// prepare checks what every call checks and returns the settings of the call: the client's with opts
// applied after them.
func (eng *engine) prepare(ctx context.Context, opts []Option) (*settings, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	}
	if len(opts) == 0 {
		return &eng.settings, nil
	}
	s, err := eng.settings.apply(opts)
	if err == nil && s.rateLimit != eng.settings.rateLimit {
		err = &ValidationError{Field: "rateLimit", Problem: "is an option of the client, shared by all its calls; give WithRateLimit to New"}
	}
	return &s, err
}
