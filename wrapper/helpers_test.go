package wrapper_test

// What the tests share: the credentials, a gleaptest server and a client for it, the faults that script
// Gleap's answers, and the checks every failed call goes through.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gleap "github.com/gleap-community/gleap-go"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// Credentials used throughout the tests; testKey is searched for in every error the tests see.
const (
	testKey     = "gl_sk_7f3a9c1e5b2d4f6a8c0e"
	testProject = "64f1c2d3e4a5b6c7d8e9f999"
	ticketID    = "6752e9a8b7c6d5e4f3a21098"
)

// newServer starts a gleaptest server that answers the first requests with faults, in order, and the
// rest as Gleap would. A request or a scripted answer that breaks openapi.yaml fails the test.
func newServer(t *testing.T, faults ...gleaptest.Fault) *gleaptest.Server {
	t.Helper()
	return gleaptest.NewServer(t, gleaptest.WithFaults(faults...))
}

// newClient returns a wrapper client for server with the test credentials.
func newClient(t *testing.T, server *gleaptest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	client, err := wrapper.New(testKey, testProject, append([]wrapper.Option{wrapper.WithBaseURL(server.URL)}, opts...)...)
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

// everyAttempt scripts fault for every attempt a test's client makes: more of them than any retry policy
// of these tests allows (7 attempts at most).
func everyAttempt(fault gleaptest.Fault) []gleaptest.Fault {
	return slices.Repeat([]gleaptest.Fault{fault}, 10)
}

// tooManyRequests is Gleap's answer to a client over its rate limit, without a Retry-After.
var tooManyRequests = gleaptest.Fault{Status: http.StatusTooManyRequests}

// hangUp drops the connection without answering, after the server read the whole request: Gleap may
// have acted on the message.
var hangUp = gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
})}

// gleapAnswer answers with status, the headers (name, value pairs) and body, a JSON document: for the
// answers Gleap may send that gleaptest does not script itself, such as a spec example or a Retry-After
// date. gleaptest does not check a Handler's answer, so this one is checked against openapi.yaml as
// gleaptest checks its own: an answer Gleap could not send fails the test.
func gleapAnswer(t *testing.T, status int, body string, headers ...string) gleaptest.Fault {
	return echoingAnswer(t, status, func(*http.Request) string { return body }, headers...)
}

// echoingAnswer is gleapAnswer with a body made from the request, for a server that quotes it back.
func echoingAnswer(t *testing.T, status int, body func(*http.Request) string, headers ...string) gleaptest.Fault {
	header := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(headers); i += 2 {
		header.Set(headers[i], headers[i+1])
	}
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer := body(r)
		assert.NoError(t, answerViolationTo(r, status, header, answer), "the test's answer breaks openapi.yaml")
		writeAnswer(w, status, header, answer)
	})}
}

// offContractAnswer answers with status, contentType and body, unchecked: for what a proxy in front of
// Gleap, or a broken Gleap, may send.
func offContractAnswer(status int, contentType, body string) gleaptest.Fault {
	header := http.Header{"Content-Type": {contentType}}
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeAnswer(w, status, header, body)
	})}
}

func writeAnswer(w http.ResponseWriter, status int, header http.Header, body string) {
	for name, values := range header {
		w.Header()[name] = values
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// rawAnswerHeldOpen writes the bytes answer makes of the request's Authorization header straight to the
// connection, for answers net/http's server cannot send (a malformed status line, a final 1xx), then
// holds the connection open until the client closes it or the test ends.
func rawAnswerHeldOpen(t *testing.T, answer func(authorization string) string) gleaptest.Fault {
	return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close()
		stop := context.AfterFunc(t.Context(), func() { _ = conn.Close() })
		defer stop()
		if _, err := io.WriteString(conn, answer(r.Header.Get("Authorization"))); err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, conn)
	})}
}

// specRouter finds routes in openapi.yaml, loaded once for the whole test binary.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(gleap.OpenAPISpec())
	if err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

// answerViolation says why an answer to POST /messages breaks openapi.yaml, or returns nil when it
// conforms: the check gleaptest makes of its own answers, for the answers the tests write by hand.
func answerViolation(status int, header http.Header, body string) error {
	return answerViolationTo(httptest.NewRequest(http.MethodPost, wrapper.DefaultBaseURL+"/messages", nil), status, header, body)
}

// answerViolationTo is answerViolation for an answer to request, whose path starts at the API root
// (/v3/...), on any host.
func answerViolationTo(request *http.Request, status int, header http.Header, body string) error {
	router, err := specRouter()
	if err != nil {
		return fmt.Errorf("loading openapi.yaml: %w", err)
	}
	onGleap := httptest.NewRequest(request.Method, wrapper.DefaultBaseURL+strings.TrimPrefix(request.URL.RequestURI(), "/v3"), nil)
	route, _, err := router.FindRoute(onGleap)
	if err != nil {
		return fmt.Errorf("finding the route of %s %s: %w", request.Method, request.URL.Path, err)
	}
	options := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: onGleap,
			Route:   route,
			Options: options,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader([]byte(body))),
		Options: options,
	})
}

// roundTripperFunc is a transport that reports no progress through httptrace, as custom ones may not.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// faultRun observes one client: the waits it asked for between attempts (recorded, not slept) and its
// log lines, which are checked for the key when the test ends.
type faultRun struct {
	mu    sync.Mutex
	waits []time.Duration
	log   bytes.Buffer
}

func (r *faultRun) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log.Write(p)
}

func (r *faultRun) recordedWaits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// logLines returns the client's log lines, decoded.
func (r *faultRun) logLines(t *testing.T) []map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var lines []map[string]any
	scanner := bufio.NewScanner(bytes.NewReader(r.log.Bytes()))
	for scanner.Scan() {
		var line map[string]any
		require.NoError(t, json.Unmarshal(scanner.Bytes(), &line))
		lines = append(lines, line)
	}
	return lines
}

// newFaultClient returns a client for baseURL with the test credentials, a JSON logger and recorded
// waits; opts come last and win.
func newFaultClient(t *testing.T, baseURL string, opts ...wrapper.Option) (*wrapper.Client, *faultRun) {
	t.Helper()
	run := &faultRun{}
	// The pacer's clock moves only with the recorded waits, so a 429's pause is seen once, exactly. The
	// rate limit is off: pacing has tests of its own.
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	defaults := []wrapper.Option{
		wrapper.WithBaseURL(baseURL),
		wrapper.WithLogger(slog.New(slog.NewJSONHandler(run, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		wrapper.WithRateLimit(0, 0),
		wrapper.WithClock(func() time.Time {
			run.mu.Lock()
			defer run.mu.Unlock()
			return now
		}),
		wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
			run.mu.Lock()
			run.waits = append(run.waits, d)
			now = now.Add(d)
			run.mu.Unlock()
			return ctx.Err()
		}),
	}
	client, err := wrapper.New(testKey, testProject, append(defaults, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() {
		run.mu.Lock()
		defer run.mu.Unlock()
		assert.NotContains(t, run.log.String(), testKey, "the key must not be logged")
	})
	return client, run
}

// retryUnknownOutcomes is the default retry policy with the opt-in to retry failures that may have
// created the message.
func retryUnknownOutcomes() wrapper.Option {
	policy := wrapper.DefaultRetryPolicy()
	policy.RetryUnknownOutcome = true
	return wrapper.WithRetryPolicy(policy)
}

func post(client *wrapper.Client, ctx context.Context) error {
	_, err := client.Messages.Reply(ctx, ticketID, "hello")
	return err
}

// requireRequestError checks the error every failed call returns, and returns it.
func requireRequestError(t *testing.T, err error, attempts int, outcomeUnknown bool) *wrapper.RequestError {
	t.Helper()
	assertNoSecret(t, err)
	var requestErr *wrapper.RequestError
	require.ErrorAs(t, err, &requestErr)
	assert.Equal(t, attempts, requestErr.Attempts, "attempts")
	assert.Equal(t, outcomeUnknown, requestErr.OutcomeUnknown, "outcome unknown")
	assert.Equal(t, outcomeUnknown, errors.Is(err, wrapper.ErrOutcomeUnknown))
	assert.Contains(t, err.Error(), fmt.Sprintf("(%d attempt", attempts))
	return requestErr
}

func requireAPIError(t *testing.T, err error, status int) *wrapper.APIError {
	t.Helper()
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, status, apiErr.StatusCode)
	return apiErr
}
