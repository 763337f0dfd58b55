package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

// testSecret is the secret of the tests' handlers: punctuation that a URL's query carries as it is, but
// that url.QueryEscape escapes all the same.
const testSecret = "s3cr3t-0f/the=te5ts:Zq9!"

// ticketCreated is a delivery of ticket.created as Gleap posts it.
const ticketCreated = `{"event":"ticket.created","projectId":"p1","data":{"_id":"6752e9a8b7c6d5e4f3a21098","id":"6752e9a8b7c6d5e4f3a21098",` +
	`"bugId":42,"title":"Invoices do not load","type":"BUG","status":"OPEN","priority":"HIGH","tags":["billing"],` +
	`"createdAt":"2026-11-02T09:30:00.000Z","updatedAt":"2026-11-02T09:30:00.000Z"}}`

// ticketUpdated is a delivery of ticket.updated of the ticket "t<n>", one per n.
func ticketUpdated(n int) string {
	return fmt.Sprintf(`{"event":"ticket.updated","data":{"id":"t%d","updatedAt":"2026-11-02T09:30:00Z"}}`, n)
}

// calls counts the events a callback got, and keeps them.
type calls struct {
	mu     sync.Mutex
	events []*webhook.Event
}

// record is a callback that keeps the event and succeeds.
func (c *calls) record(_ context.Context, event *webhook.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, event)
	return nil
}

// count returns how many events the callback got.
func (c *calls) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// newHandler returns a handler of testSecret with opts that keeps its events in c.
func newHandler(t *testing.T, c *calls, opts ...webhook.Option) *webhook.Handler {
	t.Helper()
	handler, err := webhook.NewHandler(testSecret, c.record, opts...)
	require.NoError(t, err)
	return handler
}

// post serves a POST of body to target with headers on handler, and returns the answer.
func post(handler http.Handler, target, body string, headers map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	answer := httptest.NewRecorder()
	handler.ServeHTTP(answer, req)
	return answer
}

// deliver posts body to handler with testSecret in the default header.
func deliver(handler http.Handler, body string) *httptest.ResponseRecorder {
	return post(handler, "/gleap", body, map[string]string{webhook.SecretHeader: testSecret})
}

// fakeClock is a clock that moves only when told, for the duplicate window's time to live.
type fakeClock struct {
	mu sync.Mutex
	at time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{at: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)}
}

// now is the clock's time: give it to WithClock.
func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// advance moves the clock on by d.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}
