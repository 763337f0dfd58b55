package gleaptest_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/apitest"
	"github.com/gleap-community/gleap-go/webhook"
	"github.com/gleap-community/gleap-go/wrapper"
)

// webhookTicket is the ticket the tests post messages into.
const webhookTicket = "6752e9a8b7c6d5e4f3a21098"

// deliveryLog follows the deliveries of a server through WithWebhookLog.
type deliveryLog chan gleaptest.WebhookDelivery

// option returns the WithWebhookLog that feeds l.
func (l deliveryLog) option() gleaptest.Option {
	return gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) { l <- d })
}

// settled waits until the delivery seq is no longer pending, and returns its record.
func (l deliveryLog) settled(t *testing.T, seq uint64) gleaptest.WebhookDelivery {
	t.Helper()
	for d := range l {
		if d.Seq == seq && d.State != gleaptest.WebhookPending {
			return d
		}
	}
	t.Fatal("the delivery log ended")
	return gleaptest.WebhookDelivery{}
}

// reply posts a reply into webhookTicket through server's API, as a client of the mock would.
func reply(t *testing.T, server *gleaptest.Server, text string) *wrapper.Message {
	t.Helper()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	message, err := client.Messages.Reply(context.Background(), webhookTicket, text)
	require.NoError(t, err)
	return message
}

func TestTheServerPostsAWebhookForEachStoredMessage(t *testing.T) {
	t.Parallel()
	receiverURL, events := apitest.EventReceiver(t, webhookSecret)
	log := make(deliveryLog, 100)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiverURL, webhookSecret), log.option())

	message := reply(t, server, "We are on it.")
	event := <-events
	assert.Equal(t, webhook.MessageCreated, event.Type)
	assert.Equal(t, "test-project", event.ProjectID)
	require.NotNil(t, event.Message)
	assert.Equal(t, message.ID, event.Message.ID)
	assert.Equal(t, webhookTicket, *event.Message.Ticket)

	delivered := log.settled(t, 1)
	assert.Equal(t, gleaptest.WebhookDelivered, delivered.State)
	assert.Equal(t, webhook.MessageCreated, delivered.Event)
	assert.Equal(t, message.ID, delivered.ObjectID)
	require.Len(t, delivered.Attempts, 1)
	assert.Equal(t, http.StatusOK, delivered.Attempts[0].Status)
	assert.Empty(t, delivered.Failure)
	assert.Equal(t, []gleaptest.WebhookDelivery{delivered}, server.WebhookDeliveries())
}

// scripted is a receiver that answers each delivery with the next of its statuses, then 200.
type scripted struct {
	statuses []int
	got      atomic.Int32
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.got.Add(1))
	if r.Header.Get(webhook.SecretHeader) != webhookSecret {
		w.WriteHeader(http.StatusTeapot) // the test fails on it: the secret did not come
		return
	}
	if n <= len(s.statuses) {
		w.WriteHeader(s.statuses[n-1])
		return
	}
	w.WriteHeader(http.StatusOK)
}

func TestAFailedDeliveryIsTriedAgainWithinBounds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		statuses []int
		state    gleaptest.WebhookState
		tries    int
		failure  string
	}{
		{name: "5xx, then delivered", statuses: []int{503, 500}, state: gleaptest.WebhookDelivered, tries: 3},
		{name: "429 and 408 are tried again", statuses: []int{429, 408}, state: gleaptest.WebhookDelivered, tries: 3},
		{name: "the tries run out", statuses: []int{503, 503, 503, 503}, state: gleaptest.WebhookFailed, tries: 3,
			failure: "no try of 3 was answered with 2xx"},
		{name: "a refusal ends it", statuses: []int{401}, state: gleaptest.WebhookFailed, tries: 1,
			failure: "the receiver answered 401"},
		{name: "a redirect is not followed", statuses: []int{307}, state: gleaptest.WebhookFailed, tries: 1,
			failure: "the receiver answered 307, and redirects are not followed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			receiver := &scripted{statuses: tc.statuses}
			receiverServer := httptest.NewServer(receiver)
			defer receiverServer.Close()
			log := make(deliveryLog, 100)
			server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiverServer.URL, webhookSecret),
				gleaptest.WithWebhookRetries(3, 1), log.option())
			reply(t, server, "Hello")
			record := log.settled(t, 1)
			assert.Equal(t, tc.state, record.State)
			assert.Equal(t, tc.failure, record.Failure)
			require.Len(t, record.Attempts, tc.tries)
			assert.Equal(t, int32(tc.tries), receiver.got.Load(), "posts the receiver got")
			for i, status := range tc.statuses[:min(len(tc.statuses), tc.tries)] {
				assert.Equal(t, status, record.Attempts[i].Status, "try %d", i+1)
			}
		})
	}
}

func TestARedirectTakesTheSecretNowhere(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	redirecting := httptest.NewServer(http.RedirectHandler(other.URL, http.StatusTemporaryRedirect))
	defer redirecting.Close()
	log := make(deliveryLog, 100)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(redirecting.URL, webhookSecret), log.option())
	reply(t, server, "Hello")
	assert.Equal(t, gleaptest.WebhookFailed, log.settled(t, 1).State)
	assert.Zero(t, elsewhere.Load(), "requests where the redirect pointed")
}

func TestAnUnreachableReceiverIsTriedAndTheRecordsHoldNoSecret(t *testing.T) {
	t.Parallel()
	gone := httptest.NewServer(http.NotFoundHandler())
	target := gone.URL + "/gleap?secret=" + url.QueryEscape(webhookSecret)
	gone.Close()
	log := make(deliveryLog, 100)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(target, webhookSecret), gleaptest.WithWebhookRetries(2, 1), log.option())
	reply(t, server, "Hello")
	record := log.settled(t, 1)
	assert.Equal(t, gleaptest.WebhookFailed, record.State)
	require.Len(t, record.Attempts, 2)
	for _, attempt := range record.Attempts {
		assert.Zero(t, attempt.Status)
		assert.NotEmpty(t, attempt.Error)
	}
	for _, line := range append(server.WebhookDeliveries(), record) {
		text := line.Failure
		for _, attempt := range line.Attempts {
			text += attempt.Error
		}
		assert.NotContains(t, text, webhookSecret)
		assert.NotContains(t, text, url.QueryEscape(webhookSecret))
		assert.NotContains(t, text, gone.URL)
	}
}

func TestTheAPINeverWaitsForAWebhook(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer hanging.Close()
	server, err := gleaptest.Start(gleaptest.WithWebhook(hanging.URL, webhookSecret))
	require.NoError(t, err)

	for range 3 { // each is answered while the first webhook hangs
		reply(t, server, "Hello")
	}
	<-arrived
	close(release)
	server.Close() // the try under way finishes; the ones still queued are not posted
	deliveries := server.WebhookDeliveries()
	require.Len(t, deliveries, 3)
	assert.Equal(t, gleaptest.WebhookDelivered, deliveries[0].State)
	delivered := 1
	for _, d := range deliveries[1:] { // the next may have been posted before Close began
		if d.State == gleaptest.WebhookDelivered {
			delivered++
			continue
		}
		assert.Equal(t, gleaptest.WebhookFailed, d.State)
		assert.Equal(t, "the server closed before the webhook was posted", d.Failure)
	}
	assert.Len(t, arrived, delivered-1, "every post that reached the receiver was delivered")
}

func TestAFaultedRequestPostsNoWebhook(t *testing.T) {
	t.Parallel()
	receiver := &scripted{}
	receiverServer := httptest.NewServer(receiver)
	defer receiverServer.Close()
	log := make(deliveryLog, 100)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiverServer.URL, webhookSecret), log.option(),
		gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusBadRequest}))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	_, err = client.Messages.Reply(context.Background(), webhookTicket, "refused")
	require.Error(t, err)
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: webhookTicket}) {
		require.NoError(t, err) // a read changes nothing: it posts nothing either
	}
	reply(t, server, "stored")
	record := log.settled(t, 1)
	assert.Equal(t, gleaptest.WebhookDelivered, record.State)
	assert.Len(t, server.WebhookDeliveries(), 1)
	assert.Equal(t, int32(1), receiver.got.Load())
}

func TestWithWebhookIsChecked(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]gleaptest.Option{
		"a relative URL": {gleaptest.WithWebhook("/gleap", webhookSecret)},
		"another scheme": {gleaptest.WithWebhook("ftp://example.com/gleap", webhookSecret)},
		"not a URL":      {gleaptest.WithWebhook("http://[::1", webhookSecret)},
		"no secret":      {gleaptest.WithWebhook("http://127.0.0.1:1/gleap", "")},
		"no tries":       {gleaptest.WithWebhook("http://127.0.0.1:1/gleap", webhookSecret), gleaptest.WithWebhookRetries(0, 1)},
		"too many tries": {gleaptest.WithWebhook("http://127.0.0.1:1/gleap", webhookSecret), gleaptest.WithWebhookRetries(11, 1)},
		"no wait":        {gleaptest.WithWebhook("http://127.0.0.1:1/gleap", webhookSecret), gleaptest.WithWebhookRetries(3, 0)},
		// A + in the query reads as a space: the receiver would refuse every delivery.
		"a secret in the query, unescaped": {gleaptest.WithWebhook("http://127.0.0.1:1/gleap?secret=abcdefgh+ijklmnop", "abcdefgh+ijklmnop")},
		"another secret in the query":      {gleaptest.WithWebhook("http://127.0.0.1:1/gleap?secret=nope", webhookSecret)},
	} {
		server, err := gleaptest.Start(opts...)
		if !assert.Error(t, err, name) {
			server.Close()
			continue
		}
		assert.NotContains(t, err.Error(), webhookSecret, name)
	}
	server := gleaptest.NewServer(t)
	assert.Nil(t, server.WebhookDeliveries(), "without WithWebhook")
	escaped := gleaptest.NewServer(t, gleaptest.WithWebhook("http://127.0.0.1:1/gleap?secret="+url.QueryEscape("abcdefgh+ijklmnop"), "abcdefgh+ijklmnop"))
	assert.Empty(t, escaped.WebhookDeliveries(), "the secret in the query, escaped")
}

func TestDeliveriesAreInTheSnapshotAndTheirChangesWakeChanged(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewServer(&scripted{})
	defer receiver.Close()
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiver.URL, webhookSecret))
	reply(t, server, "Hello")
	// The delivery settles after the request was answered: only its own change can wake this loop.
	snapshot := server.Snapshot()
	for len(snapshot.Webhooks) != 1 || snapshot.Webhooks[0].State != gleaptest.WebhookDelivered {
		<-server.Changed(snapshot.Version)
		snapshot = server.Snapshot()
	}
	assert.Equal(t, server.WebhookDeliveries(), snapshot.Webhooks)

	server.Clear()
	assert.Empty(t, server.Snapshot().Webhooks)
	reply(t, server, "Hello again")
	snapshot = server.Snapshot()
	for len(snapshot.Webhooks) != 1 || snapshot.Webhooks[0].State == gleaptest.WebhookPending {
		<-server.Changed(snapshot.Version)
		snapshot = server.Snapshot()
	}
	assert.Equal(t, uint64(2), snapshot.Webhooks[0].Seq, "the numbers go on after Clear")
}

func TestEveryChangeOfATicketPostsItsEvent(t *testing.T) {
	t.Parallel()
	receiverURL, events := apitest.EventReceiver(t, webhookSecret)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiverURL, webhookSecret))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	ctx := context.Background()
	next := func(want string) *webhook.Event {
		t.Helper()
		var event *webhook.Event
		select {
		case event = <-events:
		case <-time.After(30 * time.Second): // a guard, not a measure: a dropped event fails, not hangs
			require.FailNow(t, "no event arrived", "waiting for %s", want)
		}
		require.Equal(t, want, event.Type)
		require.NotNil(t, event.Ticket)
		return event
	}

	created, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("Invoices page stays blank")})
	require.NoError(t, err)
	assert.Equal(t, created.ID, next(webhook.TicketCreated).Ticket.ID)
	other, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "INQUIRY", Title: "Refund", Email: wrapper.Ptr("jane@example.com")})
	require.NoError(t, err)
	assert.Equal(t, other.ID, next(webhook.TicketCreated).Ticket.ID)

	_, err = client.Tickets.Update(ctx, created.ID, wrapper.UpdateTicketRequest{Tags: &[]string{"billing"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"billing"}, next(webhook.TicketUpdated).Ticket.Tags)
	require.NoError(t, client.Tickets.Archive(ctx, created.ID))
	assert.True(t, next(webhook.TicketUpdated).Ticket.Archived)
	require.NoError(t, client.Tickets.Unarchive(ctx, created.ID))
	assert.False(t, next(webhook.TicketUpdated).Ticket.Archived)
	require.NoError(t, client.Tickets.Snooze(ctx, created.ID, time.Hour))
	assert.True(t, next(webhook.TicketUpdated).Ticket.Snoozed)
	require.NoError(t, client.Tickets.Link(ctx, created.ID, other.ID))
	assert.Equal(t, []string{other.ID}, next(webhook.TicketUpdated).Ticket.LinkedTickets)
	require.NoError(t, client.Tickets.Unlink(ctx, created.ID, other.ID))
	assert.Empty(t, next(webhook.TicketUpdated).Ticket.LinkedTickets)

	require.NoError(t, client.Tickets.Delete(ctx, other.ID))
	_, err = client.Tickets.Get(ctx, created.ID)
	require.NoError(t, err)
	reply(t, server, "a message after the reads") // the poster goes in order: this one comes next
	assert.Equal(t, webhook.MessageCreated, (<-events).Type, "a delete and a read post nothing")
}

// A log that blocks (gleap mock writes it to a terminal) holds the deliveries up, never the API: the
// log is called by the delivery goroutine, which logs what requests changed meanwhile once it can, in
// the order of the changes.
func TestASlowWebhookLogNeverHoldsUpTheAPI(t *testing.T) {
	t.Parallel()
	receiver := httptest.NewServer(&scripted{})
	defer receiver.Close()
	release := make(chan struct{})
	var releaseOnce sync.Once
	defer releaseOnce.Do(func() { close(release) })
	logged := make(deliveryLog, 100)
	server := gleaptest.NewServer(t, gleaptest.WithWebhook(receiver.URL, webhookSecret),
		gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) {
			<-release
			logged <- d
		}))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	// A guard, not a measure: an API that waits for the log would wait forever.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, text := range []string{"one", "two", "three"} {
		_, err := client.Messages.Reply(ctx, webhookTicket, text)
		require.NoError(t, err, "the API's answer waited for the webhook log")
	}
	releaseOnce.Do(func() { close(release) })

	var order []gleaptest.WebhookDelivery
	for delivered := 0; delivered < 3; {
		d := <-logged
		order = append(order, d)
		if d.State == gleaptest.WebhookDelivered {
			delivered++
		}
	}
	queued, attempts := uint64(0), map[uint64]int{}
	for _, d := range order {
		if d.State == gleaptest.WebhookPending && len(d.Attempts) == 0 {
			assert.Equal(t, queued+1, d.Seq, "the deliveries are logged queued in the order they were made")
			queued = d.Seq
		}
		assert.LessOrEqual(t, d.Seq, queued, "a delivery is logged queued before anything else of it")
		assert.GreaterOrEqual(t, len(d.Attempts), attempts[d.Seq], "the changes of a delivery are logged in order")
		attempts[d.Seq] = len(d.Attempts)
	}
	assert.Equal(t, uint64(3), queued)
}

// Close closes the poster's kept-alive connection to the receiver: it does not outlive the server, with
// the transport's goroutines that serve it.
func TestCloseClosesThePostersConnections(t *testing.T) {
	t.Parallel()
	var opened atomic.Int32
	closed := make(chan struct{}, 100)
	receiver := httptest.NewUnstartedServer(&scripted{})
	receiver.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		switch state {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed <- struct{}{}
		}
	}
	receiver.Start()
	defer receiver.Close()
	log := make(deliveryLog, 100)
	server, err := gleaptest.Start(gleaptest.WithWebhook(receiver.URL, webhookSecret), log.option())
	require.NoError(t, err)
	reply(t, server, "Hello")
	require.Equal(t, gleaptest.WebhookDelivered, log.settled(t, 1).State)
	require.Len(t, closed, 0, "the poster keeps its connection between deliveries")

	server.Close()
	guard := time.NewTimer(30 * time.Second) // a guard, not a measure: without the fix, 90 seconds of idling
	defer guard.Stop()
	for range opened.Load() {
		select {
		case <-closed:
		case <-guard.C:
			t.Fatal("the poster's connection to the receiver is still open after Close")
		}
	}
}

// Two changes of a ticket within one millisecond (here, under WithClock) carry the same id and
// updatedAt: the receiver tells them apart by their data, and drops only a true repeat.
func TestTwoUpdatesInOneMillisecondBothReachTheReceiver(t *testing.T) {
	t.Parallel()
	receiverURL, events := apitest.EventReceiver(t, webhookSecret)
	fixed := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return fixed }),
		gleaptest.WithWebhook(receiverURL, webhookSecret))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	ctx := context.Background()
	ticket, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "BUG", Title: "Invoices page stays blank",
		Email: wrapper.Ptr("jane@example.com")})
	require.NoError(t, err)
	require.Equal(t, webhook.TicketCreated, (<-events).Type)
	for _, status := range []string{"INPROGRESS", "DONE"} {
		_, err = client.Tickets.Update(ctx, ticket.ID, wrapper.UpdateTicketRequest{Status: wrapper.Ptr(status)})
		require.NoError(t, err)
		event := <-events // the receiver's callback got it: it was not dropped as a repeat
		require.NotNil(t, event.Ticket)
		assert.Equal(t, status, event.Ticket.Status)
		assert.Equal(t, fixed, event.Ticket.UpdatedAt.UTC())
	}
}
