package gleaptest

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Not parallel: it measures the live heap of the whole process.
func TestRecordsHoldOnTheHeapLittleMoreThanTheirBudget(t *testing.T) {
	const budget = 1 << 20
	server, _, err := configure(nil)
	require.NoError(t, err)
	server.records.maxBytes = budget
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	server.start(listener)
	t.Cleanup(server.Close)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	post := func(body string) {
		req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", strings.NewReader(body))
		require.NoError(t, err)
		req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}
		resp, err := (&http.Client{Transport: transport}).Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}
	// A ticket given as a long array breaks the contract: the validator's error holds the decoded array,
	// several times the size of the body.
	ticketArray := func(items int) string {
		return `{"ticket":[` + strings.TrimSuffix(strings.Repeat("1,", items), ",") + `]}`
	}
	post(ticketArray(10)) // the first validation fills the validator's caches
	server.Clear()

	before := liveHeap()
	for range 2 * budget / (16 << 10) { // bodies of 16 KiB, twice the budget
		post(ticketArray(8 << 10))
	}
	grown := liveHeap() - before

	kept := server.Requests()
	require.NotEmpty(t, kept)
	counted := 0
	for _, record := range kept {
		counted += heldBytes(record)
	}
	assert.LessOrEqual(t, counted, budget)
	assert.Less(t, grown, 2*budget, "the records hold %d bytes on the heap for %d counted", grown, counted)
}
