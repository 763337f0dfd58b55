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

// idlePoster returns a poster that is never started: what it queues stays queued.
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

func TestTheQueueOfWebhooksIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("in deliveries", func(t *testing.T) {
		t.Parallel()
		poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 2, queuedBytes: 1 << 20})
		for _, id := range []string{"t1", "t2", "t3"} {
			poster.enqueue(eventFor(id))
		}
		assert.Len(t, poster.queue, 2)
		require.Len(t, *logged, 3)
		assert.Equal(t, WebhookFailed, (*logged)[2].State)
		assert.Equal(t, "too many webhooks wait to be posted", (*logged)[2].Failure)
	})
	t.Run("in bytes", func(t *testing.T) {
		t.Parallel()
		first := eventFor("t1")
		poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 10, queuedBytes: queuedWebhook{event: first}.size()})
		poster.enqueue(first)
		poster.enqueue(eventFor("t2"))
		assert.Len(t, poster.queue, 1)
		assert.Equal(t, WebhookFailed, (*logged)[1].State)
	})
}

func TestOnlyTheNewestDeliveriesAreRecorded(t *testing.T) {
	t.Parallel()
	poster, _ := idlePoster(t, webhookBounds{records: 2, queued: 10, queuedBytes: 1 << 20})
	server := &Server{webhooks: poster}
	for _, id := range []string{"t1", "t2", "t3"} {
		poster.enqueue(eventFor(id))
	}
	deliveries := server.WebhookDeliveries()
	require.Len(t, deliveries, 2)
	assert.Equal(t, uint64(2), deliveries[0].Seq)
	assert.Equal(t, "t3", deliveries[1].ObjectID)
}

func TestAnAnswerWithoutAnObjectPostsNothing(t *testing.T) {
	t.Parallel()
	poster, logged := idlePoster(t, webhookBounds{records: 10, queued: 10, queuedBytes: 1 << 20})
	for _, data := range []string{`null`, `["t1"]`, `"t1"`, ``} {
		poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(data)})
	}
	assert.Empty(t, poster.queue)
	for _, d := range *logged {
		assert.Equal(t, "the API's answer holds no object to post", d.Failure)
	}
	poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(`{"_id":"only-the-document-id"}`)})
	poster.enqueue(webhook.Event{Type: webhook.TicketUpdated, Data: json.RawMessage(`{"id":42,"title":"an id of its own kind"}`)})
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
