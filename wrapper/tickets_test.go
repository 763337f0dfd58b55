package wrapper_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// composeTicket opens a ticket with a first message through client and returns it.
func composeTicket(t *testing.T, client *wrapper.Client, title string) *wrapper.Ticket {
	t.Helper()
	ticket, err := client.Tickets.Compose(context.Background(), wrapper.ComposeTicketRequest{
		Type: "INQUIRY", Title: title, Message: wrapper.Ptr("Hello"), Email: wrapper.Ptr("customer@example.com"),
	})
	require.NoError(t, err)
	require.NotEmpty(t, ticket.ID)
	return ticket
}

// lastRequest returns the last request server recorded.
func lastRequest(t *testing.T, server *gleaptest.Server) gleaptest.Request {
	t.Helper()
	requests := server.Requests()
	require.NotEmpty(t, requests)
	return requests[len(requests)-1]
}

// sentCall is a call of a table of calls, with the request it sends: method on path with the body
// wantBody ("" for none) and the query parameters query.
type sentCall struct {
	name     string
	call     func() error
	method   string
	path     string
	wantBody string
	query    map[string]string
}

// assertSent checks that request, of the call name, is method on path with the body wantBody ("" for
// none) and the query parameters query, and broke no contract.
func assertSent(t *testing.T, request gleaptest.Request, name, method, path, wantBody string, query map[string]string) {
	t.Helper()
	assert.Equal(t, method, request.Method, name)
	assert.Equal(t, path, request.Path, name)
	if wantBody != "" {
		assert.JSONEq(t, wantBody, string(request.Body), name)
	} else {
		assert.Empty(t, request.Body, name)
	}
	for param, value := range query {
		assert.Equal(t, value, request.Query.Get(param), name)
	}
	assert.Nil(t, request.Violation, name)
}

func TestTicketCallsSendExactlyTheirRequest(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	ticket := composeTicket(t, client, "Refund for order 4711")
	other := composeTicket(t, client, "Invoices do not load")
	path := "/v3/tickets/" + ticket.ID

	cases := []sentCall{
		{"create", func() error {
			created, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("Login fails"), Type: wrapper.Ptr("BUG"),
				Priority: wrapper.Ptr(wrapper.PriorityHigh), Tags: &[]string{"auth"}, CustomData: json.RawMessage(`{"plan":"pro"}`)})
			if err == nil {
				assert.Equal(t, "Login fails", created.Title)
				assert.Equal(t, wrapper.PriorityHigh, created.Priority)
				assert.Equal(t, wrapper.TicketStatusOpen, created.Status, "a new ticket is open")
				assert.NotZero(t, created.Number)
			}
			return err
		}, http.MethodPost, "/v3/tickets", `{"title":"Login fails","type":"BUG","priority":"HIGH","tags":["auth"],"customData":{"plan":"pro"}}`, nil},
		{"get", func() error {
			got, err := client.Tickets.Get(ctx, ticket.ID)
			if err == nil {
				assert.Equal(t, ticket.ID, got.ID)
				assert.Equal(t, "customer@example.com", *got.Session.Object.Email, "the contact of the e-mail address")
			}
			return err
		}, http.MethodGet, path, "", nil},
		{"update", func() error {
			updated, err := client.Tickets.Update(ctx, ticket.ID, wrapper.UpdateTicketRequest{Title: wrapper.Ptr("Refund (done)")})
			if err == nil {
				assert.Equal(t, "Refund (done)", updated.Title)
				assert.Equal(t, ticket.Type, updated.Type, "only the fields set change")
			}
			return err
		}, http.MethodPut, path, `{"title":"Refund (done)"}`, nil},
		{"archive", func() error { return client.Tickets.Archive(ctx, ticket.ID) }, http.MethodPut, path + "/archive", "", nil},
		{"unarchive", func() error { return client.Tickets.Unarchive(ctx, ticket.ID) }, http.MethodPut, path + "/unarchive", "", nil},
		{"snooze", func() error { return client.Tickets.Snooze(ctx, ticket.ID, 90*time.Minute+300*time.Millisecond) },
			http.MethodPut, path + "/snooze", `{"duration":5400}`, nil},
		{"link", func() error { return client.Tickets.Link(ctx, ticket.ID, other.ID) },
			http.MethodPut, path + "/link", `{"targetTicketId":"` + other.ID + `"}`, nil},
		{"unlink", func() error { return client.Tickets.Unlink(ctx, ticket.ID, other.ID) },
			http.MethodPut, path + "/unlink", `{"targetTicketId":"` + other.ID + `"}`, nil},
		{"search", func() error {
			found, err := client.Tickets.Search(ctx, "invoices")
			if err == nil {
				require.Len(t, found, 1)
				assert.Equal(t, other.ID, found[0].ID)
			}
			return err
		}, http.MethodGet, "/v3/tickets/search", "", map[string]string{"searchTerm": "invoices"}},
		{"find by contact", func() error {
			found, err := client.Tickets.FindByContact(ctx, wrapper.ContactQuery{Email: "customer@example.com"})
			if err == nil {
				assert.Len(t, found, 2)
			}
			return err
		}, http.MethodGet, "/v3/tickets/by-session-query", "", map[string]string{"email": "customer@example.com"}},
		{"count", func() error {
			count, err := client.Tickets.Count(ctx)
			if err == nil {
				assert.Equal(t, len(server.Tickets()), count)
			}
			return err
		}, http.MethodGet, "/v3/tickets/ticketscount", "", nil},
		{"delete", func() error { return client.Tickets.Delete(ctx, other.ID) }, http.MethodDelete, "/v3/tickets/" + other.ID, "", nil},
	}
	for _, tc := range cases { // in order: each step sees what the ones before it did
		require.NoError(t, tc.call(), tc.name)
		assertSent(t, lastRequest(t, server), tc.name, tc.method, tc.path, tc.wantBody, tc.query)
	}

	stored, err := client.Tickets.Get(ctx, ticket.ID)
	require.NoError(t, err)
	assert.False(t, stored.Archived, "archived, then unarchived")
	assert.True(t, stored.Snoozed)
	assert.Empty(t, stored.LinkedTickets, "linked, then unlinked")
	_, err = client.Tickets.Get(ctx, other.ID)
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode, "deleted")

	_, err = client.Tickets.Get(ctx, "../messages")
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "/v3/tickets/..%2Fmessages", lastRequest(t, server).Path, "an id stays one path segment")
}

func TestComposeOpensTheTicketWithItsFirstMessage(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ticket := composeTicket(t, client, "Refund for order 4711")

	messages := server.Messages()
	require.Len(t, messages, 1)
	assert.Equal(t, ticket.ID, *messages[0].Ticket, "the message hangs off the ticket")
	assert.Equal(t, "Hello", wrapper.PlainText(messages[0].Comment))
	assert.Equal(t, ticket.Session.ID, messages[0].Session.ID, "from the ticket's contact")
	assert.JSONEq(t, `{"type":"INQUIRY","title":"Refund for order 4711","message":"Hello","email":"customer@example.com"}`,
		string(server.Requests()[0].Body))

	var listed []string
	for message, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{Ticket: ticket.ID}) {
		require.NoError(t, err)
		listed = append(listed, message.ID)
	}
	assert.Equal(t, []string{messages[0].ID}, listed, "the ticket's conversation")

	require.NoError(t, client.Tickets.Delete(context.Background(), ticket.ID))
	assert.Empty(t, server.Messages(), "deleting a ticket deletes its messages")
}

func TestAMessageToATicketNeverSeenStillWorks(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	_, err := client.Messages.Note(context.Background(), ticketID, "no ticket was created first")
	require.NoError(t, err)
	assert.Len(t, server.Messages(), 1)
	assert.Empty(t, server.Tickets())
}

func TestTicketCallsRejectBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	tickets := client.Tickets
	compose := func(change func(*wrapper.ComposeTicketRequest)) func() error {
		return func() error {
			req := wrapper.ComposeTicketRequest{Type: "BUG", Title: "t"}
			change(&req)
			_, err := tickets.Compose(ctx, req)
			return err
		}
	}
	create := func(req wrapper.CreateTicketRequest) func() error {
		return func() error { _, err := tickets.Create(ctx, req); return err }
	}
	cases := []struct {
		name      string
		call      func() error
		wantField string
	}{
		{"create without a field", create(wrapper.CreateTicketRequest{}), "request"},
		{"blank title", create(wrapper.CreateTicketRequest{Title: wrapper.Ptr(" ")}), "title"},
		{"unknown priority", create(wrapper.CreateTicketRequest{Priority: wrapper.Ptr(wrapper.TicketPriority("URGENT"))}), "priority"},
		{"blank tag", create(wrapper.CreateTicketRequest{Tags: &[]string{"a", ""}}), "tags[1]"},
		{"form data not an object", create(wrapper.CreateTicketRequest{FormData: json.RawMessage(`[1]`)}), "formData"},
		{"custom data not JSON", create(wrapper.CreateTicketRequest{CustomData: json.RawMessage(`{`)}), "customData"},
		{"title not UTF-8", create(wrapper.CreateTicketRequest{Title: wrapper.Ptr("a\xff")}), "title"},
		{"a body over 1 MiB", create(wrapper.CreateTicketRequest{CustomData: json.RawMessage(`{"log":"` + strings.Repeat("x", wrapper.MaxRequestBytes) + `"}`)}), "request"},
		{"blank assignee", create(wrapper.CreateTicketRequest{ProcessingUser: wrapper.Ptr("")}), "processingUser"},
		{"compose without a type", compose(func(r *wrapper.ComposeTicketRequest) { r.Type = "" }), "type"},
		{"compose without a title", compose(func(r *wrapper.ComposeTicketRequest) { r.Title = "  " }), "title"},
		{"compose for two contacts", compose(func(r *wrapper.ComposeTicketRequest) {
			r.Session, r.Email = wrapper.Ptr("s1"), wrapper.Ptr("c@example.com")
		}), "email"},
		{"compose to no address", compose(func(r *wrapper.ComposeTicketRequest) { r.Email = wrapper.Ptr("Ann <ann@example.com>") }), "email"},
		{"compose a huge message", compose(func(r *wrapper.ComposeTicketRequest) {
			r.Message = wrapper.Ptr(string(make([]byte, wrapper.MaxTextBytes+1)))
		}), "message"},
		{"get without an id", func() error { _, err := tickets.Get(ctx, " "); return err }, "ticketID"},
		{"update a path step", func() error {
			_, err := tickets.Update(ctx, "..", wrapper.UpdateTicketRequest{Title: wrapper.Ptr("x")})
			return err
		}, "ticketID"},
		{"delete without an id", func() error { return tickets.Delete(ctx, "") }, "ticketID"},
		{"archive without an id", func() error { return tickets.Archive(ctx, "") }, "ticketID"},
		{"snooze for no time", func() error { return tickets.Snooze(ctx, ticketID, 999*time.Millisecond) }, "duration"},
		{"link to itself", func() error { return tickets.Link(ctx, ticketID, ticketID) }, "targetID"},
		{"unlink from nothing", func() error { return tickets.Unlink(ctx, ticketID, "") }, "targetID"},
		{"search for nothing", func() error { _, err := tickets.Search(ctx, "\t"); return err }, "term"},
		{"find no contact", func() error { _, err := tickets.FindByContact(ctx, wrapper.ContactQuery{}); return err }, "query"},
		{"find a blank phone", func() error {
			_, err := tickets.FindByContact(ctx, wrapper.ContactQuery{Email: "c@example.com", Phone: " "})
			return err
		}, "Phone"},
		{"list too large pages", listError(tickets, wrapper.TicketFilter{PageSize: wrapper.MaxTicketPageSize + 1}), "PageSize"},
		{"list a type with a comma", listError(tickets, wrapper.TicketFilter{Types: []string{"BUG,X"}}), "Types[0]"},
		{"list an unknown priority", listError(tickets, wrapper.TicketFilter{Priorities: []wrapper.TicketPriority{"low"}}), "Priorities[0]"},
		{"list by a blank assignee", listError(tickets, wrapper.TicketFilter{Assignee: " "}), "Assignee"},
		{"resolve no ticket", func() error { _, err := tickets.Resolve(ctx, wrapper.TicketRef{}); return err }, "ticket"},
		{"assign nobody", func() error { _, err := tickets.AssignUser(ctx, wrapper.TicketID(ticketID), ""); return err }, "userID"},
		{"assign no team", func() error { _, err := tickets.AssignTeam(ctx, wrapper.TicketNumber(1), " "); return err }, "teamID"},
		{"set a blank status", func() error { _, err := tickets.SetStatus(ctx, wrapper.TicketID(ticketID), ""); return err }, "status"},
		{"add no tag", func() error { _, err := tickets.AddTags(ctx, wrapper.TicketID(ticketID), nil); return err }, "tags"},
		{"remove a blank tag", func() error {
			_, err := tickets.RemoveTags(ctx, wrapper.TicketID(ticketID), []string{"ok", ""})
			return err
		}, "tags[1]"},
		{"watch backwards", func() error {
			for _, err := range tickets.Watch(ctx, wrapper.WatchSince(time.Now()), -time.Second) {
				return err
			}
			return nil
		}, "every"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var invalid *wrapper.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tc.wantField, invalid.Field)
		})
	}
	assert.Empty(t, server.Requests(), "nothing is sent for bad input")
}

// listError returns the error List yields for filter.
func listError(tickets *wrapper.TicketsService, filter wrapper.TicketFilter) func() error {
	return func() error {
		for _, err := range tickets.List(context.Background(), filter) {
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func TestTicketAnswersAreReadLeniently(t *testing.T) {
	t.Parallel()
	ticket := `{"_id":"t1","bugId":7,"title":"T","type":"MY_TYPE","status":"WAITING","priority":"URGENT","processingUser":"u1",` +
		`"processingTeam":{"_id":"team1","name":"Billing"},"session":{"_id":"s1","email":"c@example.com"},"latestComment":{"_id":"m"}}`
	cases := []struct {
		name   string
		answer string
		call   func(*wrapper.Client) ([]wrapper.Ticket, error)
	}{
		{"search, a bare array", `[` + ticket + `]`, func(c *wrapper.Client) ([]wrapper.Ticket, error) {
			return c.Tickets.Search(context.Background(), "t")
		}},
		{"search, an object of tickets", `{"tickets":[` + ticket + `],"count":1}`, func(c *wrapper.Client) ([]wrapper.Ticket, error) {
			return c.Tickets.Search(context.Background(), "t")
		}},
		{"by contact, hits", `{"hits":[` + ticket + `]}`, func(c *wrapper.Client) ([]wrapper.Ticket, error) {
			return c.Tickets.FindByContact(context.Background(), wrapper.ContactQuery{UserID: "42"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, tc.answer)))
			found, err := tc.call(newClient(t, server))
			require.NoError(t, err)
			require.Len(t, found, 1)
			got := found[0]
			assert.Equal(t, "t1", got.DocumentID)
			assert.Equal(t, 7, got.Number)
			assert.Equal(t, wrapper.TicketPriority("URGENT"), got.Priority, "a priority Gleap does not document is read")
			assert.Equal(t, "WAITING", got.Status)
			assert.Equal(t, "u1", got.ProcessingUser.ID)
			assert.Nil(t, got.ProcessingUser.Object)
			assert.Equal(t, "team1", got.ProcessingTeam.ID)
			assert.Equal(t, "Billing", *got.ProcessingTeam.Object.Name)
		})
	}
}

func TestTicketAnswersThatAreNoTicketsAreInvalid(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		answer string
		call   func(*wrapper.Client) error
	}{
		{"a ticket that is null", `null`, func(c *wrapper.Client) error { _, err := c.Tickets.Get(context.Background(), "t1"); return err }},
		{"search without tickets", `{"total":1}`, func(c *wrapper.Client) error { _, err := c.Tickets.Search(context.Background(), "x"); return err }},
		{"a hit that is a string", `["t1"]`, func(c *wrapper.Client) error { _, err := c.Tickets.Search(context.Background(), "x"); return err }},
		{"a count that is text", `"7"`, func(c *wrapper.Client) error { _, err := c.Tickets.Count(context.Background()); return err }},
		{"a count without count", `{"total":7}`, func(c *wrapper.Client) error { _, err := c.Tickets.Count(context.Background()); return err }},
		{"a page without tickets", `{"count":0}`, func(c *wrapper.Client) error {
			_, err := c.Tickets.ListPage(context.Background(), wrapper.TicketFilter{}, 0)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := checkedServer(t, gleaptest.WithFaults(offContractAnswer(http.StatusOK, "application/json", tc.answer)))
			err := tc.call(newClient(t, server))
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
		})
	}
}

func TestCountReadsANumberOrAnObject(t *testing.T) {
	t.Parallel()
	for answer, want := range map[string]int{`12`: 12, `{"count":3}`: 3} {
		server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, answer)))
		count, err := newClient(t, server).Tickets.Count(context.Background())
		require.NoError(t, err)
		assert.Equal(t, want, count, answer)
	}
}

func TestTicketReadsAndChangesAreRetriedButCreatesAreNot(t *testing.T) {
	t.Parallel()
	unavailable := gleaptest.Fault{Status: http.StatusServiceUnavailable}
	ctx := context.Background()

	server, client := resourceServer(t)
	ticket := composeTicket(t, client, "retried")
	server.QueueFaults(unavailable, unavailable)
	got, err := client.Tickets.Get(ctx, ticket.ID)
	require.NoError(t, err, "a read is retried after 5xx")
	assert.Equal(t, ticket.ID, got.ID)

	server.QueueFaults(unavailable)
	require.NoError(t, client.Tickets.Archive(ctx, ticket.ID), "so is a change")

	before := len(server.Requests())
	server.QueueFaults(unavailable)
	_, err = client.Tickets.Compose(ctx, wrapper.ComposeTicketRequest{Type: "BUG", Title: "once"})
	assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown, "the ticket may exist")
	assert.Len(t, server.Requests(), before+1, "a compose is not sent again after a 5xx")

	server.QueueFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	created, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("after 429")})
	require.NoError(t, err, "a 429 says nothing was created: retried")
	assert.Equal(t, "after 429", created.Title)
}

func TestDeletingATicketTwiceAfterAnUnknownOutcomeIsNotAnError(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ticket := composeTicket(t, client, "gone")
	// The first attempt deletes the ticket but its answer is lost; the retry finds it gone.
	server.QueueFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forward(t, server, r)
		hangUp.Handler.ServeHTTP(w, r)
	})})
	require.NoError(t, client.Tickets.Delete(context.Background(), ticket.ID))
	assert.Empty(t, server.Tickets())
}

// forward sends r again to server, as the same client would, and returns the answer's body: for a fault
// that lets the request take effect and then answers otherwise.
func forward(t *testing.T, server *gleaptest.Server, r *http.Request) []byte {
	body, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return forwardBody(t, server, r, body)
}

// forwardBody sends r to server with body in place of its own.
func forwardBody(t *testing.T, server *gleaptest.Server, r *http.Request, body []byte) []byte {
	again, err := http.NewRequest(r.Method, strings.TrimSuffix(server.URL, "/v3")+r.URL.RequestURI(), bytes.NewReader(body))
	require.NoError(t, err)
	again.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(again)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer
}

func TestTicketCallsStayWithinTheRateLimit(t *testing.T) {
	t.Parallel()
	clock := newFakeTime()
	server := checkedServer(t, gleaptest.WithRateLimit(5, time.Minute), gleaptest.WithClock(clock.clock))
	client := pacedClient(t, server, clock, true, wrapper.WithRateLimit(5, time.Minute))
	for range 12 {
		_, err := client.Tickets.Count(context.Background())
		require.NoError(t, err)
	}
	for _, request := range server.Requests() {
		assert.NotEqual(t, http.StatusTooManyRequests, request.Status, "paced under the server's limit")
	}
	assert.Len(t, server.Requests(), 12)
	assert.NotEmpty(t, clock.recorded(), "the client waited for its turns")
}

func TestAnOverloadedServersTicketAnswerIsRetriedAfterItsPause(t *testing.T) {
	t.Parallel()
	server := checkedServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}))
	client, run := newFaultClient(t, server.URL)
	_, err := client.Tickets.Search(context.Background(), "refund")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second}, run.waits, "the Retry-After, once")
}

// clock tells the fake time, for a server that counts by it.
func (f *fakeTime) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// assertIsRequestError checks that err is a *RequestError wrapping cause.
func assertIsRequestError(t *testing.T, err, cause error) {
	t.Helper()
	var requestErr *wrapper.RequestError
	require.ErrorAs(t, err, &requestErr)
	assert.True(t, errors.Is(err, cause), "%v wraps %v", err, cause)
	assertNoSecret(t, err)
}
