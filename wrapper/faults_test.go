package wrapper_test

// The fault-injection suite: every way the network or the server can fail, each case asserting how many
// requests reached the server, what the caller gets back, and that the key shows in no error or log line.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

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
	defaults := []wrapper.Option{
		wrapper.WithBaseURL(baseURL),
		wrapper.WithLogger(slog.New(slog.NewJSONHandler(run, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
			run.mu.Lock()
			run.waits = append(run.waits, d)
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

// script answers the first request with answers[0], the second with answers[1] and so on; the last
// answer repeats.
func script(answers ...http.HandlerFunc) http.Handler {
	var served atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers[min(int(served.Add(1)), len(answers))-1](w, r)
	})
}

// answer replies with status, the given headers (name, value pairs) and an error or message body.
func answer(status int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status == http.StatusOK {
			fmt.Fprint(w, `{"_id":"6752e9a8b7c6d5e4f3a21099","type":"COMMENT"}`)
			return
		}
		fmt.Fprintf(w, `{"statusCode":%d,"message":"injected"}`, status)
	}
}

// closeConnection reads the request (the loopback recorder already has) and drops the connection
// without answering: the server may have acted on the message.
func closeConnection(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func post(client *wrapper.Client, ctx context.Context) error {
	_, err := client.PostReply(ctx, ticketID, "hello")
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

func TestRetryAfterIsHonouredThenTheSameBodyIsSentAgain(t *testing.T) {
	t.Parallel()
	for name, retryAfter := range map[string]struct {
		header   string
		min, max time.Duration
	}{
		"seconds": {"7", 7 * time.Second, 7 * time.Second},
		// An HTTP date has whole seconds and the test may run late under load; a backoff would be ≤ 500 ms.
		"HTTP date": {time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat), time.Second, 5 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lb := serve(t, script(answer(http.StatusTooManyRequests, "Retry-After", retryAfter.header), answer(http.StatusOK)))
			client, run := newFaultClient(t, lb.baseURL)

			message, err := client.PostReply(context.Background(), ticketID, "hello")
			require.NoError(t, err)
			assert.Equal(t, "6752e9a8b7c6d5e4f3a21099", *message.DocumentID)

			received := lb.received()
			require.Len(t, received, 2)
			assert.Equal(t, received[0].Body, received[1].Body, "each attempt sends the identical body")
			waits := run.recordedWaits()
			require.Len(t, waits, 1)
			assert.GreaterOrEqual(t, waits[0], retryAfter.min)
			assert.LessOrEqual(t, waits[0], retryAfter.max)
		})
	}
}

func TestTooManyRequestsForeverGivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusTooManyRequests)))
	policy := wrapper.DefaultRetryPolicy()
	policy.MaxRetries = 3
	client, run := newFaultClient(t, lb.baseURL, wrapper.WithRetryPolicy(policy))

	err := post(client, context.Background())

	requireRequestError(t, err, 4, false)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, lb.received(), 4)
	// Exponential backoff with jitter: each wait lies between half and all of MinBackoff doubled per retry.
	waits := run.recordedWaits()
	require.Len(t, waits, 3)
	for i, wait := range waits {
		ceiling := policy.MinBackoff << i
		assert.GreaterOrEqual(t, wait, ceiling/2, "wait %d", i)
		assert.LessOrEqual(t, wait, ceiling, "wait %d", i)
	}
	lines := run.logLines(t)
	require.Len(t, lines, 4, "one log line per attempt")
	for i, line := range lines {
		assert.Equal(t, "POST", line["method"])
		assert.Equal(t, "/messages", line["path"])
		assert.EqualValues(t, 429, line["status"])
		assert.EqualValues(t, i+1, line["attempt"])
		assert.Contains(t, line, "duration")
		assert.Equal(t, "WARN", line["level"])
	}
}

func TestBackoffStopsGrowingAtMaxBackoff(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusTooManyRequests)))
	policy := wrapper.RetryPolicy{MaxRetries: 6, MinBackoff: time.Second, MaxBackoff: 3 * time.Second}
	client, run := newFaultClient(t, lb.baseURL, wrapper.WithRetryPolicy(policy))

	requireRequestError(t, post(client, context.Background()), 7, false)
	for _, wait := range run.recordedWaits()[2:] {
		assert.GreaterOrEqual(t, wait, 1500*time.Millisecond)
		assert.LessOrEqual(t, wait, 3*time.Second)
	}
}

func TestRetryAfterLongerThanAllowedEndsTheRetries(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusTooManyRequests, "Retry-After", "3600")))
	client, run := newFaultClient(t, lb.baseURL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, false)
	assert.Equal(t, time.Hour, requireAPIError(t, err, http.StatusTooManyRequests).RetryAfter)
	assert.Len(t, lb.received(), 1)
	assert.Empty(t, run.recordedWaits())
}

func TestNoWaitOutlastsTheCallersDeadline(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusTooManyRequests, "Retry-After", "20")))
	client, run := newFaultClient(t, lb.baseURL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	err := post(client, ctx)

	requireRequestError(t, err, 1, false)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, lb.received(), 1)
	assert.Empty(t, run.recordedWaits(), "a wait past the deadline is not started")
}

func TestServerErrorsAreNotRetriedUnlessUnknownOutcomesAreAccepted(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			t.Run("default", func(t *testing.T) {
				t.Parallel()
				lb := serve(t, script(answer(status), answer(http.StatusOK)))
				client, _ := newFaultClient(t, lb.baseURL)
				err := post(client, context.Background())
				requireRequestError(t, err, 1, true)
				requireAPIError(t, err, status)
				assert.Len(t, lb.received(), 1, "the message may exist: never sent again by default")
			})
			t.Run("opted in, then success", func(t *testing.T) {
				t.Parallel()
				lb := serve(t, script(answer(status), answer(http.StatusOK)))
				client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())
				require.NoError(t, post(client, context.Background()))
				assert.Len(t, lb.received(), 2)
			})
			t.Run("opted in, failing forever", func(t *testing.T) {
				t.Parallel()
				lb := serve(t, script(answer(status)))
				client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())
				err := post(client, context.Background())
				requireRequestError(t, err, 3, true)
				assert.Len(t, lb.received(), 3)
			})
		})
	}
}

func TestAnEarlierUnknownOutcomeIsStillReportedAfterALater429(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusBadGateway), answer(http.StatusTooManyRequests)))
	client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())

	err := post(client, context.Background())

	requireRequestError(t, err, 3, true)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, lb.received(), 3)
}

func TestClientErrorsAreNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			lb := serve(t, script(answer(status)))
			client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())
			err := post(client, context.Background())
			requireRequestError(t, err, 1, false)
			requireAPIError(t, err, status)
			assert.Len(t, lb.received(), 1)
		})
	}
}

func TestHTMLErrorPageFromAProxy(t *testing.T) {
	t.Parallel()
	page := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	lb := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, page)
	}))
	client, _ := newFaultClient(t, lb.baseURL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, true)
	apiErr := requireAPIError(t, err, http.StatusBadGateway)
	assert.Empty(t, apiErr.Message)
	assert.Equal(t, page, string(apiErr.Body))
	assert.Len(t, lb.received(), 1)
}

// freeLoopbackAddress returns a loopback address nothing listens on, for "connection refused".
func freeLoopbackAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	address := listener.Addr().String()
	require.NoError(t, listener.Close())
	return address
}

func TestConnectionRefusedIsRetriedThenFails(t *testing.T) {
	t.Parallel()
	client, run := newFaultClient(t, "http://"+freeLoopbackAddress(t)+"/v3")

	err := post(client, context.Background())

	requireRequestError(t, err, 3, false)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Len(t, run.recordedWaits(), 2)
	assert.Len(t, run.logLines(t), 3)
}

// failingDials returns a transport whose first failures dials fail with err before reaching the network.
func failingDials(failures int, err error) *http.Transport {
	var dials atomic.Int32
	dialer := &net.Dialer{}
	return &http.Transport{DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
		if int(dials.Add(1)) <= failures {
			return nil, err
		}
		return dialer.DialContext(ctx, network, address)
	}}
}

func TestFailuresBeforeSendingAreRetried(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"dial":                                  &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		"DNS":                                   &net.DNSError{Err: "no such host", Name: "api.gleap.io", IsNotFound: true},
		"other, before the request was written": errors.New("proxy refused the tunnel"),
	}
	for name, dialErr := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lb, fake := serveGleap(t)
			client, _ := newFaultClient(t, lb.baseURL, wrapper.WithHTTPClient(&http.Client{Transport: failingDials(2, dialErr)}))
			require.NoError(t, post(client, context.Background()))
			assert.Len(t, lb.received(), 1, "the message reached the server once")
			assert.Len(t, fake.Messages(), 1)
		})
	}
}

func TestTLSHandshakeFailureIsRetriedThenFails(t *testing.T) {
	t.Parallel()
	var requests, connections atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			connections.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// The default client does not trust the test server's certificate.
	client, _ := newFaultClient(t, srv.URL+"/v3")

	err := post(client, context.Background())

	requireRequestError(t, err, 3, false)
	var certErr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &certErr)
	assert.Zero(t, requests.Load(), "no request got through")
	assert.EqualValues(t, 3, connections.Load(), "one handshake per attempt")
}

// roundTripperFunc is a transport that reports no progress through httptrace, as custom ones may not.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func TestWithATransportThatReportsNoProgressOnlyDialErrorsAreRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		err            error
		attempts       int
		outcomeUnknown bool
	}{
		{"dial error", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, 3, false},
		{"DNS error", &net.DNSError{Err: "no such host", Name: "api.gleap.io", IsNotFound: true}, 3, false},
		{"any other error", errors.New("stream reset"), 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			transport := roundTripperFunc(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return nil, tc.err
			})
			client, _ := newFaultClient(t, wrapper.DefaultBaseURL, wrapper.WithHTTPClient(&http.Client{Transport: transport}))
			err := post(client, context.Background())
			requireRequestError(t, err, tc.attempts, tc.outcomeUnknown)
			assert.EqualValues(t, tc.attempts, calls.Load())
		})
	}
}

func TestConnectionClosedAfterTheBodyWasReadHasAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		lb := serveRaw(t, http.HandlerFunc(closeConnection))
		client, _ := newFaultClient(t, lb.baseURL)
		err := post(client, context.Background())
		requireRequestError(t, err, 1, true)
		assert.Len(t, lb.received(), 1)
	})
	t.Run("opted in", func(t *testing.T) {
		t.Parallel()
		lb := serveRaw(t, http.HandlerFunc(closeConnection))
		client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())
		err := post(client, context.Background())
		requireRequestError(t, err, 3, true)
		assert.Len(t, lb.received(), 3)
	})
}

// hangUntilClientLeaves never answers; it returns when the client gives up and closes the connection.
func hangUntilClientLeaves(_ http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
}

func TestSlowServerPastTheTimeout(t *testing.T) {
	t.Parallel()
	t.Run("WithTimeout", func(t *testing.T) {
		t.Parallel()
		lb := serveRaw(t, http.HandlerFunc(hangUntilClientLeaves))
		client, _ := newFaultClient(t, lb.baseURL, wrapper.WithTimeout(50*time.Millisecond))
		err := post(client, context.Background())
		requireRequestError(t, err, 1, true)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, lb.received(), 1)
	})
	t.Run("the caller's deadline", func(t *testing.T) {
		t.Parallel()
		lb := serveRaw(t, http.HandlerFunc(hangUntilClientLeaves))
		client, _ := newFaultClient(t, lb.baseURL)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := post(client, ctx)
		requireRequestError(t, err, 1, true)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Len(t, lb.received(), 1)
	})
}

func TestEachAttemptGetsATimeout(t *testing.T) {
	t.Parallel()
	callerDeadline := time.Now().Add(time.Hour)
	cases := []struct {
		name        string
		opts        []wrapper.Option
		ctxDeadline time.Time
		want        func(deadline time.Time, ok bool)
	}{
		{"30 seconds by default", nil, time.Time{}, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.WithinDuration(t, time.Now().Add(30*time.Second), deadline, 5*time.Second)
		}},
		{"the caller's deadline replaces the default", nil, callerDeadline, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.Equal(t, callerDeadline, deadline)
		}},
		{"WithTimeout applies within the caller's deadline", []wrapper.Option{wrapper.WithTimeout(time.Minute)}, callerDeadline, func(deadline time.Time, ok bool) {
			require.True(t, ok)
			assert.WithinDuration(t, time.Now().Add(time.Minute), deadline, 5*time.Second)
		}},
		{"WithTimeout(0) leaves no limit", []wrapper.Option{wrapper.WithTimeout(0)}, time.Time{}, func(_ time.Time, ok bool) {
			assert.False(t, ok)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var deadline time.Time
			var hasDeadline bool
			transport := roundTripperFunc(func(req *http.Request) (*http.Response, error) {
				deadline, hasDeadline = req.Context().Deadline()
				return nil, errors.New("stop here")
			})
			opts := append([]wrapper.Option{wrapper.WithHTTPClient(&http.Client{Transport: transport})}, tc.opts...)
			client, _ := newFaultClient(t, wrapper.DefaultBaseURL, opts...)
			ctx := context.Background()
			if !tc.ctxDeadline.IsZero() {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, tc.ctxDeadline)
				defer cancel()
			}
			_ = post(client, ctx)
			tc.want(deadline, hasDeadline)
		})
	}
}

func TestCancellingDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	lb := serve(t, script(answer(http.StatusTooManyRequests)))
	waiting := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, _ := newFaultClient(t, lb.baseURL,
		wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxRetries: 1, MinBackoff: time.Hour, MaxBackoff: time.Hour}),
		wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
			close(waiting)
			return wrapper.Sleep(ctx, d)
		}))
	done := make(chan error, 1)
	go func() { done <- post(client, ctx) }()

	<-waiting // the client is in its hour-long backoff
	cancel()
	err := <-done

	requireRequestError(t, err, 1, false)
	assert.ErrorIs(t, err, context.Canceled)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, lb.received(), 1)
}

func TestMalformedSuccessAnswerIsNeverRetried(t *testing.T) {
	t.Parallel()
	lb := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"_id":`)
	}))
	client, _ := newFaultClient(t, lb.baseURL, retryUnknownOutcomes())

	err := post(client, context.Background())

	requireRequestError(t, err, 1, false)
	assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
	assert.Len(t, lb.received(), 1, "the message exists; only its answer is unreadable")
}

// streamHugeAnswer answers 200 with a 50 MiB JSON message, written from one small buffer so that the
// server itself allocates next to nothing.
func streamHugeAnswer(declareLength bool) http.HandlerFunc {
	const size = 50 << 20
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if declareLength {
			w.Header().Set("Content-Length", fmt.Sprint(size+len(`{"comment":""}`)))
		}
		if _, err := io.WriteString(w, `{"comment":"`); err != nil {
			return
		}
		for written := 0; written < size; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading, as it should
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}
}

// Not parallel: it measures the process's allocations, so nothing else may run beside it.
func TestFiftyMiBAnswerIsRefusedWithBoundedMemory(t *testing.T) {
	for _, declareLength := range []bool{false, true} {
		t.Run(fmt.Sprintf("Content-Length declared: %v", declareLength), func(t *testing.T) {
			lb := serveRaw(t, streamHugeAnswer(declareLength))
			client, _ := newFaultClient(t, lb.baseURL)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			err := post(client, context.Background())

			runtime.ReadMemStats(&after)
			requireRequestError(t, err, 1, false)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.Contains(t, err.Error(), "4194304")
			allocated := after.TotalAlloc - before.TotalAlloc
			// Reading the answer whole would allocate over 100 MiB; the 4 MiB cap keeps the client far below
			// half the answer's size, race detector included.
			assert.Less(t, allocated, uint64(25<<20), "allocated %d MiB for a 50 MiB answer", allocated>>20)
			assert.Len(t, lb.received(), 1)
		})
	}
}

func TestResponseCapIsConfigurable(t *testing.T) {
	t.Parallel()
	lb, _ := serveGleap(t)
	client, _ := newFaultClient(t, lb.baseURL, wrapper.WithMaxResponseBytes(64))
	err := post(client, context.Background())
	requireRequestError(t, err, 1, false)
	assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
}

func TestRedirectsOfAPostAreNotFollowedAndLeaveTheOutcomeUnknown(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(target.Close)
	lb := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/v3/messages", http.StatusTemporaryRedirect)
	}))
	client, _ := newFaultClient(t, lb.baseURL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, true)
	requireAPIError(t, err, http.StatusTemporaryRedirect)
	assert.Len(t, lb.received(), 1)
	assert.Zero(t, elsewhere.Load(), "neither the key nor the message goes where a redirect points")
}

func TestPlainHTTPIsOnlyForLoopbackUnlessOptedIn(t *testing.T) {
	t.Parallel()
	for _, baseURL := range []string{"http://localhost:4010/v3", "http://127.0.0.1:4010/v3", "http://[::1]:4010/v3", "https://api.gleap.io/v3"} {
		_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(baseURL))
		assert.NoError(t, err, baseURL)
	}
	_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("http://gleap.internal/v3"))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "baseURL", invalid.Field)
	for _, opts := range [][]wrapper.Option{
		{wrapper.WithBaseURL("http://gleap.internal/v3"), wrapper.WithInsecureHTTP()},
		{wrapper.WithInsecureHTTP(), wrapper.WithBaseURL("http://gleap.internal/v3")},
	} {
		_, err = wrapper.New(testKey, testProject, opts...)
		assert.NoError(t, err, "the opt-in works in any order")
	}
}

func TestSuccessfulAttemptsLogAtInfoWithoutHeadersOrBodies(t *testing.T) {
	t.Parallel()
	lb, _ := serveGleap(t)
	client, run := newFaultClient(t, lb.baseURL)
	require.NoError(t, post(client, context.Background()))

	lines := run.logLines(t)
	require.Len(t, lines, 1)
	assert.Equal(t, "INFO", lines[0]["level"])
	assert.EqualValues(t, 200, lines[0]["status"])
	for _, hidden := range []string{testKey, testProject, "hello", "Authorization"} {
		assert.NotContains(t, fmt.Sprint(lines[0]), hidden)
	}
}

func TestPrintingOptionsAndPoliciesNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	for _, value := range []any{
		wrapper.WithBaseURL("https://api.gleap.io/v3"), wrapper.WithRetryPolicy(wrapper.DefaultRetryPolicy()),
		wrapper.DefaultRetryPolicy(), wrapper.BearerAuth(testKey), wrapper.ProjectHeader(testProject),
	} {
		for _, format := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(format, value), testKey)
		}
	}
	assert.False(t, strings.Contains(fmt.Sprintf("%#v", wrapper.DefaultRetryPolicy()), "gl_sk"))
}
