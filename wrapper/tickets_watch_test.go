package wrapper_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// manualClock is the server's clock in the watch tests: it stands still until the test moves it, so
// that many changes fall in one millisecond.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock {
	return &manualClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
}

func (c *manualClock) time() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// tick moves the clock on by a millisecond.
func (c *manualClock) tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
}

// watchServer starts gleaptest on clock, checking requests against Gleap's documents too, and a client
// whose watch pages hold pageSize tickets and whose pauses are not slept.
func watchServer(t *testing.T, clock *manualClock, pageSize int) (*gleaptest.Server, *wrapper.Client) {
	t.Helper()
	server, client := resourceServer(t, gleaptest.WithClock(clock.time))
	wrapper.SetWatchPageSize(client.Tickets, pageSize)
	return server, client
}

// createTickets creates a ticket for each title, in order, and returns their ids.
func createTickets(t *testing.T, client *wrapper.Client, tick func(), titles ...string) []string {
	t.Helper()
	ids := make([]string, len(titles))
	for i, title := range titles {
		ticket, err := client.Tickets.Create(context.Background(), wrapper.CreateTicketRequest{Title: wrapper.Ptr(title), Type: wrapper.Ptr("BUG")})
		require.NoError(t, err)
		ids[i] = ticket.ID
		if tick != nil {
			tick()
		}
	}
	return ids
}

// retitle changes the title of ticket ticketID.
func retitle(t *testing.T, client *wrapper.Client, ticketID, title string) {
	t.Helper()
	_, err := client.Tickets.Update(context.Background(), ticketID, wrapper.UpdateTicketRequest{Title: wrapper.Ptr(title)})
	require.NoError(t, err)
}

// yieldsOf collects what a watch yielded: each ticket's titles in order, and every change as its id and
// raw JSON, to find one yielded twice.
type yieldsOf struct {
	titles map[string][]string
	order  []string // the titles, in the order yielded
	seen   map[string]bool
	last   *wrapper.TicketChange
}

func newYields() *yieldsOf {
	return &yieldsOf{titles: map[string][]string{}, seen: map[string]bool{}}
}

func (y *yieldsOf) add(t *testing.T, change *wrapper.TicketChange) {
	t.Helper()
	key := change.Ticket.ID + " " + string(change.Raw)
	assert.False(t, y.seen[key], "the change %s (%s) is yielded once", change.Ticket.ID, change.Ticket.Title)
	y.seen[key] = true
	y.titles[change.Ticket.ID] = append(y.titles[change.Ticket.ID], change.Ticket.Title)
	y.order = append(y.order, change.Ticket.Title)
	y.last = change
}

func TestWatchYieldsEachChangeOnceWhileTicketsChangeUnderIt(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	server, client := watchServer(t, clock, 2)
	// Seven tickets in one millisecond, read two at a time.
	ids := createTickets(t, client, nil, "t0", "t1", "t2", "t3", "t4", "t5", "t6")
	var created string

	yields := newYields()
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
		require.NoError(t, err)
		yields.add(t, change)
		switch change.Ticket.Title {
		case "t0":
			retitle(t, client, ids[6], "t6 changed in the same millisecond, before the watch reached it")
			clock.tick()
			retitle(t, client, ids[0], "t0 c1") // moves behind the others: the pages shift
		case "t1":
			retitle(t, client, ids[1], "t1 c1")
			created = createTickets(t, client, nil, "t7 created while watching")[0]
		case "t0 c1":
			retitle(t, client, ids[0], "t0 c2") // the same millisecond as c1: only the content tells
		}
	}

	assert.Equal(t, []string{"t0", "t0 c1", "t0 c2"}, yields.titles[ids[0]])
	assert.Equal(t, []string{"t1", "t1 c1"}, yields.titles[ids[1]])
	assert.Equal(t, []string{"t6 changed in the same millisecond, before the watch reached it"}, yields.titles[ids[6]])
	assert.Equal(t, []string{"t7 created while watching"}, yields.titles[created])
	for _, id := range ids[2:6] {
		assert.Len(t, yields.titles[id], 1, "a ticket that did not change is yielded once")
	}
	for _, ticket := range server.Tickets() {
		titles := yields.titles[ticket.ID]
		require.NotEmpty(t, titles, "every ticket is yielded")
		assert.Equal(t, ticket.Title, titles[len(titles)-1], "the last change of each ticket is yielded")
	}
	for _, request := range gets(server) {
		assert.Equal(t, "updatedAt", request.Query.Get("sort"))
		assert.False(t, request.Query.Has("skip"), "a watch never pages by skipping")
	}
}

func TestListBySkippingCanMissATicketThatTheWatchDoesNot(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	_, client := watchServer(t, clock, 2)
	ids := createTickets(t, client, clock.tick, "t0", "t1", "t2", "t3")

	var listed []string
	for ticket, err := range client.Tickets.List(context.Background(), wrapper.TicketFilter{Sort: "updatedAt", PageSize: 2}) {
		require.NoError(t, err)
		listed = append(listed, ticket.Title)
		if ticket.ID == ids[0] && ticket.Title == "t0" {
			retitle(t, client, ids[0], "t0 changed") // moves to the end: t2 slides onto the page already read
		}
	}
	assert.Equal(t, []string{"t0", "t1", "t3", "t0 changed"}, listed, "skip paging passed t2 over, as the README warns")

	yields := newYields()
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
		require.NoError(t, err)
		yields.add(t, change)
	}
	assert.Equal(t, []string{"t1", "t2", "t3", "t0 changed"}, yields.order)
}

func TestWatchResumesFromAStoredCursor(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	_, client := watchServer(t, clock, 2)
	ids := createTickets(t, client, clock.tick, "t0", "t1", "t2", "t3", "t4")
	ctx := context.Background()

	var stored string
	for change, err := range client.Tickets.Watch(ctx, wrapper.WatchCursor{}, 0) {
		require.NoError(t, err)
		stored = change.Cursor.String() // handled: store the cursor
		if change.Ticket.ID == ids[1] {
			break // the process stops here
		}
	}
	retitle(t, client, ids[1], "t1 changed") // yielded before the stop
	clock.tick()
	retitle(t, client, ids[3], "t3 changed") // not yet yielded

	var text struct{ Cursor wrapper.WatchCursor }
	require.NoError(t, json.Unmarshal([]byte(`{"Cursor":`+jsonString(stored)+`}`), &text), "a cursor is text")
	resumed := newYields()
	for change, err := range client.Tickets.Watch(ctx, text.Cursor, 0) {
		require.NoError(t, err)
		resumed.add(t, change)
	}
	assert.Equal(t, []string{"t2", "t4", "t1 changed", "t3 changed"}, resumed.order, "the rest, each once, by updatedAt")

	again := newYields()
	for change, err := range client.Tickets.Watch(ctx, resumed.last.Cursor, 0) {
		require.NoError(t, err)
		again.add(t, change)
	}
	assert.Empty(t, again.order, "nothing changed since the last cursor")
}

func jsonString(text string) string {
	encoded, _ := json.Marshal(text)
	return string(encoded)
}

func TestWatchSinceLeavesOutTheChangesBefore(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	_, client := watchServer(t, clock, 100)
	createTickets(t, client, clock.tick, "before")
	since := clock.time()
	createTickets(t, client, clock.tick, "at", "after")

	yields := newYields()
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchSince(since), 0) {
		require.NoError(t, err)
		yields.add(t, change)
	}
	assert.Equal(t, []string{"at", "after"}, yields.order)
	assert.True(t, yields.last.Cursor.UpdatedAt().After(since))
}

func TestWatchPollsAtItsIntervalUntilTheContextEnds(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	server := checkedServer(t, gleaptest.WithClock(clock.time))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var polls []time.Duration
	var client *wrapper.Client
	client = newClient(t, server, wrapper.WithRateLimit(0, 0), wrapper.WithSleep(func(ctx context.Context, d time.Duration) error {
		polls = append(polls, d)
		clock.tick()
		createTickets(t, client, nil, "created while asleep")
		if len(polls) == 3 {
			cancel()
		}
		return ctx.Err()
	}))
	createTickets(t, client, clock.tick, "first")

	yields := newYields()
	var failure error
	for change, err := range client.Tickets.Watch(ctx, wrapper.WatchCursor{}, time.Minute) {
		if err != nil {
			failure = err
			continue
		}
		yields.add(t, change)
	}
	assert.Equal(t, []time.Duration{time.Minute, time.Minute, time.Minute}, polls)
	assert.Len(t, gets(server), 3, "one request a look: the first and the two after the pauses the context outlived")
	assert.Equal(t, []string{"first", "created while asleep", "created while asleep"}, yields.order, "each poll yields what is new")
	assertIsRequestError(t, failure, context.Canceled)
}

func TestWatchRefusesAServerThatDoesNotPageByUpdatedAt(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	ticket := func(id string, updatedAt time.Time) string {
		return `{"id":"` + id + `","title":"` + id + `","updatedAt":"` + updatedAt.Format(time.RFC3339Nano) + `"}`
	}
	cases := map[string]string{
		"not sorted":   ticket("a", since.Add(2*time.Second)) + "," + ticket("b", since.Add(time.Second)),
		"not filtered": ticket("a", since.Add(-time.Hour)),
		"without ids":  `{"title":"x","updatedAt":"` + since.Format(time.RFC3339Nano) + `"}`,
	}
	for name, tickets := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, `{"tickets":[`+tickets+`],"count":2,"totalCount":2}`)))
			var failure error
			for _, err := range newClient(t, server).Tickets.Watch(context.Background(), wrapper.WatchSince(since), 0) {
				failure = err
			}
			assertIsRequestError(t, failure, wrapper.ErrInvalidResponse)
		})
	}
}

func TestWatchRefusesMoreTicketsInOneMillisecondThanItCanPageThrough(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	// 1001 tickets changed in the same millisecond, answered in pages of the size asked for.
	server := checkedServer(t, gleaptest.WithFaultEvery(1, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		require.NoError(t, err)
		tickets := make([]string, min(limit, 1001))
		for i := range tickets {
			tickets[i] = fmt.Sprintf(`{"id":"t%04d","updatedAt":"%s"}`, i, at)
		}
		writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, `{"tickets":[`+strings.Join(tickets, ",")+`]}`)
	})}))
	client := newClient(t, server, wrapper.WithRateLimit(0, 0))
	wrapper.SetWatchPageSize(client.Tickets, 2)
	yielded := 0
	var failure error
	for _, err := range client.Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
		if err != nil {
			failure = err
			continue
		}
		yielded++
	}
	assert.Equal(t, wrapper.MaxTicketPageSize, yielded, "each once, as far as the largest page reaches")
	assertIsRequestError(t, failure, wrapper.ErrInvalidResponse)
	assert.Contains(t, failure.Error(), "more than 1000 tickets have the updatedAt")
}

func TestWatchCursorsHoldNothingTheServerWrote(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC).Format(time.RFC3339Nano)
	// A hostile server puts the key into a ticket's id and fields.
	server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK,
		`{"tickets":[{"id":"`+testKey+`","title":"`+testKey+`","updatedAt":"`+at+`"}],"count":1,"totalCount":1}`)))
	var changes []*wrapper.TicketChange
	for change, err := range newClient(t, server).Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
		require.NoError(t, err)
		changes = append(changes, change)
	}
	require.Len(t, changes, 1)
	assert.NotContains(t, changes[0].Cursor.String(), testKey, "the cursor is digests and times")
	assert.NotContains(t, string(changes[0].Raw), testKey, "the raw ticket has the key taken out")
	parsed, err := wrapper.ParseWatchCursor(changes[0].Cursor.String())
	require.NoError(t, err)
	assert.Equal(t, changes[0].Cursor.String(), parsed.String())
}

func TestWatchCursorsAreTextThatReadsBack(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	_, client := watchServer(t, clock, 100)
	createTickets(t, client, nil, "a", "b")
	var cursor wrapper.WatchCursor
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchSince(clock.time()), 0) {
		require.NoError(t, err)
		cursor = change.Cursor
	}
	parsed, err := wrapper.ParseWatchCursor(cursor.String())
	require.NoError(t, err)
	assert.Equal(t, cursor.String(), parsed.String())
	assert.Equal(t, clock.time(), parsed.UpdatedAt())
	encoded, err := json.Marshal(cursor)
	require.NoError(t, err)
	assert.Equal(t, jsonString(cursor.String()), string(encoded))

	for _, text := range []string{"", "v1", "v2 - -", "v1 yesterday -", "v1 - - id", "v1 - - 0123456789abcdef@-=ab",
		"v1 - - ticket-id@-=0123456789abcdef", "v1 - - 0123456789abcdef@soon=0123456789abcdef"} {
		_, err := wrapper.ParseWatchCursor(text)
		var invalid *wrapper.ValidationError
		assert.ErrorAs(t, err, &invalid, "%q", text)
	}
	assert.Equal(t, "v1 - -", wrapper.WatchCursor{}.String(), "the zero cursor starts from the first ticket")
}
