package wrapper_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
	"github.com/gleap-community/gleap-go/wrapper"
)

// Credentials used throughout the tests; testKey is searched for in every error the tests see.
const (
	testKey     = "gl_sk_7f3a9c1e5b2d4f6a8c0e"
	testProject = "64f1c2d3e4a5b6c7d8e9f999"
	ticketID    = "6752e9a8b7c6d5e4f3a21098"
)

// recordedRequest is one request as it arrived, before validation.
type recordedRequest struct {
	Header http.Header
	Body   []byte
}

// loopback is a test server on 127.0.0.1 whose traffic is validated against openapi.yaml both ways.
// Violations fail the test unless the test takes them with takeViolations.
type loopback struct {
	baseURL string

	mu         sync.Mutex
	requests   []recordedRequest
	violations []error
}

// serve starts handler behind the spec validator and a recorder that sees every request, valid or not.
func serve(t *testing.T, handler http.Handler) *loopback {
	t.Helper()
	return start(t, func(validator *fakegleap.Validator, report func(error)) http.Handler {
		return validator.Wrap(handler, report)
	})
}

// serveRaw is serve for handlers that break connections or stream large bodies: requests are still
// recorded and validated, but handler answers on the connection itself, unchecked.
func serveRaw(t *testing.T, handler http.Handler) *loopback {
	t.Helper()
	return start(t, func(validator *fakegleap.Validator, report func(error)) http.Handler {
		return validator.WrapRequests(handler, report)
	})
}

func start(t *testing.T, validate func(*fakegleap.Validator, func(error)) http.Handler) *loopback {
	t.Helper()
	validator, err := fakegleap.NewValidator()
	require.NoError(t, err)
	lb := &loopback{}
	validated := validate(validator, func(err error) {
		lb.mu.Lock()
		defer lb.mu.Unlock()
		lb.violations = append(lb.violations, err)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		lb.mu.Lock()
		lb.requests = append(lb.requests, recordedRequest{Header: r.Header.Clone(), Body: body})
		lb.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		validated.ServeHTTP(w, r)
	}))
	lb.baseURL = srv.URL + "/v3"
	t.Cleanup(func() {
		srv.Close()
		for _, violation := range lb.takeViolations() {
			t.Errorf("contract violation: %v", violation)
		}
	})
	return lb
}

// serveGleap starts the fake Gleap message endpoint.
func serveGleap(t *testing.T) (*loopback, *fakegleap.Server) {
	t.Helper()
	fake := fakegleap.NewServer(nil)
	return serve(t, fake), fake
}

// serveAnswer starts a server that answers every valid request with status, contentType and body.
func serveAnswer(t *testing.T, status int, contentType, body string) *loopback {
	t.Helper()
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
}

func (lb *loopback) received() []recordedRequest {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return append([]recordedRequest(nil), lb.requests...)
}

func (lb *loopback) takeViolations() []error {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	taken := lb.violations
	lb.violations = nil
	return taken
}

// newClient returns a wrapper client for lb with the test credentials.
func newClient(t *testing.T, lb *loopback, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	client, err := wrapper.New(testKey, testProject, append([]wrapper.Option{wrapper.WithBaseURL(lb.baseURL)}, opts...)...)
	require.NoError(t, err)
	return client
}

// assertNoSecret checks that err, however it is printed, does not reveal the API key.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assert.NotContains(t, fmt.Sprintf(format, err), testKey, "format %s", format)
	}
}
