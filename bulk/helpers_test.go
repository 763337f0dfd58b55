package bulk_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

const (
	testKey     = "gl_sk_4e1f8a2b6c9d3e7f0a5b"
	testProject = "64f1c2d3e4a5b6c7d8e9f999"
)

// tickets are the tickets the requests of the tests post into.
var tickets = []string{"6752e9a8b7c6d5e4f3a21098", "6752e9a8b7c6d5e4f3a21099", "6752e9a8b7c6d5e4f3a2109a"}

// notes returns n notes spread over tickets, each with the messageRef "ref-<index>" except the indexes
// in noRef.
func notes(t *testing.T, n int, noRef ...int) []wrapper.CreateMessageRequest {
	t.Helper()
	requests := make([]wrapper.CreateMessageRequest, n)
	for i := range requests {
		req, err := wrapper.TextMessage(tickets[i%len(tickets)], fmt.Sprintf("request %d", i), wrapper.AsNote())
		require.NoError(t, err)
		if !slices.Contains(noRef, i) {
			req.MessageRef = wrapper.Ptr(fmt.Sprintf("ref-%d", i))
		}
		requests[i] = req
	}
	return requests
}

// newClient is a client of server that does not pace itself, with opts after that.
func newClient(t *testing.T, server *gleaptest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	client, err := wrapper.New(testKey, testProject, append([]wrapper.Option{wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0)}, opts...)...)
	require.NoError(t, err)
	return client
}

// collected gathers the outcomes of a run, failing t on a request reported twice.
type collected struct {
	t        *testing.T
	byNumber map[int]bulk.Outcome
}

func collect(t *testing.T) *collected {
	return &collected{t: t, byNumber: map[int]bulk.Outcome{}}
}

// option is the WithOutcomes that gathers the outcomes; Send calls it one at a time.
func (c *collected) option() bulk.Option {
	return bulk.WithOutcomes(func(outcome bulk.Outcome) error {
		_, twice := c.byNumber[outcome.Number]
		assert.False(c.t, twice, "request %d is reported twice", outcome.Number)
		c.byNumber[outcome.Number] = outcome
		return nil
	})
}

// statuses returns the status of each request reported.
func (c *collected) statuses() map[int]bulk.Status {
	got := map[int]bulk.Status{}
	for number, outcome := range c.byNumber {
		got[number] = outcome.Status
	}
	return got
}

// storedByRef returns the ids of the messages server stored, by messageRef, failing t on a messageRef
// stored twice.
func storedByRef(t *testing.T, server *gleaptest.Server) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, message := range server.Messages() {
		if message.MessageRef == nil {
			continue
		}
		_, twice := ids[*message.MessageRef]
		assert.False(t, twice, "messageRef %s is stored twice", *message.MessageRef)
		ids[*message.MessageRef] = message.ID
	}
	return ids
}

// withMethod counts the requests made with method.
func withMethod(requests []gleaptest.Request, method string) int {
	return countOf(requests, func(request gleaptest.Request) bool { return request.Method == method })
}

// countOf counts the requests that match.
func countOf(requests []gleaptest.Request, match func(gleaptest.Request) bool) int {
	n := 0
	for _, request := range requests {
		if match(request) {
			n++
		}
	}
	return n
}

// answerAfterStoring is a transport that sends each request on, so that the server stores what it is
// sent, and answers the POSTs that fail reports true with a 500 of its own instead of the server's
// answer: a Gleap that stored the message and then failed.
type answerAfterStoring struct {
	fail func() bool
}

func (a answerAfterStoring) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || !a.fail() {
		return resp, err
	}
	_ = resp.Body.Close()
	return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"application/json"}},
		Body: http.NoBody, Request: req}, nil
}
