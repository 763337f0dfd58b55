package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/apitest"
	"github.com/gleap-community/gleap-go/webhook"
	"github.com/gleap-community/gleap-go/wrapper"
)

// gleap mock → a webhook receiver: what a client does to a ticket through the API arrives at the
// receiver as Gleap's events, with the ticket as it is then.
func TestMockToReceiverEndToEnd(t *testing.T) {
	t.Parallel()
	receiverURL, events := apitest.EventReceiver(t, mockWebhookSecret)
	baseURL, stop := startMockWithEnv(t, map[string]string{"GLEAP_WEBHOOK_SECRET": mockWebhookSecret},
		"--webhook", receiverURL, "--webhook-secret-env", "GLEAP_WEBHOOK_SECRET")
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(baseURL), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	ctx := context.Background()

	composed, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "BUG", Title: "Invoices page stays blank",
		Message: wrapper.Ptr("Since this morning the invoices page shows nothing."), Email: wrapper.Ptr("jane@example.com")})
	require.NoError(t, err)
	created := <-events
	assert.Equal(t, webhook.TicketCreated, created.Type)
	assert.Equal(t, testProject, created.ProjectID)
	require.NotNil(t, created.Ticket)
	assert.Equal(t, composed.ID, created.Ticket.ID)
	assert.Equal(t, "Invoices page stays blank", created.Ticket.Title)

	updated, err := client.Tickets.Update(ctx, composed.ID, wrapper.UpdateTicketRequest{Status: wrapper.Ptr("DONE")})
	require.NoError(t, err)
	changed := <-events
	assert.Equal(t, webhook.TicketUpdated, changed.Type)
	require.NotNil(t, changed.Ticket)
	assert.Equal(t, composed.ID, changed.Ticket.ID)
	assert.Equal(t, "DONE", changed.Ticket.Status)
	assert.Equal(t, updated.UpdatedAt, changed.Ticket.UpdatedAt, "the ticket as the update left it")

	require.NoError(t, client.Tickets.Archive(ctx, composed.ID))
	archived := <-events
	assert.Equal(t, webhook.TicketUpdated, archived.Type)
	require.NotNil(t, archived.Ticket)
	assert.True(t, archived.Ticket.Archived)

	stderr := stop()
	assert.NotContains(t, stderr, mockWebhookSecret)
	assert.Equal(t, 3, strings.Count(stderr, " delivered (try 1 answered 200)\n"), stderr)
	assert.Empty(t, events, "each change arrived once")
}
