package wrapper_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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
	c.move(time.Millisecond)
}

// move moves the clock by d, back when d is negative.
func (c *manualClock) move(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
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

	at := "2026-11-25T09:00:00.123Z"
	for _, text := range []string{"", "v2", "v3 - -", "v2 yesterday -", "v1 yesterday -", "v2 - - 0123456789abcdef@0",
		"v2 " + at + " - id", "v2 " + at + " - 0123456789abcdef", "v2 " + at + " - ticket-id@0", "v2 " + at + " - 0123456789ab@0",
		"v2 " + at + " - 0123456789abcdef@soon", "v2 " + at + " - 0123456789abcdef@-1"} {
		_, err := wrapper.ParseWatchCursor(text)
		var invalid *wrapper.ValidationError
		assert.ErrorAs(t, err, &invalid, "%q", text)
	}
	assert.Equal(t, "v2 - -", wrapper.WatchCursor{}.String(), "the zero cursor starts from the first ticket")
}

func TestWatchResumesFromACursorOfTheFormatBefore(t *testing.T) {
	t.Parallel()
	// v1 remembered each change as the digest of its id, its updatedAt and the digest of the raw ticket.
	old, err := wrapper.ParseWatchCursor("v1 2026-11-25T09:00:00.123Z 2026-11-25T09:00:00Z 5b1c0e9d3a7f2468@2026-11-25T09:00:00.123Z=0123456789abcdef")
	require.NoError(t, err)
	assert.Equal(t, "v2 2026-11-25T09:00:00.123Z 2026-11-25T09:00:00Z", old.String(), "its times are kept, its digests are not")
}

// listedTicket is a ticket as listedByUpdatedAt serves it: its JSON, and its updatedAt.
type listedTicket struct {
	raw       string
	updatedAt time.Time
}

// listed returns the ticket id stamped at with the members extra (each starting with a comma).
func listed(id string, at time.Time, extra string) listedTicket {
	return listedTicket{raw: fmt.Sprintf(`{"id":%q,"title":"t","updatedAt":%q%s}`, id, at.Format(time.RFC3339Nano), extra), updatedAt: at}
}

// listedByUpdatedAt starts a server that answers every request with the tickets tickets returns, as
// Gleap lists them for a watch: those at or after updatedAt>=, in updatedAt order, at most limit, each as
// written, to the nanosecond (gleaptest keeps milliseconds, as Gleap does; some servers keep more).
func listedByUpdatedAt(t *testing.T, tickets func() []listedTicket) *wrapper.Client {
	t.Helper()
	server := checkedServer(t, gleaptest.WithFaultEvery(1, echoingAnswer(t, http.StatusOK, func(r *http.Request) string {
		var from time.Time // updatedAt>=… reads as the parameter "updatedAt>" with its value after "="
		if r.URL.Query().Has("updatedAt>") {
			var err error
			from, err = time.Parse(time.RFC3339Nano, r.URL.Query().Get("updatedAt>"))
			assert.NoError(t, err)
		}
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		assert.NoError(t, err)
		all := tickets()
		slices.SortStableFunc(all, func(a, b listedTicket) int { return a.updatedAt.Compare(b.updatedAt) })
		page := []string{}
		for _, ticket := range all {
			if !ticket.updatedAt.Before(from) && len(page) < limit {
				page = append(page, ticket.raw)
			}
		}
		return `{"tickets":[` + strings.Join(page, ",") + `]}`
	})))
	return newClient(t, server, wrapper.WithRateLimit(0, 0))
}

// watched runs a watch from cursor until it caught up and returns each change as id@seconds, and the
// cursor after the last.
func watched(t *testing.T, client *wrapper.Client, cursor wrapper.WatchCursor) ([]string, wrapper.WatchCursor) {
	t.Helper()
	var changes []string
	for change, err := range client.Tickets.Watch(context.Background(), cursor, 0) {
		require.NoError(t, err)
		changes = append(changes, change.Ticket.ID+"@"+change.Ticket.UpdatedAt.Format("05.000000"))
		cursor = change.Cursor
	}
	return changes, cursor
}

func TestWatchYieldsALateChangeStampedBeforeTheLastOne(t *testing.T) {
	t.Parallel()
	clock := newManualClock()
	_, client := watchServer(t, clock, 100)
	since := clock.time()
	clock.move(time.Second)
	id := createTickets(t, client, nil, "open")[0]
	yields := newYields()
	var cursor wrapper.WatchCursor
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchSince(since), 0) {
		require.NoError(t, err)
		yields.add(t, change)
		cursor = change.Cursor
	}
	// Two writes raced: the one stamped a millisecond earlier was stored after the watch saw the other.
	clock.move(-time.Millisecond)
	retitle(t, client, id, "done, stamped a millisecond before open")
	for change, err := range client.Tickets.Watch(context.Background(), cursor, 0) {
		require.NoError(t, err)
		yields.add(t, change)
		cursor = change.Cursor
	}
	assert.Equal(t, []string{"open", "done, stamped a millisecond before open"}, yields.order)
	for change, err := range client.Tickets.Watch(context.Background(), cursor, 0) {
		require.NoError(t, err)
		yields.add(t, change)
	}
	assert.Len(t, yields.order, 2, "and each once")
}

func TestWatchRepeatsNoChangeStampedFinerThanAMillisecond(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	tickets := []listedTicket{
		listed("A", base.Add(500*time.Microsecond), ""),
		// Past A's look-back by 0.4 ms, which the page's start, down to the millisecond, is not.
		listed("B", base.Add(2*time.Second+900*time.Microsecond), ""),
		listed("C", base.Add(3*time.Second), ""),
	}
	client := listedByUpdatedAt(t, func() []listedTicket { return slices.Clone(tickets) })
	wrapper.SetWatchPageSize(client.Tickets, 2)
	changes, _ := watched(t, client, wrapper.WatchCursor{})
	assert.Equal(t, []string{"A@00.000500", "B@02.000900", "C@03.000000"}, changes)
}

func TestWatchSinceLeavesOutAChangeEarlierInItsMillisecond(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	tickets := []listedTicket{listed("before", base.Add(100*time.Microsecond), ""), listed("after", base.Add(800*time.Microsecond), "")}
	client := listedByUpdatedAt(t, func() []listedTicket { return slices.Clone(tickets) })
	changes, _ := watched(t, client, wrapper.WatchSince(base.Add(700*time.Microsecond)))
	assert.Equal(t, []string{"after@00.000800"}, changes)
}

func TestWatchTellsARepeatByContentWhateverTheOrderOfItsMembers(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	lists := 0
	client := listedByUpdatedAt(t, func() []listedTicket {
		mu.Lock()
		defer mu.Unlock()
		lists++
		a := listed("A", base.Add(time.Second), `,"status":"OPEN"`)
		if lists > 1 { // the same ticket, its members in another order and spaced out
			a.raw = fmt.Sprintf(`{ "status": "OPEN", "title": "t", "id": "A", "updatedAt": %q }`, a.updatedAt.Format(time.RFC3339Nano))
		}
		return []listedTicket{a, listed("B", base.Add(time.Second+time.Millisecond), ""), listed("C", base.Add(time.Second+2*time.Millisecond), "")}
	})
	wrapper.SetWatchPageSize(client.Tickets, 2)
	changes, _ := watched(t, client, wrapper.WatchSince(base))
	assert.Equal(t, []string{"A@01.000000", "B@01.001000", "C@01.002000"}, changes)
}

func TestWatchCursorStaysSmallThroughABurstOfChanges(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var tickets []listedTicket
	for i := range 1000 { // a change a millisecond: all within the 2 s a watch looks back
		tickets = append(tickets, listed(fmt.Sprintf("t%04d", i), base.Add(time.Duration(i)*time.Millisecond), ""))
	}
	client := listedByUpdatedAt(t, func() []listedTicket {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(tickets)
	})
	var cursor wrapper.WatchCursor
	yielded, largest := 0, 0
	for change, err := range client.Tickets.Watch(context.Background(), wrapper.WatchCursor{}, 0) {
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("t%04d", yielded), change.Ticket.ID, "each change once, in order")
		yielded++
		cursor = change.Cursor
		largest = max(largest, len(cursor.String()))
	}
	assert.Equal(t, 1000, yielded)
	// 100 changes remembered, 16 digits and an age of at most 10 each, rather than 60 bytes for each
	// change of the last 2 seconds (60 KB here), written again after every change.
	assert.LessOrEqual(t, largest, 3*1024)

	// So it looks back over the last 100 changes only: a late change stamped within them comes, one
	// stamped before them, in the burst's first 900 milliseconds, does not.
	mu.Lock()
	tickets = append(tickets, listed("late", base.Add(950*time.Millisecond), ""), listed("too late", base.Add(850*time.Millisecond), ""))
	mu.Unlock()
	changes, _ := watched(t, client, cursor)
	assert.Equal(t, []string{"late@00.950000"}, changes)
}

func TestWatchCursorKeepsEveryChangeOfItsLastMillisecond(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	var tickets []listedTicket
	for i := range 300 { // more than the cursor keeps from before its last millisecond
		tickets = append(tickets, listed(fmt.Sprintf("t%03d", i), at, ""))
	}
	client := listedByUpdatedAt(t, func() []listedTicket { return slices.Clone(tickets) })
	wrapper.SetWatchPageSize(client.Tickets, 50)
	changes, cursor := watched(t, client, wrapper.WatchCursor{})
	assert.Len(t, changes, 300, "paged through, each once")
	again, _ := watched(t, client, cursor)
	assert.Empty(t, again, "the cursor remembers all 300")
}
