package wrapper_test

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// fakeTime is a clock that moves only when the client sleeps, and a record of those sleeps: the pacing
// can be seen exactly, without waiting for it.
type fakeTime struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeTime() *fakeTime {
	return &fakeTime{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
}

// options makes the client use this clock; advance says whether a sleep moves it.
func (f *fakeTime) options(advance bool) []wrapper.Option {
	return []wrapper.Option{
		wrapper.WithClock(func() time.Time {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.now
		}),
		wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.sleeps = append(f.sleeps, d)
			if advance {
				f.now = f.now.Add(d)
			}
			return ctx.Err()
		}),
	}
}

func (f *fakeTime) recorded() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sleeps)
}

func pacedClient(t *testing.T, server *gleaptest.Server, clock *fakeTime, advance bool, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	all := append([]wrapper.Option{wrapper.WithBaseURL(server.URL)}, clock.options(advance)...)
	client, err := wrapper.New(testKey, testProject, append(all, opts...)...)
	require.NoError(t, err)
	return client
}

func TestPacingIsSharedByEveryGoroutineOfAClient(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	clock := newFakeTime()
	client := pacedClient(t, server, clock, false, wrapper.WithRateLimit(10, time.Second))

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, err := client.Messages.Note(context.Background(), ticketID, "paced")
			assert.NoError(t, err)
		})
	}
	wg.Wait()

	waits := clock.recorded()
	slices.Sort(waits)
	require.Len(t, waits, 19, "the first request goes at once")
	for i, wait := range waits {
		assert.InDelta(t, float64(time.Duration(i+1)*102*time.Millisecond), float64(wait), float64(time.Millisecond),
			"one turn every 100 ms and 2 %, whichever goroutine takes it")
	}
	assert.Len(t, server.Requests(), 20)
}

func TestTheDefaultPaceIsGleapsLimit(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	clock := newFakeTime()
	client := pacedClient(t, server, clock, false)
	for range 3 {
		_, err := client.Messages.Note(context.Background(), ticketID, "paced")
		require.NoError(t, err)
	}
	waits := clock.recorded()
	require.Len(t, waits, 2)
	for i, wait := range waits {
		assert.InDelta(t, float64(time.Duration(i+1)*61200*time.Microsecond), float64(wait), float64(time.Microsecond),
			"1000 requests a minute: one every 60 ms and 2 %")
	}
}

func TestA429PausesTheWholeClient(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}))
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(0, 0))

	_, err := client.Messages.Note(context.Background(), ticketID, "told to slow down", wrapper.WithMaxRetries(0))
	require.Error(t, err)
	require.Empty(t, clock.recorded(), "no retry, so no wait of its own")

	_, err = client.Messages.Note(context.Background(), ticketID, "another caller")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second}, clock.recorded(), "the next call waits out the Retry-After")

	_, err = client.Messages.Note(context.Background(), ticketID, "after the pause")
	require.NoError(t, err)
	assert.Len(t, clock.recorded(), 1, "the pause is over")
}

func TestA429WithoutRetryAfterPausesForTheFirstBackoff(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests}))
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(0, 0))
	_, err := client.Messages.Note(context.Background(), ticketID, "x", wrapper.WithMaxRetries(0))
	require.Error(t, err)
	_, err = client.Messages.Note(context.Background(), ticketID, "y")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{wrapper.DefaultRetryPolicy().MinBackoff}, clock.recorded())
}

func TestAWaitForTheRateLimitThatCannotFitTheDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(1, time.Hour))
	_, err := client.Messages.Note(context.Background(), ticketID, "first")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = client.Messages.Note(ctx, ticketID, "second")

	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var requestErr *wrapper.RequestError
	require.ErrorAs(t, err, &requestErr)
	assert.Zero(t, requestErr.Attempts, "nothing was sent")
	assert.Empty(t, clock.recorded(), "no wait was started")
	assert.Len(t, server.Requests(), 1)

	_, err = client.Messages.Note(context.Background(), ticketID, "third")
	require.NoError(t, err)
	waits := clock.recorded()
	require.Len(t, waits, 1)
	assert.InDelta(t, float64(time.Hour+time.Hour/50), float64(waits[0]), float64(time.Microsecond),
		"the refused wait gave its turn back: the third waits one turn, not two")
}

func TestWithRateLimitIsTheClientsOption(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL))
	require.NoError(t, err)
	_, err = client.Messages.Note(context.Background(), ticketID, "x", wrapper.WithRateLimit(0, 0))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "rateLimit", invalid.Field)
	for _, bad := range []wrapper.Option{wrapper.WithRateLimit(-1, time.Second), wrapper.WithRateLimit(5, 0)} {
		_, err := wrapper.New(testKey, testProject, bad)
		require.ErrorAs(t, err, &invalid)
	}
	assert.Empty(t, server.Requests())
}

func TestA429HoldsBackTheGoroutinesAlreadyWaitingForTheirTurn(t *testing.T) {
	t.Parallel()
	firstArrived, secondWaiting, firstDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(firstArrived)
		<-secondWaiting // answered only once the second goroutine sleeps on its turn
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
	})}))
	var mu sync.Mutex
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var slept time.Duration
	clock := wrapper.WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	})
	sleep := wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
		if slept == 0 { // the second goroutine's first wait: its turn, 102 ms after the first request
			close(secondWaiting)
			<-firstDone // the 429 is in while it sleeps
		}
		mu.Lock()
		defer mu.Unlock()
		slept += d
		now = now.Add(d)
		return ctx.Err()
	})
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL), clock, sleep,
		wrapper.WithRateLimit(10, time.Second))
	require.NoError(t, err)

	go func() {
		defer close(firstDone)
		_, err := client.Messages.Note(context.Background(), ticketID, "told to slow down", wrapper.WithMaxRetries(0))
		assert.Error(t, err)
	}()
	<-firstArrived
	_, err = client.Messages.Note(context.Background(), ticketID, "waiting for its turn")
	require.NoError(t, err)

	assert.GreaterOrEqual(t, slept, 2*time.Second, "the second request went out during the 429's pause")
	assert.Len(t, server.Requests(), 2)
}

func TestAHugeRatePeriodSaturatesInsteadOfTurningPacingOff(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(1, time.Duration(math.MaxInt64)))
	_, err := client.Messages.Note(context.Background(), ticketID, "first")
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	_, err = client.Messages.Note(ctx, ticketID, "second")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "one request per 292 years leaves no turn within the hour")
	assert.Len(t, server.Requests(), 1)
}

func TestOneCallsLongRetryAfterHoldsOthersBackOnlyAsLongAsTheClientsPolicy(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Hour}))
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(0, 0))
	patient := wrapper.RetryPolicy{MaxRetryAfter: 2 * time.Hour}
	_, err := client.Messages.Note(context.Background(), ticketID, "willing to wait an hour", wrapper.WithRetryPolicy(patient))
	require.Error(t, err)

	_, err = client.Messages.Note(context.Background(), ticketID, "another caller")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{wrapper.DefaultRetryPolicy().MaxRetryAfter}, clock.recorded(),
		"the other call waits the client's MaxRetryAfter, not the hour one call would accept")
}

func TestACallWithALongerRetryAfterWaitsItOutItself(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Hour}))
	clock := newFakeTime()
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(0, 0))
	patient := wrapper.RetryPolicy{MaxRetries: 1, MaxRetryAfter: 2 * time.Hour}
	_, err := client.Messages.Note(context.Background(), ticketID, "willing to wait an hour", wrapper.WithRetryPolicy(patient))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Hour}, clock.recorded(), "its own Retry-After, once")
	assert.Len(t, server.Requests(), 2)
}
