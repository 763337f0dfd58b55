package gleaptest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gleap "github.com/gleap-community/gleap-go"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/webhook"
)

// webhookSecret is the secret of the tests' receivers.
const webhookSecret = "gleaptest-webhook-secret/=:!"

// received is a receiver's callback that keeps every event it gets.
type received struct {
	mu     sync.Mutex
	events []*webhook.Event
}

func (r *received) handle(_ context.Context, event *webhook.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event)
	return nil
}

func (r *received) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// sampleEvent returns SampleEvent(eventType, at), failing t when there is none.
func sampleEvent(t *testing.T, eventType string, at time.Time) webhook.Event {
	t.Helper()
	event, err := gleaptest.SampleEvent(eventType, at)
	require.NoError(t, err)
	return event
}

// bodyOf reads the body of answer.
func bodyOf(t *testing.T, answer *http.Response) string {
	t.Helper()
	body, err := io.ReadAll(answer.Body)
	require.NoError(t, err)
	return string(body)
}

func TestAWebhookReachesAReceiverAsGleapSendsIt(t *testing.T) {
	t.Parallel()
	var got received
	receiver, err := webhook.NewHandler(webhookSecret, got.handle)
	require.NoError(t, err)
	event := sampleEvent(t, webhook.TicketCreated, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))

	answer := gleaptest.Webhook{Event: event, Secret: webhookSecret}.Send(receiver)
	assert.Equal(t, http.StatusOK, answer.StatusCode)
	inQuery := gleaptest.Webhook{Event: sampleEvent(t, webhook.TicketUpdated, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)),
		Secret: webhookSecret, SecretParameter: webhook.SecretQueryParameter}.Send(receiver)
	assert.Equal(t, http.StatusOK, inQuery.StatusCode)

	require.Equal(t, 2, got.count())
	first := got.events[0]
	assert.Equal(t, webhook.TicketCreated, first.Type)
	assert.Equal(t, gleaptest.SampleProjectID, first.ProjectID)
	assert.JSONEq(t, string(event.Data), string(first.Data))
	require.NotNil(t, first.Ticket)
	assert.Equal(t, event.Ticket.ID, first.Ticket.ID)
	require.NotNil(t, got.events[1].Ticket)
	assert.Equal(t, "DONE", got.events[1].Ticket.Status)
}

func TestBadWebhooksOnRequest(t *testing.T) {
	t.Parallel()
	event := sampleEvent(t, webhook.TicketCreated, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	cases := map[string]struct {
		webhook gleaptest.Webhook
		status  int
	}{
		"a wrong secret":             {gleaptest.Webhook{Event: event, Secret: "not-the-secret-of-the-receiver"}, http.StatusUnauthorized},
		"no secret":                  {gleaptest.Webhook{Event: event}, http.StatusUnauthorized},
		"a wrong one, in a URL":      {gleaptest.Webhook{Event: event, Secret: "nope", SecretParameter: "secret"}, http.StatusUnauthorized},
		"no event":                   {gleaptest.Webhook{Event: webhook.Event{Data: event.Data}, Secret: webhookSecret}, http.StatusBadRequest},
		"data that is not JSON":      {gleaptest.Webhook{Event: webhook.Event{Type: "ticket.created", Data: []byte("{")}, Secret: webhookSecret}, http.StatusBadRequest},
		"a body that is no envelope": {gleaptest.Webhook{Event: event, Body: []byte(`[1]`), Secret: webhookSecret}, http.StatusBadRequest},
		"a body of its own":          {gleaptest.Webhook{Body: event.Body, Secret: webhookSecret}, http.StatusOK},
		"the secret in a header":     {gleaptest.Webhook{Event: event, Secret: webhookSecret}, http.StatusOK},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var got received
			receiver, err := webhook.NewHandler(webhookSecret, got.handle)
			require.NoError(t, err)
			answer := tc.webhook.Send(receiver)
			assert.Equal(t, tc.status, answer.StatusCode, bodyOf(t, answer))
			if tc.status != http.StatusOK {
				assert.Zero(t, got.count())
			}
		})
	}
}

func TestDuplicatesAreSentAtOnce(t *testing.T) {
	t.Parallel()
	var got received
	receiver, err := webhook.NewHandler(webhookSecret, got.handle)
	require.NoError(t, err)
	delivery := gleaptest.Webhook{Event: sampleEvent(t, webhook.MessageCreated, time.Now()), Secret: webhookSecret}
	answers := delivery.SendDuplicates(receiver, 10)
	require.Len(t, answers, 10)
	bodies := map[string]int{}
	for _, answer := range answers {
		assert.Equal(t, http.StatusOK, answer.StatusCode)
		bodies[bodyOf(t, answer)]++
	}
	assert.Equal(t, map[string]int{"handled\n": 1, "handled before\n": 9}, bodies)
	assert.Equal(t, 1, got.count())
	assert.Panics(t, func() { delivery.SendDuplicates(receiver, 0) })
}

func TestPostDeliversToAURLAndNeverShowsTheSecret(t *testing.T) {
	t.Parallel()
	var got received
	receiver, err := webhook.NewHandler(webhookSecret, got.handle)
	require.NoError(t, err)
	server := httptest.NewServer(receiver)
	defer server.Close()
	event := sampleEvent(t, webhook.TicketCreated, time.Now())

	for _, parameter := range []string{"", webhook.SecretQueryParameter} {
		delivery := gleaptest.Webhook{Event: event, Secret: webhookSecret, SecretParameter: parameter}
		answer, err := delivery.Post(context.Background(), server.Client(), server.URL+"/gleap")
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, answer.StatusCode)
		require.NoError(t, answer.Body.Close())
	}
	assert.Equal(t, 1, got.count(), "the second post was the same event")

	server.Close()
	for _, parameter := range []string{"", webhook.SecretQueryParameter} {
		delivery := gleaptest.Webhook{Event: event, Secret: webhookSecret, SecretParameter: parameter}
		_, err = delivery.Post(context.Background(), server.Client(), server.URL+"/gleap?secret="+url.QueryEscape(webhookSecret))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), webhookSecret)
		assert.NotContains(t, err.Error(), url.QueryEscape(webhookSecret))
		assert.NotContains(t, err.Error(), server.URL, "the URL, which may hold the secret")
	}
	_, err = gleaptest.Webhook{Event: event}.Post(context.Background(), server.Client(), "http://[::1")
	assert.ErrorContains(t, err, "not a URL")
}

// A secret in the query is escaped, whatever it holds, and the rest of the URL's query is sent as it is
// written: in its order, escaped as it was, without the value it gave the secret's parameter.
func TestPostEscapesTheSecretInTheQueryAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	const secret = "ab+cd&ef;gh#ij%kl mn"
	queries := make(chan *url.URL, 1)
	server := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { queries <- r.URL }))
	defer server.Close()
	delivery := gleaptest.Webhook{Event: sampleEvent(t, webhook.TicketCreated, time.Now()), Secret: secret,
		SecretParameter: webhook.SecretQueryParameter}
	answer, err := delivery.Post(context.Background(), server.Client(), server.URL+"/gleap?z=1&secret=old&a=%7e&secr%65t=older")
	require.NoError(t, err)
	require.NoError(t, answer.Body.Close())
	got := <-queries
	assert.Equal(t, "z=1&a=%7e&secret=ab%2Bcd%26ef%3Bgh%23ij%25kl+mn", got.RawQuery)
	assert.Equal(t, []string{secret}, got.Query()[webhook.SecretQueryParameter])
}

func TestSampleEventsAreTheKindsTheyName(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 2, 9, 30, 0, 123_456_789, time.UTC)
	created := sampleEvent(t, webhook.TicketCreated, at)
	updated := sampleEvent(t, webhook.TicketUpdated, at)
	message := sampleEvent(t, webhook.MessageCreated, at)

	require.NotNil(t, created.Ticket)
	assert.Equal(t, at.Truncate(time.Millisecond), created.Ticket.UpdatedAt)
	assert.Equal(t, "OPEN", created.Ticket.Status)
	require.NotNil(t, updated.Ticket)
	assert.Equal(t, "DONE", updated.Ticket.Status)
	assert.Equal(t, "6752e9a8b7c6d5e4f3a2aaaa", updated.Ticket.ProcessingUser.ID)
	assert.True(t, updated.Ticket.UpdatedAt.After(updated.Ticket.CreatedAt))
	require.NotNil(t, message.Message)
	assert.Equal(t, "COMMENT", message.Message.Type)
	assert.NotEqual(t, created.Ticket.ID, message.Message.ID)

	later := sampleEvent(t, webhook.TicketCreated, at.Add(time.Millisecond))
	assert.NotEqual(t, created.Ticket.ID, later.Ticket.ID, "another moment, another ticket")

	_, err := gleaptest.SampleEvent("ticket.exploded", at)
	assert.ErrorContains(t, err, `no sample of event "ticket.exploded"`)
	assert.True(t, strings.Contains(err.Error(), webhook.TicketUpdated))
}

// The samples are what openapi.yaml says Gleap's tickets and messages are: a receiver tested with them
// reads what the client reads.
func TestSampleDataConformsToOpenAPI(t *testing.T) {
	t.Parallel()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(gleap.OpenAPISpec())
	require.NoError(t, err)
	require.NoError(t, doc.Validate(loader.Context))
	for eventType, schema := range map[string]string{
		webhook.TicketCreated:  "Ticket",
		webhook.TicketUpdated:  "Ticket",
		webhook.MessageCreated: "Message",
	} {
		event := sampleEvent(t, eventType, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
		var data any
		require.NoError(t, json.Unmarshal(event.Data, &data))
		assert.NoError(t, doc.Components.Schemas[schema].Value.VisitJSON(data, openapi3.EnableFormatValidation()), eventType)
	}
}
