package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/apitest"
	"github.com/gleap-community/gleap-go/webhook"
)

// mockWebhookSecret is the secret of the webhooks the tests' mocks post.
const mockWebhookSecret = "the-mock-webhook-secret-7f3a"

func TestMockPostsWebhooksWithTheSecretOfTheEnvironment(t *testing.T) {
	t.Parallel()
	receiverURL, events := apitest.EventReceiver(t, mockWebhookSecret)
	baseURL, stop := startMockWithEnv(t, map[string]string{"GLEAP_WEBHOOK_SECRET": mockWebhookSecret},
		"--webhook", receiverURL, "--webhook-secret-env", "GLEAP_WEBHOOK_SECRET")
	r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "Deployed the fix.")
	require.Equal(t, exitOK, r.code, r.stderr)

	event := <-events
	assert.Equal(t, webhook.MessageCreated, event.Type)
	require.NotNil(t, event.Message)
	assert.Equal(t, ticketID, *event.Message.Ticket)
	// Stopping the mock ends the delivery's try, if its answer has not arrived yet, and waits for its line.
	stderr := stop()
	assert.NotContains(t, stderr, mockWebhookSecret)
	assert.Contains(t, stderr, "gleap mock: webhook #1 message.created "+event.Message.ID+" ")
}

// A secret written into --webhook's URL unescaped reads otherwise there (a + reads as a space): the
// receiver would refuse every delivery, so the mock refuses to start, and says why.
func TestMockRefusesAWebhookURLWhoseSecretIsNotEscaped(t *testing.T) {
	t.Parallel()
	const secret = "abcdefgh+ijklmnop"
	r := gleap(t, "", "", map[string]string{"GLEAP_WEBHOOK_SECRET": secret}, "mock", "--addr", "127.0.0.1:0",
		"--webhook", "http://127.0.0.1:1/gleap?secret="+secret, "--webhook-secret-env", "GLEAP_WEBHOOK_SECRET")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, `gleap mock: gleaptest: WithWebhook: the URL's query parameter "secret" does not read as the secret`)
	assert.NotContains(t, r.stdout+r.stderr, secret)
}

func TestLogWebhookSaysWhatBecameOfADelivery(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	tries := []gleaptest.WebhookAttempt{{At: at, Status: 503}, {At: at, Error: "connection refused"}, {At: at, Status: 200}}
	cases := []struct {
		delivery gleaptest.WebhookDelivery
		want     string
	}{
		{gleaptest.WebhookDelivery{Seq: 1, Event: "ticket.created", ObjectID: "t1", State: gleaptest.WebhookPending}, ""},
		{gleaptest.WebhookDelivery{Seq: 1, Event: "ticket.created", ObjectID: "t1", State: gleaptest.WebhookPending, Attempts: tries[:1]},
			"gleap mock: webhook #1 ticket.created t1: try 1 answered 503; trying again\n"},
		{gleaptest.WebhookDelivery{Seq: 1, Event: "ticket.created", ObjectID: "t1", State: gleaptest.WebhookPending, Attempts: tries[:2]},
			"gleap mock: webhook #1 ticket.created t1: try 2 got no answer: connection refused; trying again\n"},
		{gleaptest.WebhookDelivery{Seq: 1, Event: "ticket.created", ObjectID: "t1", State: gleaptest.WebhookDelivered, Attempts: tries},
			"gleap mock: webhook #1 ticket.created t1 delivered (try 3 answered 200)\n"},
		{gleaptest.WebhookDelivery{Seq: 2, Event: "message.created", ObjectID: "m1", State: gleaptest.WebhookFailed,
			Attempts: []gleaptest.WebhookAttempt{{At: at, Status: 401}}, Failure: "the receiver answered 401"},
			"gleap mock: webhook #2 message.created m1 failed: the receiver answered 401\n"},
	}
	for _, tc := range cases {
		var log bytes.Buffer
		logWebhook(&log, tc.delivery)
		assert.Equal(t, tc.want, log.String())
	}
}

func TestMockHelpShowsWebhooks(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"mock", "--help"}, stdio{strings.NewReader(""), &stdout, &bytes.Buffer{}}, nil))
	for _, want := range []string{"[--webhook URL (--webhook-secret-env NAME | --webhook-secret SECRET)]", "-webhook URL",
		"-webhook-secret-env NAME", "message.created is the mock's own"} {
		assert.Contains(t, stdout.String(), want)
	}
}
