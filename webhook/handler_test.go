package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	// Gleap's repeat may differ in layout and in fields that are not the key.
	repeat := strings.Replace(ticketCreated, `"title":"Invoices do not load"`, `"title" : "Invoices do not load (edited)"`, 1)
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
	}
	for _, body := range variants {
		answer := deliver(handler, body)
		require.Equal(t, http.StatusOK, answer.Code, body)
		require.Equal(t, "handled\n", answer.Body.String(), body)
	}
	assert.Equal(t, len(variants), got.count())
	// Data without updatedAt is a repeat when it is the same data, in any layout.
	again := deliver(handler, `{ "event": "ticket.created", "projectId": "p1", "data": { "id": "6752e9a8b7c6d5e4f3a21098" } }`)
	assert.Equal(t, "handled before\n", again.Body.String())
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
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	advance := func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(d)
	}
	var got calls
	handler := newHandler(t, &got, webhook.WithDuplicateWindow(time.Hour, 2), webhook.WithClock(clock))
	event := func(n int) string {
		return fmt.Sprintf(`{"event":"ticket.updated","data":{"id":"t%d","updatedAt":"2026-11-02T09:30:00Z"}}`, n)
	}

	require.Equal(t, "handled\n", deliver(handler, event(1)).Body.String())
	advance(59 * time.Minute)
	assert.Equal(t, "handled before\n", deliver(handler, event(1)).Body.String(), "within the hour")
	advance(time.Minute)
	assert.Equal(t, "handled\n", deliver(handler, event(1)).Body.String(), "after the hour")

	// At most 2 are remembered: a third makes room by forgetting the oldest.
	require.Equal(t, "handled\n", deliver(handler, event(2)).Body.String())
	require.Equal(t, "handled\n", deliver(handler, event(3)).Body.String())
	assert.Equal(t, "handled\n", deliver(handler, event(1)).Body.String(), "the oldest, forgotten")
	assert.Equal(t, "handled before\n", deliver(handler, event(3)).Body.String(), "the newest, remembered")
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
