package gleaptest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

func TestTheRoutesThatPostWebhooks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, path, want string
	}{
		{http.MethodPost, "/v3/tickets", webhook.TicketCreated},
		{http.MethodPost, "/v3/tickets/compose", webhook.TicketCreated},
		{http.MethodPut, "/v3/tickets/t1", webhook.TicketUpdated},
		{http.MethodPut, "/v3/tickets/t1/archive", webhook.TicketUpdated},
		{http.MethodPut, "/v3/tickets/t1/unarchive", webhook.TicketUpdated},
		{http.MethodPut, "/v3/tickets/t1/snooze", webhook.TicketUpdated},
		{http.MethodPut, "/v3/tickets/t1/link", webhook.TicketUpdated},
		{http.MethodPut, "/v3/tickets/t1/unlink", webhook.TicketUpdated},
		{http.MethodPost, "/v3/messages", webhook.MessageCreated},
		{http.MethodGet, "/v3/tickets", ""},
		{http.MethodGet, "/v3/tickets/t1", ""},
		{http.MethodDelete, "/v3/tickets/t1", ""},
		{http.MethodPut, "/v3/tickets/merge", ""},
		{http.MethodPut, "/v3/tickets/", ""},
		{http.MethodPut, "/v3/tickets/t1/archive/x", ""},
		{http.MethodPut, "/v3/tickets/t1/close", ""},
		{http.MethodPut, "/v3/messages/m1", ""},
		{http.MethodPost, "/v3/messages/m1/faq", ""},
		{http.MethodPost, "/v3/tickets/search", ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, webhookEventOf(tc.method, tc.path), "%s %s", tc.method, tc.path)
	}
}

// idlePoster returns a poster that is never started: what it queues stays queued, and its changes are
// logged when the test, standing in for the poster's goroutine, calls flushLog.
func idlePoster(t *testing.T, bounds webhookBounds) (*webhookPoster, *[]WebhookDelivery) {
	t.Helper()
	var logged []WebhookDelivery
	poster, err := newWebhookPoster(webhookConfig{set: true, target: "http://127.0.0.1:1/gleap", secret: "s",
		log: func(d WebhookDelivery) { logged = append(logged, d) }}, &changes{})
	require.NoError(t, err)
	poster.bounds = bounds
	return poster, &logged
}

// eventFor returns a ticket.updated of the ticket id.
func eventFor(id string) webhook.Event {
	return webhook.Event{Type: webhook.TicketUpdated, ProjectID: "p", Data: json.RawMessage(`{"id":"` + id + `"}`)}
}

// enqueueTickets queues a ticket.updated of each of ticketIDs on poster.
func enqueueTickets(poster *webhookPoster, ticketIDs ...string) {
	for _, id := range ticketIDs {
		poster.enqueue(eventFor(id))
	}
}

func TestTheQueueOfWebhooksIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("in deliveries", func(t *testing.T) {
		t.Parallel()
		poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 2, queuedBytes: 1 << 20, unlogged: 100})
		enqueueTickets(poster, "t1", "t2", "t3")
		poster.flushLog()
		assert.Len(t, poster.queue, 2)
		require.Len(t, *logged, 3)
		assert.Equal(t, WebhookFailed, (*logged)[2].State)
		assert.Equal(t, "too many webhooks wait to be posted", (*logged)[2].Failure)
	})
	t.Run("in bytes", func(t *testing.T) {
		t.Parallel()
		first := eventFor("t1")
		poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 10, queuedBytes: queuedWebhook{event: first}.size(), unlogged: 100})
		poster.enqueue(first)
		poster.enqueue(eventFor("t2"))
		poster.flushLog()
		assert.Len(t, poster.queue, 1)
		assert.Equal(t, WebhookFailed, (*logged)[1].State)
	})
}

func TestTheChangesWaitingForTheLogAreBounded(t *testing.T) {
	t.Parallel()
	poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 10, queuedBytes: 1 << 20, unlogged: 2})
	server := &Server{webhooks: poster}
	enqueueTickets(poster, "t1", "t2", "t3")
	assert.Empty(t, *logged, "a request never calls the log")
	poster.flushLog()
	require.Len(t, *logged, 2, "the changes past the bound are not logged")
	assert.Equal(t, []uint64{1, 2}, []uint64{(*logged)[0].Seq, (*logged)[1].Seq})
	assert.Len(t, server.WebhookDeliveries(), 3, "they are recorded all the same")
	enqueueTickets(poster, "t4")
	poster.flushLog()
	require.Len(t, *logged, 3, "once the log caught up, changes are logged again")
	assert.Equal(t, uint64(4), (*logged)[2].Seq)
}

func TestOnlyTheNewestDeliveriesAreRecorded(t *testing.T) {
	t.Parallel()
	poster, _ := idlePoster(t, webhookBounds{records: 2, queued: 10, queuedBytes: 1 << 20, unlogged: 100})
	server := &Server{webhooks: poster}
	enqueueTickets(poster, "t1", "t2", "t3")
	deliveries := server.WebhookDeliveries()
	require.Len(t, deliveries, 2)
	assert.Equal(t, uint64(2), deliveries[0].Seq)
	assert.Equal(t, "t3", deliveries[1].ObjectID)
}

func TestAnAnswerWithoutAnObjectPostsNothing(t *testing.T) {
	t.Parallel()
	poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 10, queuedBytes: 1 << 20, unlogged: 100})
	for _, data := range []string{`null`, `["t1"]`, `"t1"`, ``} {
		poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(data)})
	}
	poster.flushLog()
	assert.Empty(t, poster.queue)
	for _, d := range *logged {
		assert.Equal(t, "the API's answer holds no object to post", d.Failure)
	}
	poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(`{"_id":"only-the-document-id"}`)})
	poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(`{"id":42,"title":"an id of its own kind"}`)})
	poster.flushLog()
	assert.Len(t, poster.queue, 2, "objects, whatever their ids")
	assert.Equal(t, "only-the-document-id", (*logged)[4].ObjectID)
	assert.Empty(t, (*logged)[5].ObjectID)
}

func TestClipCutsWhereARuneStarts(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ab", clip("ab", 5))
	assert.Equal(t, "a", clip("aé", 2), "é is two bytes")
	assert.Equal(t, "aé", clip("aéb", 3))
}

func TestCloseCutsOffATryPastItsGrace(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}), make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(release)
	var logged []WebhookDelivery
	poster, err := newWebhookPoster(webhookConfig{set: true, target: hanging.URL, secret: "s",
		log: func(d WebhookDelivery) { logged = append(logged, d) }}, &changes{})
	require.NoError(t, err)
	poster.closeGrace = time.Millisecond
	poster.start()
	poster.enqueue(eventFor("t1"))
	<-arrived
	poster.close() // returns, though the receiver never answers
	last := logged[len(logged)-1]
	assert.Equal(t, WebhookFailed, last.State)
	assert.Equal(t, "the server closed before the webhook was delivered", last.Failure)
	require.Len(t, last.Attempts, 1)
	assert.Zero(t, last.Attempts[0].Status)
}

func TestTriesWaitLongerEachTime(t *testing.T) {
	t.Parallel()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer failing.Close()
	cases := []struct {
		name      string
		attempts  int
		firstWait time.Duration
		want      []time.Duration
	}{
		{"by default, 5 tries from 1 second", 0, 0, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}},
		{"at most 30 seconds apart", 10, 10 * time.Second, []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second,
			30 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var waits []time.Duration
			settled := make(chan WebhookDelivery, 1)
			poster, err := newWebhookPoster(webhookConfig{set: true, target: failing.URL, secret: "s", attempts: tc.attempts, firstWait: tc.firstWait,
				log: func(d WebhookDelivery) {
					if d.State != WebhookPending {
						settled <- d
					}
				}}, &changes{})
			require.NoError(t, err)
			poster.pause = func(d time.Duration) bool { waits = append(waits, d); return true }
			poster.start()
			defer poster.close()
			poster.enqueue(eventFor("t1"))
			d := <-settled
			assert.Len(t, d.Attempts, len(tc.want)+1)
			assert.Equal(t, tc.want, waits)
		})
	}
}
