package apitest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

// EventReceiver runs a webhook receiver (a webhook.Handler of secret) for the test's length, and returns
// its URL and the channel it hands each new event to: for tests of what posts webhooks. The channel
// holds 100 events; a test that expects more must read as it goes.
func EventReceiver(t testing.TB, secret string) (string, <-chan *webhook.Event) {
	t.Helper()
	events := make(chan *webhook.Event, 100)
	handler, err := webhook.NewHandler(secret, func(_ context.Context, event *webhook.Event) error {
		events <- event
		return nil
	})
	require.NoError(t, err)
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return server.URL + "/gleap", events
}
