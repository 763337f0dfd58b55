package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

func TestAHandledDeliveryIsAnswered200WithItsEvent(t *testing.T) {
	t.Parallel()
	var got calls
	answer := deliver(newHandler(t, &got), ticketCreated)
	require.Equal(t, http.StatusOK, answer.Code)
	assert.Equal(t, "handled\n", answer.Body.String())
	require.Equal(t, 1, got.count())
	event := got.events[0]
	assert.Equal(t, webhook.TicketCreated, event.Type)
	assert.Equal(t, "p1", event.ProjectID)
	assert.JSONEq(t, ticketCreated, string(event.Body))
	require.NotNil(t, event.Ticket)
	assert.Equal(t, "6752e9a8b7c6d5e4f3a21098", event.Ticket.ID)
	assert.Equal(t, 42, event.Ticket.Number)
	assert.Nil(t, event.Message)
}

func TestOnlyPOSTDelivers(t *testing.T) {
	t.Parallel()
	var got calls
	handler := newHandler(t, &got)
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead} {
		req := httptest.NewRequest(method, "/gleap", strings.NewReader(ticketCreated))
		req.Header.Set(webhook.SecretHeader, testSecret)
		answer := httptest.NewRecorder()
		handler.ServeHTTP(answer, req)
		assert.Equal(t, http.StatusMethodNotAllowed, answer.Code, method)
		assert.Equal(t, http.MethodPost, answer.Header().Get("Allow"), method)
	}
	assert.Zero(t, got.count())
}

// endlessReader is a body that never ends; it counts what was read of it.
type endlessReader struct{ read atomic.Int64 }

func (r *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	r.read.Add(int64(len(p)))
	return len(p), nil
}

func TestAnOversizedDeliveryIsRefusedWithoutBeingReadOn(t *testing.T) {
	t.Parallel()
	const maxBody = 1 << 10
	var got calls
	handler := newHandler(t, &got, webhook.WithMaxBodyBytes(maxBody))

	t.Run("declared in Content-Length", func(t *testing.T) {
		t.Parallel()
		body := &endlessReader{}
		req := httptest.NewRequest(http.MethodPost, "/gleap", body)
		req.ContentLength = maxBody + 1
		req.Header.Set(webhook.SecretHeader, testSecret)
		answer := httptest.NewRecorder()
		handler.ServeHTTP(answer, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, answer.Code)
		assert.Zero(t, body.read.Load(), "bytes read of a body declared too large")
	})
	t.Run("chunked", func(t *testing.T) {
		t.Parallel()
		body := &endlessReader{}
		req := httptest.NewRequest(http.MethodPost, "/gleap", body)
		req.ContentLength = -1
		req.Header.Set(webhook.SecretHeader, testSecret)
		answer := httptest.NewRecorder()
		handler.ServeHTTP(answer, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, answer.Code)
		assert.Less(t, body.read.Load(), int64(64<<10), "bytes read of an endless body")
	})
	t.Run("exactly at the cap", func(t *testing.T) {
		t.Parallel()
		var atCap calls
		body := ticketCreated + strings.Repeat(" ", maxBody-len(ticketCreated))
		answer := deliver(newHandler(t, &atCap, webhook.WithMaxBodyBytes(maxBody)), body)
		assert.Equal(t, http.StatusOK, answer.Code, answer.Body.String())
		assert.Equal(t, 1, atCap.count())
	})
	assert.Zero(t, got.count())
}

func TestAMalformedDeliveryIsAnswered400(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"empty":                  "",
		"not JSON":               "event=ticket.created",
		"cut short":              ticketCreated[:len(ticketCreated)-2],
		"an array":               `[{"event":"ticket.created"}]`,
		"a string":               `"ticket.created"`,
		"without event":          `{"projectId":"p1","data":{}}`,
		"an empty event":         `{"event":"","data":{}}`,
		"an event of null":       `{"event":null,"data":{}}`,
		"an event not a string":  `{"event":42,"data":{}}`,
		"a projectId not string": `{"event":"ticket.created","projectId":7,"data":{}}`,
		"trailing garbage":       ticketCreated + "}",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got calls
			answer := deliver(newHandler(t, &got), body)
			assert.Equal(t, http.StatusBadRequest, answer.Code)
			assert.Contains(t, answer.Body.String(), "malformed delivery")
			assert.Zero(t, got.count())
		})
	}
}

func TestARepeatedDeliveryIsHandledOnce(t *testing.T) {
	t.Parallel()
	var got calls
	handler := newHandler(t, &got)
	first := deliver(handler, ticketCreated)
	require.Equal(t, http.StatusOK, first.Code)
	// A repeat may differ in layout: spaces, and the order of the data's keys.
	repeat := strings.Replace(ticketCreated, `"bugId":42,"title":"Invoices do not load",`, `"title" : "Invoices do not load", "bugId" : 42 ,`, 1)
	require.NotEqual(t, ticketCreated, repeat)
	for range 3 {
		answer := deliver(handler, repeat)
		assert.Equal(t, http.StatusOK, answer.Code)
		assert.Equal(t, "handled before\n", answer.Body.String())
	}
	assert.Equal(t, 1, got.count())
}

func TestDeliveriesOfOtherEventsAreEachHandled(t *testing.T) {
	t.Parallel()
	var got calls
	handler := newHandler(t, &got)
	variants := []string{
		ticketCreated,
		strings.Replace(ticketCreated, "ticket.created", "ticket.updated", 1), // another event of the same object
		strings.Replace(ticketCreated, `"updatedAt":"2026-11-02T09:30:00.000Z"`, `"updatedAt":"2026-11-02T09:31:00.000Z"`, 1),
		strings.Replace(ticketCreated, `"projectId":"p1"`, `"projectId":"p2"`, 1),
		strings.ReplaceAll(ticketCreated, "6752e9a8b7c6d5e4f3a21098", "6752e9a8b7c6d5e4f3a21099"),
		`{"event":"ticket.created","projectId":"p1","data":{"id":"6752e9a8b7c6d5e4f3a21098"}}`, // no updatedAt: keyed by its data
		`{"event":"ticket.created","projectId":"p1","data":{"id":"6752e9a8b7c6d5e4f3a21098","status":"DONE"}}`,
		`{"event":"ticket.created","projectId":"p1","data":{"_id":"6752e9a8b7c6d5e4f3a21098","updatedAt":"2026-11-03T00:00:00Z"}}`,
		`{"event":"survey.submitted","projectId":"p1"}`,
		// Two updates within one millisecond: the same id and updatedAt, other data.
		`{"event":"ticket.updated","projectId":"p1","data":{"id":"t1","updatedAt":"2026-11-02T09:30:00.000Z","status":"INPROGRESS"}}`,
		`{"event":"ticket.updated","projectId":"p1","data":{"id":"t1","updatedAt":"2026-11-02T09:30:00.000Z","status":"DONE"}}`,
		`{"event":"ticket.updated","projectId":"p1","data":{"id":"t1","updatedAt":"2026-11-02T09:30:00.000Z","status":"DONE","bugId":1.0}}`,
		`{"event":"ticket.updated","projectId":"p1","data":{"id":"t1","updatedAt":"2026-11-02T09:30:00.000Z","status":"DONE","bugId":1}}`,
	}
	for _, body := range variants {
		answer := deliver(handler, body)
		require.Equal(t, http.StatusOK, answer.Code, body)
		require.Equal(t, "handled\n", answer.Body.String(), body)
	}
	assert.Equal(t, len(variants), got.count())
	// The same data is a repeat in any layout, its strings escaped otherwise or its keys in another order.
	for _, again := range []string{
		`{ "event": "ticket.created", "projectId": "p1", "data": { "id": "6752e9a8b7c6d5e4f3a21098" } }`,
		`{"event":"ticket.updated","projectId":"p1","data":{"status":"DONE","updatedAt":"2026-11-02T09:30:00.000Z","id":"t\u0031"}}`,
	} {
		assert.Equal(t, "handled before\n", deliver(handler, again).Body.String(), again)
	}
	assert.Equal(t, len(variants), got.count())
}

func TestConcurrentRepeatsAreHandledOnce(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	var called atomic.Int32
	handler, err := webhook.NewHandler(testSecret, func(context.Context, *webhook.Event) error {
		if called.Add(1) == 1 {
			close(started)
		}
		<-release
		return nil
	})
	require.NoError(t, err)
	const repeats = 8
	answers := make([]*httptest.ResponseRecorder, repeats)
	var wg sync.WaitGroup
	wg.Go(func() { answers[0] = deliver(handler, ticketCreated) })
	<-started // the first is being handled: the repeats find it so, and wait for it
	for i := 1; i < repeats; i++ {
		wg.Go(func() { answers[i] = deliver(handler, ticketCreated) })
	}
	close(release)
	wg.Wait()
	for _, answer := range answers {
		assert.Equal(t, http.StatusOK, answer.Code)
	}
	assert.Equal(t, int32(1), called.Load())
}

func TestAFailedCallbackIsAnswered500AndItsRetryHandledOnce(t *testing.T) {
	t.Parallel()
	for name, fail := range map[string]func(){
		"an error": nil,
		"a panic":  func() { panic("the database is gone") },
		// A callback that ends its goroutine, as t.FailNow or log.Fatal's kin in a test helper do, is
		// never finished otherwise: its event would stay "being handled", and every retry wait for it.
		"runtime.Goexit": runtime.Goexit,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var attempts atomic.Int32
			handler, err := webhook.NewHandler(testSecret, func(context.Context, *webhook.Event) error {
				if attempts.Add(1) > 1 {
					return nil
				}
				if fail != nil {
					fail()
				}
				return errors.New("the database is gone")
			})
			require.NoError(t, err)
			failed := deliver(handler, ticketCreated)
			assert.Equal(t, http.StatusInternalServerError, failed.Code)
			assert.Equal(t, "the event could not be handled: try again\n", failed.Body.String())
			retry := deliver(handler, ticketCreated)
			assert.Equal(t, http.StatusOK, retry.Code)
			assert.Equal(t, "handled\n", retry.Body.String())
			again := deliver(handler, ticketCreated)
			assert.Equal(t, "handled before\n", again.Body.String())
			assert.Equal(t, int32(2), attempts.Load(), "calls: the failed one and the retry")
		})
	}
}

func TestACallbackPastItsTimeIsAnswered503AndRememberedOnceItSucceeds(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var called atomic.Int32
	handler, err := webhook.NewHandler(testSecret, func(ctx context.Context, _ *webhook.Event) error {
		called.Add(1)
		<-ctx.Done() // its time runs out
		<-release    // and it goes on, then succeeds
		return nil
	}, webhook.WithCallbackTimeout(50*time.Millisecond))
	require.NoError(t, err)
	late := deliver(handler, ticketCreated)
	assert.Equal(t, http.StatusServiceUnavailable, late.Code)
	close(release)
	// The retry waits for the late callback (at most its timeout each time): once it returned, the
	// retry is a repeat of a handled delivery.
	var retry *httptest.ResponseRecorder
	for range 100 {
		if retry = deliver(handler, ticketCreated); retry.Code != http.StatusServiceUnavailable {
			break
		}
	}
	assert.Equal(t, http.StatusOK, retry.Code)
	assert.Equal(t, "handled before\n", retry.Body.String())
	assert.Equal(t, int32(1), called.Load())
}

func TestTheCallbackOutlivesTheRequestButNotItsTimeout(t *testing.T) {
	t.Parallel()
	deadlines := make(chan bool, 1)
	handler, err := webhook.NewHandler(testSecret, func(ctx context.Context, _ *webhook.Event) error {
		_, hasDeadline := ctx.Deadline()
		deadlines <- hasDeadline && ctx.Err() == nil
		return nil
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the sender hung up before the callback ran
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/gleap", strings.NewReader(ticketCreated))
	req.Header.Set(webhook.SecretHeader, testSecret)
	handler.ServeHTTP(httptest.NewRecorder(), req)
	assert.True(t, <-deadlines, "the callback's context has a deadline and is not done")
}

func TestTheDuplicateWindowForgetsOldDeliveries(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	advance := clock.advance
	var got calls
	handler := newHandler(t, &got, webhook.WithDuplicateWindow(time.Hour, 2), webhook.WithClock(clock.now))

	require.Equal(t, "handled\n", deliver(handler, ticketUpdated(1)).Body.String())
	advance(59 * time.Minute)
	assert.Equal(t, "handled before\n", deliver(handler, ticketUpdated(1)).Body.String(), "within the hour")
	advance(time.Minute)
	assert.Equal(t, "handled\n", deliver(handler, ticketUpdated(1)).Body.String(), "after the hour")

	// At most 2 are remembered: a third makes room by forgetting the oldest.
	require.Equal(t, "handled\n", deliver(handler, ticketUpdated(2)).Body.String())
	require.Equal(t, "handled\n", deliver(handler, ticketUpdated(3)).Body.String())
	assert.Equal(t, "handled\n", deliver(handler, ticketUpdated(1)).Body.String(), "the oldest, forgotten")
	assert.Equal(t, "handled before\n", deliver(handler, ticketUpdated(3)).Body.String(), "the newest, remembered")
	assert.Equal(t, 5, got.count())
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	var got calls
	for name, opt := range map[string]webhook.Option{
		"no body":            webhook.WithMaxBodyBytes(0),
		"no time to live":    webhook.WithDuplicateWindow(0, 10),
		"nothing remembered": webhook.WithDuplicateWindow(time.Hour, 0),
		"no callback time":   webhook.WithCallbackTimeout(0),
	} {
		_, err := webhook.NewHandler(testSecret, got.record, opt)
		assert.Error(t, err, name)
	}
	_, err := webhook.NewHandler(testSecret, got.record, webhook.WithSecretHeader(""), webhook.WithSecretQueryParameter(""))
	assert.ErrorContains(t, err, "no place for the secret")
	_, err = webhook.NewHandler(testSecret, nil)
	assert.ErrorContains(t, err, "callback is nil")
	_, err = webhook.NewHandler(testSecret, got.record, nil, webhook.WithMaxBodyBytes(1))
	assert.NoError(t, err, "a nil option is skipped")
}

// Reading a body that breaks off is answered 400 and reaches no callback.
func TestAnUnreadableBodyIsAnswered400(t *testing.T) {
	t.Parallel()
	var got calls
	req := httptest.NewRequest(http.MethodPost, "/gleap", io.MultiReader(strings.NewReader(`{"event":`), errReader{}))
	req.Header.Set(webhook.SecretHeader, testSecret)
	answer := httptest.NewRecorder()
	newHandler(t, &got).ServeHTTP(answer, req)
	assert.Equal(t, http.StatusBadRequest, answer.Code)
	assert.Zero(t, got.count())
}

// errReader fails every read, as a connection that broke off.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestARepeatWaitsForTheFirstAtMostTheCallbackTimeout(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	handler, err := webhook.NewHandler(testSecret, func(context.Context, *webhook.Event) error {
		close(started)
		<-release
		return errors.New("too late")
	}, webhook.WithCallbackTimeout(20*time.Millisecond))
	require.NoError(t, err)
	first := make(chan int)
	go func() { first <- deliver(handler, ticketCreated).Code }()
	<-started

	repeat := deliver(handler, ticketCreated)
	assert.Equal(t, http.StatusServiceUnavailable, repeat.Code)
	assert.Equal(t, "the same event is still being handled: try again later\n", repeat.Body.String())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/gleap", strings.NewReader(ticketCreated))
	req.Header.Set(webhook.SecretHeader, testSecret)
	gone := httptest.NewRecorder()
	handler.ServeHTTP(gone, req)
	assert.Equal(t, http.StatusServiceUnavailable, gone.Code, "a repeat whose sender hung up")

	close(release)
	assert.Equal(t, http.StatusServiceUnavailable, <-first, "the first, past its time too")
}

func TestTheDefaultWindowIs24HoursAnd10000Deliveries(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	var got calls
	handler := newHandler(t, &got, webhook.WithClock(clock.now))
	for n := range webhook.DefaultMaxRemembered + 1 {
		require.Equal(t, "handled\n", deliver(handler, ticketUpdated(n)).Body.String())
	}
	assert.Equal(t, "handled\n", deliver(handler, ticketUpdated(0)).Body.String(), "the oldest of 10,001, forgotten")
	assert.Equal(t, "handled before\n", deliver(handler, ticketUpdated(2)).Body.String())

	clock.advance(24*time.Hour - time.Nanosecond)
	assert.Equal(t, "handled before\n", deliver(handler, ticketUpdated(3)).Body.String(), "within 24 hours")
	clock.advance(time.Nanosecond)
	assert.Equal(t, "handled\n", deliver(handler, ticketUpdated(3)).Body.String(), "24 hours later")
	assert.Equal(t, time.Duration(24*time.Hour), webhook.DefaultDuplicateTTL)
	assert.Equal(t, 10_000, webhook.DefaultMaxRemembered)
}

// The callback timeout bounds the whole answer: a repeat that waited for its first, which then failed,
// runs the callback in what is left of its own timeout, not in a fresh one.
func TestARepeatIsAnsweredWithinOneCallbackTimeout(t *testing.T) {
	t.Parallel()
	const timeout = time.Hour // never reached: the test compares deadlines, it does not wait for them
	// The duplicate window reads the clock once per claim of a delivery: the repeat's first claim, which
	// finds the first delivery being handled, comes after its arrival and before it waits.
	claims := make(chan time.Time, 10)
	clock := func() time.Time {
		claims <- time.Now()
		return time.Now()
	}
	started, release := make(chan struct{}), make(chan struct{})
	deadlines := make(chan time.Time, 2)
	var called atomic.Int32
	handler, err := webhook.NewHandler(testSecret, func(ctx context.Context, _ *webhook.Event) error {
		deadline, _ := ctx.Deadline()
		deadlines <- deadline
		if called.Add(1) > 1 {
			return nil
		}
		close(started)
		<-release
		return errors.New("the database is gone")
	}, webhook.WithCallbackTimeout(timeout), webhook.WithClock(clock))
	require.NoError(t, err)

	first := make(chan *httptest.ResponseRecorder, 1)
	go func() { first <- deliver(handler, ticketCreated) }()
	<-started
	<-claims // the first delivery's
	repeat := make(chan *httptest.ResponseRecorder, 1)
	go func() { repeat <- deliver(handler, ticketCreated) }()
	waitingSince := <-claims // the repeat's: it arrived before, and now waits for the first
	close(release)

	assert.Equal(t, http.StatusInternalServerError, (<-first).Code)
	answer := <-repeat
	assert.Equal(t, http.StatusOK, answer.Code, answer.Body.String())
	<-deadlines // the first's
	repeatDeadline := <-deadlines
	assert.False(t, repeatDeadline.After(waitingSince.Add(timeout)),
		"the repeat's callback got a fresh timeout after its wait: %v past its own", repeatDeadline.Sub(waitingSince.Add(timeout)))
}

// A callback that hangs, ignoring its context, outlives its 503: WithMaxCallbacks bounds how many
// such callbacks pile up, each a goroutine and an event.
func TestCallbacksThatHangAreBounded(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	defer close(hang)
	var called atomic.Int32
	handler, err := webhook.NewHandler(testSecret, func(context.Context, *webhook.Event) error {
		called.Add(1)
		<-hang
		return nil
	}, webhook.WithCallbackTimeout(time.Millisecond), webhook.WithMaxCallbacks(2))
	require.NoError(t, err)
	for n := range 2 {
		answer := deliver(handler, ticketUpdated(n))
		assert.Equal(t, http.StatusServiceUnavailable, answer.Code)
		assert.Equal(t, "the event is still being handled: try again later\n", answer.Body.String())
	}
	for n := range 5 {
		answer := deliver(handler, ticketUpdated(2+n))
		assert.Equal(t, http.StatusServiceUnavailable, answer.Code)
		assert.Equal(t, "too many events are being handled: try again later\n", answer.Body.String())
	}
	repeat := deliver(handler, ticketUpdated(0))
	assert.Equal(t, "the same event is still being handled: try again later\n", repeat.Body.String(), "a repeat needs no callback of its own")
	assert.Equal(t, int32(2), called.Load(), "callbacks called")
}

// Once a callback returns, its place is free again.
func TestABoundedHandlerHandlesTheNextOnceACallbackReturns(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}, 2), make(chan struct{})
	var got calls
	handler, err := webhook.NewHandler(testSecret, func(ctx context.Context, event *webhook.Event) error {
		started <- struct{}{}
		<-release
		return got.record(ctx, event)
	}, webhook.WithMaxCallbacks(2))
	require.NoError(t, err)
	answers := make(chan int, 2)
	for n := range 2 {
		go func() { answers <- deliver(handler, ticketUpdated(n)).Code }()
	}
	<-started
	<-started
	assert.Equal(t, http.StatusServiceUnavailable, deliver(handler, ticketUpdated(2)).Code, "both places are taken")
	close(release)
	assert.Equal(t, http.StatusOK, <-answers)
	assert.Equal(t, http.StatusOK, <-answers)
	assert.Equal(t, "handled\n", deliver(handler, ticketUpdated(2)).Body.String())
	assert.Equal(t, 3, got.count())
}

func TestTheDefaultBoundIs1000Callbacks(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	defer close(hang)
	handler, err := webhook.NewHandler(testSecret, func(context.Context, *webhook.Event) error {
		<-hang
		return nil
	}, webhook.WithCallbackTimeout(time.Millisecond))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for n := range webhook.DefaultMaxCallbacks {
		wg.Go(func() {
			assert.Equal(t, "the event is still being handled: try again later\n", deliver(handler, ticketUpdated(n)).Body.String())
		})
	}
	wg.Wait()
	answer := deliver(handler, ticketUpdated(webhook.DefaultMaxCallbacks))
	assert.Equal(t, "too many events are being handled: try again later\n", answer.Body.String())
	assert.Equal(t, 1000, webhook.DefaultMaxCallbacks)
}
