package wrapper_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestListTicketsWalksSkipPagesInOrder(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	server, client := resourceServer(t, gleaptest.WithClock(clock.time))
	var want []string
	for i := range 7 {
		want = append(want, createTickets(t, client, clock.tick, "t"+strconv.Itoa(i))...)
	}

	var got []string
	for ticket, err := range client.Tickets.List(context.Background(), wrapper.TicketFilter{Sort: "createdAt", PageSize: 3}) {
		require.NoError(t, err)
		got = append(got, ticket.ID)
	}
	assert.Equal(t, want, got, "every ticket once, in order")
	requests := gets(server)
	require.Len(t, requests, 3, "pages of 3, 3 and 1")
	for i, skip := range []string{"", "3", "6"} {
		assert.Equal(t, skip, requests[i].Query.Get("skip"), "page %d", i)
		assert.Equal(t, "3", requests[i].Query.Get("limit"))
	}

	_, err := client.Tickets.Create(context.Background(), wrapper.CreateTicketRequest{Title: wrapper.Ptr("t7")})
	require.NoError(t, err)
	before := len(gets(server))
	count := 0
	for _, err := range client.Tickets.List(context.Background(), wrapper.TicketFilter{PageSize: 4}) {
		require.NoError(t, err)
		count++
	}
	assert.Equal(t, 8, count)
	assert.Len(t, gets(server), before+2, "the page that reaches the total is the last: no empty page is asked for")
}

func TestListTicketsSendsOnlyTheFiltersThatAreSet(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	from := time.Date(2026, 11, 1, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	filter := wrapper.TicketFilter{
		Types: []string{"BUG", "FEATURE_REQUEST"}, Statuses: []string{"OPEN"}, Priorities: []wrapper.TicketPriority{wrapper.PriorityHigh, wrapper.PriorityMedium},
		Archived: wrapper.Ptr(false), IgnoreArchived: true, Spam: wrapper.Ptr(false), Assignee: "agent-1", Team: "team-1",
		CreatedFrom: from, CreatedTo: from.Add(time.Hour), UpdatedFrom: from.Add(2 * time.Hour), UpdatedTo: from.Add(3 * time.Hour),
		Sort: "-priority", PageSize: 50,
	}
	for _, err := range client.Tickets.List(context.Background(), filter) {
		require.NoError(t, err)
	}
	query := gets(server)[0].Query
	for name, want := range map[string]string{
		"type": "BUG,FEATURE_REQUEST", "status": "OPEN", "priority": "HIGH,MEDIUM", "archived": "false", "ignoreArchived": "true",
		"isSpam": "false", "processingUser": "agent-1", "processingTeam": "team-1", "createdAt>": "2026-11-01T07:00:00Z",
		"createdAt<": "2026-11-01T08:00:00Z", "updatedAt>": "2026-11-01T09:00:00Z", "updatedAt<": "2026-11-01T10:00:00Z",
		"sort": "-priority", "limit": "50",
	} {
		assert.Equal(t, want, query.Get(name), name)
	}

	for _, err := range client.Tickets.List(context.Background(), wrapper.TicketFilter{}) {
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"limit"}, keys(gets(server)[1].Query), "nothing the caller did not set")
	assert.Equal(t, strconv.Itoa(wrapper.DefaultTicketPageSize), gets(server)[1].Query.Get("limit"))
}

func TestListTicketsFiltersAsGleapDoes(t *testing.T) {
	t.Parallel()
	_, client := resourceServer(t)
	ctx := context.Background()
	bug, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("bug"), Type: wrapper.Ptr("BUG"), Priority: wrapper.Ptr(wrapper.PriorityHigh)})
	require.NoError(t, err)
	_, err = client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("idea"), Type: wrapper.Ptr("FEATURE_REQUEST"), Priority: wrapper.Ptr(wrapper.PriorityLow)})
	require.NoError(t, err)
	require.NoError(t, client.Tickets.Archive(ctx, bug.ID))

	titles := func(filter wrapper.TicketFilter) []string {
		var found []string
		for ticket, err := range client.Tickets.List(ctx, filter) {
			require.NoError(t, err)
			found = append(found, ticket.Title)
		}
		return found
	}
	assert.Equal(t, []string{"bug"}, titles(wrapper.TicketFilter{Types: []string{"BUG"}}))
	assert.Equal(t, []string{"idea"}, titles(wrapper.TicketFilter{IgnoreArchived: true}), "archiving changes what later reads see")
	assert.Equal(t, []string{"bug"}, titles(wrapper.TicketFilter{Archived: wrapper.Ptr(true)}))
	assert.Equal(t, []string{"bug", "idea"}, titles(wrapper.TicketFilter{Sort: "-priority"}))
	assert.Equal(t, []string{"idea", "bug"}, titles(wrapper.TicketFilter{Sort: "priority"}))

	page, err := client.Tickets.ListPage(ctx, wrapper.TicketFilter{PageSize: 1}, 1)
	require.NoError(t, err)
	assert.Equal(t, 1, page.Count)
	assert.Equal(t, 2, page.TotalCount)
}

func TestListTicketsRefusesAPageLargerThanItAskedFor(t *testing.T) {
	t.Parallel()
	server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, `{"tickets":[{"id":"a"},{"id":"b"},{"id":"c"}],"count":3,"totalCount":9}`)))
	var got []string
	var failure error
	for ticket, err := range newClient(t, server).Tickets.List(context.Background(), wrapper.TicketFilter{PageSize: 2}) {
		if err != nil {
			failure = err
			continue
		}
		got = append(got, ticket.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, got)
	assertIsRequestError(t, failure, wrapper.ErrInvalidResponse)
	assert.Len(t, server.Requests(), 1)
}

func TestListTicketsReadsABareArrayAsTheWholeListing(t *testing.T) {
	t.Parallel()
	server := checkedServer(t, gleaptest.WithFaults(offContractAnswer(http.StatusOK, "application/json", `[{"id":"a"},{"id":"b"}]`)))
	count := 0
	for _, err := range newClient(t, server).Tickets.List(context.Background(), wrapper.TicketFilter{PageSize: 2}) {
		require.NoError(t, err)
		count++
	}
	assert.Equal(t, 2, count)
	assert.Len(t, server.Requests(), 1)
}
