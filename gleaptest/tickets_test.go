package gleaptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// publishedParts returns the two cuts of Gleap's published document: /messages, then /tickets.
func publishedParts(t *testing.T) ([]byte, []byte) {
	t.Helper()
	tickets, err := os.ReadFile("../testdata/gleap-published-openapi-tickets.yaml")
	require.NoError(t, err)
	return publishedSpec(t), tickets
}

// publishedTickets is the name these tests give the tickets cut of Gleap's published document.
const publishedTickets = "Gleap's published tickets document"

// ticketServer starts a server for tb that checks every request against Gleap's published document too,
// both its cuts, as well as against openapi.yaml.
func ticketServer(t *testing.T, tb testing.TB, opts ...gleaptest.Option) *gleaptest.Server {
	return gleaptest.NewServer(tb, append(opts, publishedCuts(t)...)...)
}

// publishedCuts are the options that check requests against both cuts of Gleap's published document.
func publishedCuts(t *testing.T) []gleaptest.Option {
	messages, tickets := publishedParts(t)
	return []gleaptest.Option{gleaptest.WithRequestsCheckedAgainst(published, messages),
		gleaptest.WithRequestsCheckedAgainst(publishedTickets, tickets)}
}

// listTitles returns the titles of the tickets GET /v3/tickets?query answers with, and its totalCount.
func listTitles(t *testing.T, server *gleaptest.Server, query string) ([]string, float64) {
	t.Helper()
	status, answer := send(t, http.MethodGet, server.URL+"/tickets?"+query, credentials(), "")
	require.Equal(t, http.StatusOK, status, "%v", answer)
	titles := []string{}
	for _, ticket := range answer["tickets"].([]any) {
		titles = append(titles, ticket.(map[string]any)["title"].(string))
	}
	assert.Equal(t, float64(len(titles)), answer["count"])
	return titles, answer["totalCount"].(float64)
}

func TestTicketsAreListedFilteredSortedAndPagedAsGleapDoes(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	server := ticketServer(t, recorder, gleaptest.WithClock(ticking(start)))
	create := func(body string) string {
		status, ticket := send(t, http.MethodPost, server.URL+"/tickets", credentials(), body)
		require.Equal(t, http.StatusOK, status, "%v", ticket)
		return ticket["id"].(string)
	}
	bug := create(`{"title":"bug","type":"BUG","priority":"HIGH","processingUser":"agent-1","tags":["x"]}`)
	create(`{"title":"idea","type":"FEATURE_REQUEST","priority":"LOW","status":"DONE","processingTeam":"team-1"}`)
	spam := create(`{"title":"spam","type":"INQUIRY","priority":"MEDIUM","isSpam":true,"description":"cheap refunds"}`)
	status, _, _ := exchange(t, http.MethodPut, server.URL+"/tickets/"+bug+"/archive", credentials(), "")
	require.Equal(t, http.StatusOK, status)

	for query, want := range map[string][]string{
		"":                                  {"bug", "idea", "spam"},
		"sort=-createdAt":                   {"spam", "idea", "bug"},
		"sort=priority":                     {"idea", "spam", "bug"},
		"sort=-updatedAt":                   {"bug", "spam", "idea"},
		"type=BUG,INQUIRY":                  {"bug", "spam"},
		"status=OPEN":                       {"bug", "spam"},
		"priority=HIGH,LOW":                 {"bug", "idea"},
		"archived=true":                     {"bug"},
		"ignoreArchived=true":               {"idea", "spam"},
		"isSpam=false":                      {"bug", "idea"},
		"processingUser=agent-1":            {"bug"},
		"processingTeam=team-1":             {"idea"},
		"bugId=2":                           {"idea"},
		"createdAt%3E=2026-11-25T09:00:01Z": {"idea", "spam"},
		"createdAt%3C=2026-11-25T09:00:01Z": {"bug", "idea"},
		"updatedAt%3E=2026-11-25T09:00:03Z": {"bug"},
		"updatedAt%3C=2026-11-25T09:00:02Z": {"idea", "spam"},
	} {
		titles, _ := listTitles(t, server, query)
		assert.Equal(t, want, titles, query)
	}
	titles, total := listTitles(t, server, "skip=1&limit=1")
	assert.Equal(t, []string{"idea"}, titles)
	assert.Equal(t, float64(3), total, "how many match, on every page")

	var spamTicket map[string]any
	_, spamTicket = send(t, http.MethodGet, server.URL+"/tickets/"+spam, credentials(), "")
	titles, _ = listTitles(t, server, "shareToken="+spamTicket["shareToken"].(string))
	assert.Equal(t, []string{"spam"}, titles)

	status, body, hits := exchange(t, http.MethodGet, server.URL+"/tickets/search?searchTerm=REFUND", credentials(), "")
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Contains(t, string(hits), `"title":"spam"`, "the description is searched, ignoring case")
	_, _, count := exchange(t, http.MethodGet, server.URL+"/tickets/ticketscount", credentials(), "")
	assert.Equal(t, "3", string(count))
	assert.Empty(t, recorder.failures())
}

func TestComposedTicketsAndTheirMessagesHangTogether(t *testing.T) {
	t.Parallel()
	server := ticketServer(t, t)
	client := newClient(t, server)
	ctx := context.Background()
	ticket, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "INQUIRY", Title: "Refund",
		Message: wrapper.Ptr("Line one\nLine two"), Email: wrapper.Ptr("Customer@Example.com")})
	require.NoError(t, err)
	again, err := client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "INQUIRY", Title: "Again", Email: wrapper.Ptr("customer@example.com")})
	require.NoError(t, err)
	assert.Equal(t, ticket.Session.ID, again.Session.ID, "one contact per e-mail address")
	contacts := server.Contacts()
	require.Len(t, contacts, 1, "compose makes the contact of an address no contact has")
	assert.Equal(t, contacts[0].ID, ticket.Session.ID)
	assert.Equal(t, "Customer@Example.com", contacts[0].Email)
	_, err = client.Messages.Reply(ctx, ticket.ID, "We are on it.")
	require.NoError(t, err)
	_, err = client.Messages.Note(ctx, ticketID, "a ticket the server never saw")
	require.NoError(t, err)

	messages := server.Messages()
	require.Len(t, messages, 3, "no message for a ticket composed without one")
	assert.Equal(t, "Line one\nLine two", wrapper.PlainText(messages[0].Comment))
	found, err := client.Tickets.FindByContact(ctx, wrapper.ContactQuery{Email: "CUSTOMER@example.com"})
	require.NoError(t, err)
	assert.Len(t, found, 2)
	found, err = client.Tickets.FindByContact(ctx, wrapper.ContactQuery{Phone: "+49 30 1234"})
	require.NoError(t, err)
	assert.Empty(t, found)

	require.NoError(t, client.Tickets.Delete(ctx, ticket.ID))
	require.Len(t, server.Messages(), 1, "the ticket's messages went with it")
	assert.Equal(t, ticketID, *server.Messages()[0].Ticket)
	require.Len(t, server.Tickets(), 1)

	server.Clear()
	assert.Empty(t, server.Tickets(), "Clear forgets the tickets too")
}

func TestTicketChangesShowInLaterReads(t *testing.T) {
	t.Parallel()
	server := ticketServer(t, t)
	client := newClient(t, server)
	ctx := context.Background()
	first, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("first")})
	require.NoError(t, err)
	second, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("second")})
	require.NoError(t, err)

	require.NoError(t, client.Tickets.Link(ctx, first.ID, second.ID))
	require.NoError(t, client.Tickets.Snooze(ctx, first.ID, time.Hour))
	linked, err := client.Tickets.Get(ctx, second.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{first.ID}, linked.LinkedTickets, "linked both ways")
	snoozed, err := client.Tickets.Get(ctx, first.ID)
	require.NoError(t, err)
	assert.True(t, snoozed.Snoozed)
	assert.Equal(t, snoozed.UpdatedAt.Add(time.Hour).Truncate(time.Millisecond), snoozed.SnoozedUntil.Truncate(time.Millisecond))
	_, err = client.Tickets.Update(ctx, first.ID, wrapper.UpdateTicketRequest{Priority: wrapper.Ptr(wrapper.PriorityLow), Tags: &[]string{}})
	require.NoError(t, err)
	assert.Equal(t, wrapper.PriorityLow, server.Tickets()[0].Priority)

	for _, call := range []func() error{
		func() error { return client.Tickets.Link(ctx, first.ID, "missing") },
		func() error { return client.Tickets.Archive(ctx, "missing") },
		func() error { _, err := client.Tickets.Get(ctx, "missing"); return err },
	} {
		var apiErr *wrapper.APIError
		require.ErrorAs(t, call(), &apiErr)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	}
}

func TestTicketRequestsGetFaultsAndTheRateLimitToo(t *testing.T) {
	t.Parallel()
	server := ticketServer(t, t, gleaptest.WithRateLimit(2, time.Hour), gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusBadGateway}))
	for _, want := range []int{http.StatusBadGateway, http.StatusOK, http.StatusTooManyRequests} {
		status, _, _ := exchange(t, http.MethodGet, server.URL+"/tickets/ticketscount", credentials(), "")
		assert.Equal(t, want, status)
	}
}

func TestTicketRequestsAreCheckedAgainstGleapsTicketsDocument(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, publishedCuts(t)...)

	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err, "a route of the first part")
	status, _ := send(t, http.MethodPost, server.URL+"/tickets/compose", credentials(), `{"type":"BUG","title":"t"}`)
	assert.Equal(t, http.StatusOK, status, "a route of the second")
	assert.Empty(t, recorder.failures())

	status, answer := send(t, http.MethodPost, server.URL+"/tickets/compose", credentials(), `{"type":"BUG","title":"t","bogus":1}`)
	assert.Equal(t, http.StatusBadRequest, status, "Gleap's DTO takes no other field: %v", answer)
	failures := recorder.failures()
	require.Len(t, failures, 1)
	assert.True(t, strings.Contains(failures[0], publishedTickets), failures[0])

	messages, _ := publishedParts(t)
	_, err = gleaptest.Start(gleaptest.WithRequestsCheckedAgainst(published, messages),
		gleaptest.WithRequestsCheckedAgainst("a broken cut", []byte("{not yaml")))
	assert.ErrorContains(t, err, `WithRequestsCheckedAgainst("a broken cut")`)
}

func ExampleServer_Tickets() {
	gleap, err := gleaptest.Start()
	if err != nil {
		panic(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		panic(err)
	}
	_, err = client.Tickets.Compose(context.Background(), wrapper.ComposeTicketRequest{
		Type: "INQUIRY", Title: "Refund for order 4711", Message: wrapper.Ptr("I was charged twice."), Email: wrapper.Ptr("customer@example.com"),
	})
	if err != nil {
		panic(err)
	}
	for _, ticket := range gleap.Tickets() {
		encoded, _ := json.Marshal(map[string]any{"number": ticket.Number, "title": ticket.Title, "status": ticket.Status})
		fmt.Println(string(encoded))
	}
	fmt.Println(len(gleap.Messages()), "message")
	// Output:
	// {"number":1,"status":"OPEN","title":"Refund for order 4711"}
	// 1 message
}
