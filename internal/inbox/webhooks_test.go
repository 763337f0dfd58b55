package inbox_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// settledWebhooks waits until server has recorded n webhook deliveries and none is pending, following
// its changes, and returns them.
func settledWebhooks(t *testing.T, server *gleaptest.Server, n int) []gleaptest.WebhookDelivery {
	t.Helper()
	for {
		snapshot := server.Snapshot()
		settled := len(snapshot.Webhooks) == n
		for _, d := range snapshot.Webhooks {
			settled = settled && d.State != gleaptest.WebhookPending
		}
		if settled {
			return snapshot.Webhooks
		}
		<-server.Changed(snapshot.Version)
	}
}

func TestInboxShowsTheWebhooksPosted(t *testing.T) {
	t.Parallel()
	const secret = "the-secret-of-the-receiver-0042"
	answers := make(chan int, 2)
	answers <- http.StatusOK
	answers <- http.StatusUnauthorized
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(<-answers) }))
	defer receiver.Close()
	server := gleaptest.NewServer(t, atRoot, gleaptest.WithWebhook(receiver.URL+"/gleap?secret="+secret, secret))
	delivered := post(t, server, `{"ticket":"ticket-a","comment":"First"}`)
	settledWebhooks(t, server, 1) // one at a time, so that the answers come in order
	refused := post(t, server, `{"ticket":"ticket-a","comment":"Second"}`)
	settledWebhooks(t, server, 2)

	status, _, page := getPage(t, inboxURL(server))
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, `<h2 id="webhooks-title">Webhooks</h2>`)
	assert.Regexp(t, `(?s)id="webhook-2".*<span class="wstate">failed</span>\s*<code class="req">message.created</code><code>`+refused+
		`</code>.*the receiver answered 401.*answered 401.*id="webhook-1".*<span class="wstate">delivered</span>.*`+delivered+`.*answered 200`, page)
	assert.NotContains(t, page, secret)

	_, _, filtered := getPage(t, inboxURL(server)+"?ticket=ticket-a")
	assert.NotContains(t, filtered, "webhooks-title", "a ticket's page shows its messages only")

	server.Clear()
	assert.Empty(t, server.Snapshot().Webhooks)
	_, _, cleared := getPage(t, inboxURL(server))
	assert.NotContains(t, cleared, "webhooks-title")
}
