package wrapper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// failures collects what a Tracker hands to OnError.
type failures struct {
	mu     sync.Mutex
	errors []*wrapper.TrackError
}

func (f *failures) onError(err *wrapper.TrackError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, err)
}

// events returns the names of the events handed to OnError, in order.
func (f *failures) events() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for _, err := range f.errors {
		for _, event := range err.Events {
			names = append(names, event.Name)
		}
	}
	return names
}

// trackRequests returns a server that hands each request to /admin/track it answered to the channel it
// returns too, with faults for the first requests.
func trackRequests(t *testing.T, faults ...gleaptest.Fault) (*gleaptest.Server, <-chan gleaptest.Request) {
	t.Helper()
	requests := make(chan gleaptest.Request, 1000)
	server := gleaptest.NewServer(t, gleaptest.WithFaults(faults...), gleaptest.WithRequestLog(func(r gleaptest.Request) {
		if r.Path == "/admin/track" {
			requests <- r
		}
	}))
	return server, requests
}

// batchNames returns the names of the events a request to /admin/track carried.
func batchNames(t *testing.T, r gleaptest.Request) []string {
	t.Helper()
	var body struct{ Events []wrapper.Event }
	require.NoError(t, json.Unmarshal(r.Body, &body))
	var names []string
	for _, event := range body.Events {
		names = append(names, event.Name)
	}
	return names
}

// named returns events of user u1 named e-from to e-(to-1).
func named(from, to int) []string {
	var names []string
	for i := from; i < to; i++ {
		names = append(names, fmt.Sprintf("e-%d", i))
	}
	return names
}

// trackAll tracks the events names names, of user u1, and fails the test on any error.
func trackAll(t *testing.T, tracker *wrapper.Tracker, names []string) {
	t.Helper()
	for _, name := range names {
		require.NoError(t, tracker.Track(context.Background(), wrapper.Event{UserID: "u1", Name: name}))
	}
}

func TestATrackerSendsABatchWhenItIsFullAndTheRestOnFlush(t *testing.T) {
	t.Parallel()
	server, requests := trackRequests(t)
	var failed failures
	never := make(chan time.Time)
	tracker, err := wrapper.NewTrackerTicking(newClient(t, server, wrapper.WithRateLimit(0, 0)).Contacts,
		wrapper.TrackerOptions{BatchSize: 3, OnError: failed.onError}, never)
	require.NoError(t, err)
	defer tracker.Close(context.Background())

	trackAll(t, tracker, named(0, 3))
	assert.Equal(t, named(0, 3), batchNames(t, <-requests), "a full batch goes at once, without a flush")
	trackAll(t, tracker, named(3, 8))
	require.NoError(t, tracker.Flush(context.Background()))
	assert.Equal(t, named(3, 6), batchNames(t, <-requests))
	assert.Equal(t, named(6, 8), batchNames(t, <-requests), "Flush sends what a batch did not fill")
	assert.Empty(t, requests)
	assert.Len(t, server.Events("u1"), 8)
	assert.Empty(t, failed.events())
}

func TestATrackerSendsWhatItHoldsWhenTheIntervalIsDue(t *testing.T) {
	t.Parallel()
	server, requests := trackRequests(t)
	var failed failures
	ticks := make(chan time.Time)
	tracker, err := wrapper.NewTrackerTicking(newClient(t, server, wrapper.WithRateLimit(0, 0)).Contacts,
		wrapper.TrackerOptions{OnError: failed.onError}, ticks)
	require.NoError(t, err)
	defer tracker.Close(context.Background())

	trackAll(t, tracker, named(0, 2))
	assert.Empty(t, server.Requests(), "a batch of 100 is not full, and the interval is not due")
	ticks <- time.Now()
	assert.Equal(t, named(0, 2), batchNames(t, <-requests))
	trackAll(t, tracker, named(2, 3))
	ticks <- time.Now()
	assert.Equal(t, named(2, 3), batchNames(t, <-requests))
	assert.Empty(t, failed.events())
}

func TestClosingATrackerSendsWhatItHolds(t *testing.T) {
	t.Parallel()
	server, _ := trackRequests(t)
	var failed failures
	tracker, err := newClient(t, server, wrapper.WithRateLimit(0, 0)).Contacts.NewTracker(wrapper.TrackerOptions{BatchSize: 2, OnError: failed.onError})
	require.NoError(t, err)
	trackAll(t, tracker, named(0, 5))

	require.NoError(t, tracker.Close(context.Background()))
	var stored []string
	for _, event := range server.Events("u1") {
		stored = append(stored, event.Name)
	}
	assert.Equal(t, named(0, 5), stored, "every event, in order")
	assert.ErrorIs(t, tracker.Track(context.Background(), wrapper.Event{UserID: "u1", Name: "late"}), wrapper.ErrTrackerClosed)
	assert.NoError(t, tracker.Close(context.Background()), "a second Close")
	assert.NoError(t, tracker.Flush(context.Background()), "nothing is left to send")
	assert.Empty(t, failed.events())
}

func TestATrackersBufferStaysBoundedUnderAStalledServer(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 2)
	stalled := gleaptest.Fault{Handler: http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done() // never answers: held until the client gives up
	})}
	server := newServer(t, stalled, stalled)
	var failed failures
	never := make(chan time.Time)
	client := newClient(t, server, wrapper.WithRateLimit(0, 0), wrapper.WithTimeout(0))
	tracker, err := wrapper.NewTrackerTicking(client.Contacts, wrapper.TrackerOptions{BatchSize: 2, BufferSize: 4, OnError: failed.onError}, never)
	require.NoError(t, err)
	refusing, err := wrapper.NewTrackerTicking(client.Contacts, wrapper.TrackerOptions{BatchSize: 2, BufferSize: 4, RefuseWhenFull: true, OnError: failed.onError}, never)
	require.NoError(t, err)

	trackAll(t, tracker, named(0, 4))
	trackAll(t, refusing, named(10, 14))
	<-arrived
	<-arrived // each tracker's first batch is in flight, held by the server; two events wait behind it
	ctx, cancel := context.WithCancel(context.Background())
	blocked := make(chan error)
	go func() { blocked <- tracker.Track(ctx, wrapper.Event{UserID: "u1", Name: "waits"}) }()
	cancel()
	assert.ErrorIs(t, <-blocked, context.Canceled, "Track waits for room, as long as its context allows")
	assert.ErrorIs(t, refusing.Track(context.Background(), wrapper.Event{UserID: "u1", Name: "refused"}), wrapper.ErrTrackerFull)

	for _, stalled := range []*wrapper.Tracker{tracker, refusing} {
		closing, stop := context.WithCancel(context.Background())
		stop() // Close gives up at once: the server never answers
		err := stalled.Close(closing)
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorContains(t, err, "before 4 events were sent")
	}
	assert.ElementsMatch(t, append(named(0, 4), named(10, 14)...), failed.events(), "every event taken, none that was not")
	for _, err := range failed.errors {
		assert.Len(t, err.Events, 2)
		var requestErr *wrapper.RequestError
		if !errors.As(err, &requestErr) { // the batch in flight fails with its request
			assert.ErrorIs(t, err, wrapper.ErrTrackerClosed)
		}
	}
	assert.Empty(t, server.Events("u1"))
}

func TestNoTrackedEventIsLostWhateverHappensToTheContexts(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaultEvery(3, gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	var failed failures
	tracker, err := newClient(t, server, wrapper.WithRateLimit(0, 0), wrapper.WithMaxRetries(0)).Contacts.NewTracker(
		wrapper.TrackerOptions{BatchSize: 7, BufferSize: 20, OnError: failed.onError})
	require.NoError(t, err)

	const goroutines, each = 8, 60
	var mu sync.Mutex
	var taken []string
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				ctx, cancel := context.WithCancel(context.Background())
				if i%5 == 0 {
					cancel() // a caller that gave up: taken only if there is room at once
				}
				name := fmt.Sprintf("g%d-e%d", g, i)
				if tracker.Track(ctx, wrapper.Event{UserID: "u1", Name: name}) == nil {
					mu.Lock()
					taken = append(taken, name)
					mu.Unlock()
				}
				cancel()
				if i%17 == 0 {
					flushCtx, stop := context.WithCancel(context.Background())
					stop()
					_ = tracker.Flush(flushCtx) // a flush that gives up does not lose what it asked for
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, tracker.Close(context.Background()))

	var stored []string
	for _, event := range server.Events("u1") {
		stored = append(stored, event.Name)
	}
	assert.ElementsMatch(t, taken, append(stored, failed.events()...), "each event taken was sent or reported, once")
	assert.NotEmpty(t, failed.events(), "every third request failed")
	assert.Greater(t, len(taken), goroutines*each*3/4)
}

func TestATrackerSharesItsClientsPacing(t *testing.T) {
	t.Parallel()
	server, requests := trackRequests(t)
	var mu sync.Mutex
	var pauses []time.Duration
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	client := newClient(t, server, wrapper.WithRateLimit(1, time.Hour), wrapper.WithClock(func() time.Time { return now }),
		wrapper.WithSleep(func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			pauses = append(pauses, d)
			return nil
		}))
	var failed failures
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: failed.onError})
	require.NoError(t, err)
	require.NoError(t, client.Contacts.Identify(context.Background(), wrapper.IdentifyRequest{UserID: "u1"}))
	trackAll(t, tracker, named(0, 1))
	require.NoError(t, tracker.Close(context.Background()))

	<-requests
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, pauses, 1, "the identify went at once; the batch waited for the next turn of the client")
	assert.InDelta(t, time.Hour.Seconds()*51/50, pauses[0].Seconds(), 1)
}

func TestATrackerChecksWhatGleapRefusesBeforeTakingIt(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server)
	var failed failures
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: failed.onError})
	require.NoError(t, err)
	defer tracker.Close(context.Background())
	data := map[string]any{}
	for i := range wrapper.MaxEventDataKeys + 1 {
		data[fmt.Sprint(i)] = i
	}
	for field, event := range map[string]wrapper.Event{
		"event.userId": {Name: "a"},
		"event.name":   {UserID: "u1", Name: " "},
		"event.data":   {UserID: "u1", Name: "a", Data: data},
		"event":        {UserID: "u1", Name: "a", Data: map[string]any{"big": string(make([]byte, wrapper.MaxRequestBytes))}},
	} {
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, tracker.Track(context.Background(), event), &invalid, field)
		assert.Equal(t, field, invalid.Field)
	}
	var nilCtx context.Context // nil, as a caller's bug might leave it
	for _, call := range []func() error{
		func() error { return tracker.Track(nilCtx, wrapper.Event{UserID: "u1", Name: "a"}) },
		func() error { return tracker.Flush(nilCtx) }, func() error { return tracker.Close(nilCtx) },
	} {
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, call(), &invalid)
		assert.Equal(t, "ctx", invalid.Field)
	}
	require.NoError(t, tracker.Flush(context.Background()))
	assert.Empty(t, server.Requests(), "nothing was taken, so nothing was sent")

	for field, options := range map[string]wrapper.TrackerOptions{
		"OnError":       {},
		"BatchSize":     {BatchSize: wrapper.MaxEventsPerRequest + 1, OnError: failed.onError},
		"FlushInterval": {FlushInterval: -time.Second, OnError: failed.onError},
		"BufferSize":    {BufferSize: -1, OnError: failed.onError},
	} {
		_, err := client.Contacts.NewTracker(options)
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, field)
		assert.Equal(t, field, invalid.Field)
	}
	_, err = client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: failed.onError}, wrapper.WithRateLimit(1, time.Second))
	assert.Error(t, err, "the pace is the client's")
}

func TestATrackErrorSaysHowManyEventsFailedAndWhy(t *testing.T) {
	t.Parallel()
	err := &wrapper.TrackError{Events: make([]wrapper.Event, 3), Err: wrapper.ErrTrackerClosed}
	assert.Equal(t, "gleap: 3 events not tracked: gleap: the tracker is closed", err.Error())
	assert.ErrorIs(t, err, wrapper.ErrTrackerClosed)
}
