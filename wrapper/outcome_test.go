package wrapper_test

// Failures after which the message may exist: 5xx answers, connections closed once the request was
// read, redirects. They are never sent again unless the caller accepts duplicates; 4xx answers never are.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestServerErrorsAreNotRetriedUnlessUnknownOutcomesAreAccepted(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503} {
		serverError := gleaptest.Fault{Status: status}
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			t.Run("default", func(t *testing.T) {
				t.Parallel()
				server := newServer(t, serverError)
				client, _ := newFaultClient(t, server.URL)
				err := post(client, context.Background())
				requireRequestError(t, err, 1, true)
				requireAPIError(t, err, status)
				assert.Len(t, server.Requests(), 1, "the message may exist: never sent again by default")
			})
			t.Run("opted in, then success", func(t *testing.T) {
				t.Parallel()
				server := newServer(t, serverError)
				client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())
				require.NoError(t, post(client, context.Background()))
				assert.Len(t, server.Requests(), 2)
			})
			t.Run("opted in, failing forever", func(t *testing.T) {
				t.Parallel()
				server := newServer(t, everyAttempt(serverError)...)
				client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())
				err := post(client, context.Background())
				requireRequestError(t, err, 3, true)
				assert.Len(t, server.Requests(), 3)
			})
		})
	}
}

func TestAnEarlierUnknownOutcomeIsStillReportedAfterALater429(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Status: http.StatusBadGateway})
	server.QueueFaults(everyAttempt(tooManyRequests)...)
	client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())

	err := post(client, context.Background())

	requireRequestError(t, err, 3, true)
	requireAPIError(t, err, http.StatusTooManyRequests)
	assert.Len(t, server.Requests(), 3)
}

func TestClientErrorsAreNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			server := newServer(t, everyAttempt(gleaptest.Fault{Status: status})...)
			client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())
			err := post(client, context.Background())
			requireRequestError(t, err, 1, false)
			requireAPIError(t, err, status)
			assert.Len(t, server.Requests(), 1)
		})
	}
}

func TestHTMLErrorPageFromAProxy(t *testing.T) {
	t.Parallel()
	page := "<html><body><h1>502 Bad Gateway</h1></body></html>"
	server := newServer(t, offContractAnswer(http.StatusBadGateway, "text/html", page))
	client, _ := newFaultClient(t, server.URL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, true)
	apiErr := requireAPIError(t, err, http.StatusBadGateway)
	assert.Empty(t, apiErr.Message)
	assert.Equal(t, page, string(apiErr.Body))
	assert.Len(t, server.Requests(), 1)
}

func TestConnectionClosedAfterTheBodyWasReadHasAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	t.Run("default", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, everyAttempt(hangUp)...)
		client, _ := newFaultClient(t, server.URL)
		err := post(client, context.Background())
		requireRequestError(t, err, 1, true)
		assert.Len(t, server.Requests(), 1)
	})
	t.Run("opted in", func(t *testing.T) {
		t.Parallel()
		server := newServer(t, everyAttempt(hangUp)...)
		client, _ := newFaultClient(t, server.URL, retryUnknownOutcomes())
		err := post(client, context.Background())
		requireRequestError(t, err, 3, true)
		assert.Len(t, server.Requests(), 3)
	})
}

func TestRedirectsOfAPostAreNotFollowedAndLeaveTheOutcomeUnknown(t *testing.T) {
	t.Parallel()
	// Where the redirect points: another party, not Gleap.
	var elsewhere atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(target.Close)
	server := newServer(t, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/v3/messages", http.StatusTemporaryRedirect)
	})})
	client, _ := newFaultClient(t, server.URL)

	err := post(client, context.Background())

	requireRequestError(t, err, 1, true)
	requireAPIError(t, err, http.StatusTemporaryRedirect)
	assert.Len(t, server.Requests(), 1)
	assert.Zero(t, elsewhere.Load(), "neither the key nor the message goes where a redirect points")
}
