package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// gleapsOwnDocument, gleapsTicketsDocument and gleapsSessionsDocument are the parts of Gleap's published
// OpenAPI document kept as third-party fixtures (its /messages, its /tickets and its /sessions): every
// request of these tests to the API root is checked against it as well as against openapi.yaml.
const (
	gleapsOwnDocument      = "../testdata/gleap-published-openapi-messages.yaml"
	gleapsTicketsDocument  = "../testdata/gleap-published-openapi-tickets.yaml"
	gleapsSessionsDocument = "../testdata/gleap-published-openapi-sessions.yaml"
)

// checkedServer starts gleaptest checking requests against Gleap's own document too.
func checkedServer(t *testing.T, opts ...gleaptest.Option) *gleaptest.Server {
	t.Helper()
	spec, err := os.ReadFile(gleapsOwnDocument)
	require.NoError(t, err)
	tickets, err := os.ReadFile(gleapsTicketsDocument)
	require.NoError(t, err)
	sessions, err := os.ReadFile(gleapsSessionsDocument)
	require.NoError(t, err)
	return gleaptest.NewServer(t, append(opts, gleaptest.WithRequestsCheckedAgainst("Gleap's own document", spec),
		gleaptest.WithRequestsCheckedAgainst("Gleap's own tickets document", tickets),
		gleaptest.WithRequestsCheckedAgainst("Gleap's own sessions document", sessions))...)
}

// resourceServer starts gleaptest checking requests against Gleap's own document too, and a client for it
// that records its pauses instead of sleeping.
func resourceServer(t *testing.T, opts ...gleaptest.Option) (*gleaptest.Server, *wrapper.Client) {
	t.Helper()
	server := checkedServer(t, opts...)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL),
		wrapper.WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	require.NoError(t, err)
	return server, client
}

// postNotes posts n notes into ticket and returns their ids, oldest first.
func postNotes(t *testing.T, client *wrapper.Client, ticket string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		message, err := client.Messages.Note(context.Background(), ticket, fmt.Sprintf("note %d", i))
		require.NoError(t, err)
		ids[i] = message.ID
	}
	return ids
}

// gets returns the GET requests server recorded.
func gets(server *gleaptest.Server) []gleaptest.Request {
	var found []gleaptest.Request
	for _, request := range server.Requests() {
		if request.Method == http.MethodGet {
			found = append(found, request)
		}
	}
	return found
}

func TestListMessagesWalksEveryPageInOrder(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	want := postNotes(t, client, ticketID, 7)
	postNotes(t, client, "6752e9a8b7c6d5e4f3a2ffff", 2) // another ticket's

	var got []string
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: ticketID, PageSize: 2}) {
		require.NoError(t, err)
		got = append(got, message.ID)
	}

	assert.Equal(t, want, got, "every message once, in order")
	requests := gets(server)
	require.Len(t, requests, 4, "four pages of two")
	first := requests[0].Query
	assert.Equal(t, "true", first.Get("paginated"))
	assert.Equal(t, "2", first.Get("limit"))
	assert.Equal(t, ticketID, first.Get("ticket"))
	assert.False(t, first.Has("before"), "the first page has no cursor")
}

func TestListMessagesSendsOnlyTheFiltersThatAreSet(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	from := time.Date(2026, 11, 1, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	filter := wrapper.MessageFilter{
		Ticket: ticketID, Types: []string{"COMMENT", "NOTE"}, Bot: wrapper.Ptr(false), MessageRef: "incident-42", CreatedFrom: from,
		CreatedTo: from.Add(24 * time.Hour), Sort: "-createdAt", Language: "es", ShowHistory: true, PageSize: 50,
	}
	for _, err := range client.Messages.List(context.Background(), filter) {
		require.NoError(t, err)
	}
	require.Len(t, gets(server), 1)
	query := gets(server)[0].Query
	assert.Equal(t, "COMMENT,NOTE", query.Get("type"))
	assert.Equal(t, "false", query.Get("bot"))
	assert.Equal(t, "incident-42", query.Get("messageRef"))
	assert.Equal(t, "2026-11-01T07:00:00Z", query.Get("createdAt>"), "Gleap's createdAt>=<date>, in UTC")
	assert.Equal(t, "2026-11-02T07:00:00Z", query.Get("createdAt<"))
	assert.Equal(t, "-createdAt", query.Get("sort"))
	assert.Equal(t, "es", query.Get("language"))
	assert.Equal(t, "true", query.Get("showHistory"))

	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		require.NoError(t, err)
	}
	bare := gets(server)[1].Query
	assert.ElementsMatch(t, []string{"paginated", "limit"}, keys(bare), "nothing the caller did not set")
}

func keys(values map[string][]string) []string {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	return names
}

func TestBreakingOutOfTheLoopAsksForNoMorePages(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	postNotes(t, client, ticketID, 6)
	seen := 0
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: ticketID, PageSize: 3}) {
		require.NoError(t, err)
		if seen++; seen == 2 {
			break
		}
	}
	assert.Len(t, gets(server), 1, "two messages of the first page cost one request")
}

func TestABareArrayAnswerIsTheLastPage(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	server.QueueFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `[{"_id":"6752f0c1a4b3c2d1e0f98765","type":"COMMENT"},{"_id":"6752f0c1a4b3c2d1e0f98766"}]`)
	})})
	var ids []string
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		require.NoError(t, err)
		ids = append(ids, message.DocumentID)
	}
	assert.Equal(t, []string{"6752f0c1a4b3c2d1e0f98765", "6752f0c1a4b3c2d1e0f98766"}, ids)
	assert.Len(t, gets(server), 1)
}

func TestAListingIsRetriedAfterA503(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	postNotes(t, client, ticketID, 3)
	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	count := 0
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: ticketID}) {
		require.NoError(t, err)
		count++
	}
	assert.Equal(t, 3, count)
	assert.Len(t, gets(server), 2, "the 503 and its retry")
}

func TestAFailedPageEndsTheLoopWithOneError(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	postNotes(t, client, ticketID, 4)
	server.QueueFaults(gleaptest.Fault{}, gleaptest.Fault{Status: http.StatusForbidden})
	var messages, failures int
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: ticketID, PageSize: 2}) {
		if err != nil {
			failures++
			assert.Nil(t, message)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
			continue
		}
		messages++
	}
	assert.Equal(t, 2, messages, "the first page")
	assert.Equal(t, 1, failures, "one error, then the loop ends")
}

func TestACursorGivenTwiceEndsTheLoop(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	loop := gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"items":[{"_id":"6752f0c1a4b3c2d1e0f98765"}],"hasMore":true,"nextBefore":"same"}`)
	})}
	server.QueueFaults(loop, loop, loop)
	var failure error
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		failure = err
	}
	assert.ErrorIs(t, failure, wrapper.ErrInvalidResponse)
	assert.Len(t, gets(server), 2)
}

func TestListMessagesPageLetsTheCallerKeepTheCursor(t *testing.T) {
	t.Parallel()
	_, client := resourceServer(t)
	want := postNotes(t, client, ticketID, 3)
	filter := wrapper.MessageFilter{Ticket: ticketID, PageSize: 2}
	first, err := client.Messages.ListPage(context.Background(), filter, "")
	require.NoError(t, err)
	require.Len(t, first.Messages, 2)
	require.NotEmpty(t, first.Next)
	second, err := client.Messages.ListPage(context.Background(), filter, first.Next)
	require.NoError(t, err)
	require.Len(t, second.Messages, 1)
	assert.Empty(t, second.Next)
	assert.Equal(t, want[2], second.Messages[0].ID)
}

func TestBadFiltersAreRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	for field, filter := range map[string]wrapper.MessageFilter{
		"PageSize":   {PageSize: wrapper.MaxPageSize + 1},
		"Ticket":     {Ticket: "  "},
		"MessageRef": {MessageRef: "\t"},
		"Types[1]":   {Types: []string{"COMMENT", "NOTE,BOT"}},
	} {
		_, err := client.Messages.ListPage(context.Background(), filter, "")
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, field)
		assert.Equal(t, field, invalid.Field)
	}
	assert.Empty(t, server.Requests())
}

func TestAPageSayingMoreFollowWithoutACursorIsAnError(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	server.QueueFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"items":[{"_id":"6752f0c1a4b3c2d1e0f98765"}],"hasMore":true,"nextBefore":null}`)
	})})
	var failure error
	count := 0
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		if err != nil {
			failure = err
			continue
		}
		assert.NotNil(t, message)
		count++
	}
	assert.ErrorIs(t, failure, wrapper.ErrInvalidResponse, "a silent end would drop the pages that follow")
	assert.Zero(t, count)
}

func TestOnlyCallsThatChangeSomethingReportAnUnknownOutcome(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]
	failing := wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxRetries: 0})
	outcomeUnknown := func(err error) bool {
		var requestErr *wrapper.RequestError
		require.ErrorAs(t, err, &requestErr)
		return requestErr.OutcomeUnknown
	}

	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	_, err := client.Messages.ListPage(context.Background(), wrapper.MessageFilter{}, "", failing)
	assert.False(t, outcomeUnknown(err), "a GET changes nothing")

	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	_, err = client.Messages.Update(context.Background(), id, wrapper.UpdateMessageRequest{Rating: wrapper.Ptr("1")}, failing)
	assert.True(t, outcomeUnknown(err), "the change may have been made")

	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	err = client.Messages.Delete(context.Background(), id, failing)
	assert.True(t, outcomeUnknown(err))
	assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown)
}

// keyAsCursor answers every listing with a page whose cursor is the caller's API key, read from the
// request, or, once the key came back as the cursor, with a dropped connection: the transport's error then
// quotes the URL that carries the key in its query.
func keyAsCursor(cursorOf func(key string) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if r.URL.Query().Get("before") != "" && cursorOf == nil {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		cursor := `"` + key + `"`
		if cursorOf != nil {
			cursor = cursorOf(key)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"items":[],"hasMore":true,"nextBefore":%s}`, cursor)
	}
}

func TestListErrorsNeverQuoteTheKeyAServerPutInACursor(t *testing.T) {
	t.Parallel()
	const key = "gl_sk_k3y+with/escapes=and?more&x" // characters a query and a path escape differently
	for name, cursorOf := range map[string]func(string) string{
		"the key as a cursor, twice": func(key string) string { return `"` + key + `"` },
		"the key in a cursor that is no string, past 40 bytes": func(key string) string {
			return `["0123456789012345678901234567890123",` + strconv.Quote(key) + `]`
		},
		"the key escaped in the URL of a failed request": nil,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client := answeringWith(t, key, keyAsCursor(cursorOf))
			var failure error
			for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
				failure = err
			}
			assertNowhere(t, failure, key, url.QueryEscape(key), url.PathEscape(key), key[:12])
		})
	}
}

func TestNewCursorsOnEmptyPagesEndTheLoop(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	var pages atomic.Int64
	endless := gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"items":[],"hasMore":true,"nextBefore":"cursor-%d"}`, pages.Add(1))
	})}
	server.QueueFaults(slices.Repeat([]gleaptest.Fault{endless}, 3*wrapper.MaxEmptyPages)...)
	var failure error
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		require.Nil(t, message, "no page held a message")
		failure = err
	}
	assert.ErrorIs(t, failure, wrapper.ErrInvalidResponse)
	assert.Contains(t, failure.Error(), "empty pages")
	assert.Len(t, gets(server), wrapper.MaxEmptyPages, "the loop gives up after that many empty pages in a row")
}

func TestAnEmptyPageBetweenFullOnesIsNoError(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	page := func(body string) gleaptest.Fault {
		return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		})}
	}
	var faults []gleaptest.Fault
	for i := range 3 * wrapper.MaxEmptyPages {
		if i%(wrapper.MaxEmptyPages-1) == 0 {
			faults = append(faults, page(fmt.Sprintf(`{"items":[{"_id":"m%d"}],"hasMore":true,"nextBefore":"c%d"}`, i, i)))
		} else {
			faults = append(faults, page(fmt.Sprintf(`{"items":[],"hasMore":true,"nextBefore":"c%d"}`, i)))
		}
	}
	server.QueueFaults(append(faults, page(`{"items":[],"hasMore":false}`))...)
	count := 0
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		require.NoError(t, err)
		count++
	}
	assert.Equal(t, 4, count, "fewer than MaxEmptyPages empty pages in a row are a quiet stretch, not a loop")
}

func TestABlankCursorFromTheServerIsAnInvalidResponse(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	server.QueueFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"items":[{"_id":"6752f0c1a4b3c2d1e0f98765"}],"hasMore":true,"nextBefore":"  "}`)
	})})
	var failure error
	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}) {
		failure = err
	}
	var invalid *wrapper.ValidationError
	assert.False(t, errors.As(failure, &invalid), "the caller's input was fine: %v", failure)
	assert.ErrorIs(t, failure, wrapper.ErrInvalidResponse)
	assert.Len(t, gets(server), 1)
}
