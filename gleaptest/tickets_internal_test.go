package gleaptest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheTicketStoreKeepsTheNewestWithinItsBounds(t *testing.T) {
	t.Parallel()
	// One time for every ticket: a clock's times differ in length ("…:07.86Z", "…:07.861Z"), and so would the
	// tickets the byte bound below is measured in.
	now := func() time.Time { return time.Date(2026, 12, 5, 10, 0, 0, 123_000_000, time.UTC) }
	tickets := newTicketStore(now, newStore(now, DefaultMaxMessages), newContacts(now, DefaultMaxMessages))
	tickets.maxTickets = 3
	for i := range 5 {
		require.Equal(t, http.StatusOK, tickets.create([]byte(fmt.Sprintf(`{"title":"t%d"}`, i))).status)
	}
	var titles []string
	for _, ticket := range tickets.snapshot() {
		titles = append(titles, ticket.ticket.Title)
	}
	assert.Equal(t, []string{"t2", "t3", "t4"}, titles, "past the count, the oldest go")

	tickets.maxBytes = 2 * len(tickets.snapshot()[2].answer)
	require.Equal(t, http.StatusOK, tickets.create([]byte(`{"title":"t5"}`)).status)
	assert.Len(t, tickets.snapshot(), 2, "past the bytes, the oldest go too")
	total := 0
	for _, ticket := range tickets.snapshot() {
		total += len(ticket.answer)
	}
	assert.Equal(t, total, tickets.bytes, "the store counts what it holds")
}
