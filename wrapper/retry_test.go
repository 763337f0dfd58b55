package wrapper_test

// Retrying what provably did not create the message: 429 answers, their Retry-After, the backoff
// between attempts and the caller's deadline and cancellation, which always win.

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestRetryAfterIsHonouredThenTheSameBodyIsSentAgain(t *testing.T) {
	t.Parallel()
	for name, retryAfter := range map[string]struct {
		answer   func(t *testing.T) gleaptest.Fault
		min, max time.Duration
	}{
		"seconds": {func(*testing.T) gleaptest.Fault {
			return gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second}
		}, 7 * time.Second, 7 * time.Second},
		// An HTTP date has whole seconds and the test may run late under load; a backoff would be ≤ 500 ms.
		"HTTP date": {func(t *testing.T) gleaptest.Fault {
			return gleapAnswer(t, http.StatusTooManyRequests, `{"statusCode":429,"error":"Too Many Requests","message":"Rate limit exceeded."}`,
				"Retry-After", time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))
		}, time.Second, 5 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, retryAfter.answer(t))
			client, run := newFaultClient(t, server.URL)

			message, err := client.Messages.Reply(context.Background(), ticketID, "hello")
			require.NoError(t, err)
			stored := server.Messages()
			require.Len(t, stored, 1)
			assert.Equal(t, stored[0].DocumentID, message.DocumentID, "the answer to the retry is returned")

			received := server.Requests()
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
	server := newServer(t, everyAttempt(tooManyRequests)...)
	policy := wrapper.DefaultRetryPolicy()
	policy.MaxRetries = 3
	client, run := newFaultClient(t, server.URL, wrapper.WithRetryPolicy(policy))

	err := post(client, context.Background())

	requireRequestError(t, err, 4, false)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, server.Requests(), 4)
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
	server := newServer(t, everyAttempt(tooManyRequests)...)
	policy := wrapper.RetryPolicy{MaxRetries: 6, MinBackoff: time.Second, MaxBackoff: 3 * time.Second}
	client, run := newFaultClient(t, server.URL, wrapper.WithRetryPolicy(policy))

	requireRequestError(t, post(client, context.Background()), 7, false)
	for _, wait := range run.recordedWaits()[2:] {
		assert.GreaterOrEqual(t, wait, 1500*time.Millisecond)
		assert.LessOrEqual(t, wait, 3*time.Second)
	}
}

func TestRetryAfterLongerThanAllowedEndsTheRetries(t *testing.T) {
	t.Parallel()
	server := newServer(t, everyAttempt(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Hour})...)
	client, run := newFaultClient(t, server.URL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, false)
	assert.Equal(t, time.Hour, requireAPIError(t, err, http.StatusTooManyRequests).RetryAfter)
	assert.Len(t, server.Requests(), 1)
	assert.Empty(t, run.recordedWaits())
}

func TestNoWaitOutlastsTheCallersDeadline(t *testing.T) {
	t.Parallel()
	server := newServer(t, everyAttempt(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 20 * time.Second})...)
	client, run := newFaultClient(t, server.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	err := post(client, ctx)

	requireRequestError(t, err, 1, false)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, server.Requests(), 1)
	assert.Empty(t, run.recordedWaits(), "a wait past the deadline is not started")
}

func TestCancellingDuringBackoffReturnsPromptly(t *testing.T) {
	t.Parallel()
	server := newServer(t, everyAttempt(tooManyRequests)...)
	waiting := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, _ := newFaultClient(t, server.URL,
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
	assert.Len(t, server.Requests(), 1)
}
