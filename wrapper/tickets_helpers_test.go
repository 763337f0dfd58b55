package wrapper_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// answerTheUpdate has the request after the next one (a helper's write, after its read) answered 200
// with the JSON answer makes of it.
func answerTheUpdate(server *gleaptest.Server, answer func(r *http.Request) string) {
	server.QueueFaults(gleaptest.Fault{}, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, answer(r))
	})})
}

// puts returns the bodies of the PUT requests server recorded.
func puts(server *gleaptest.Server) []string {
	var bodies []string
	for _, request := range server.Requests() {
		if request.Method == http.MethodPut {
			bodies = append(bodies, string(request.Body))
		}
	}
	return bodies
}

func TestResolveFindsATicketByItsNumberOrShareToken(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	composeTicket(t, client, "first")
	ticket := composeTicket(t, client, "second")

	byNumber, err := client.Tickets.Resolve(ctx, wrapper.TicketNumber(ticket.Number))
	require.NoError(t, err)
	assert.Equal(t, ticket.ID, byNumber)
	assert.Equal(t, "2", lastRequest(t, server).Query.Get("bugId"))

	byToken, err := client.Tickets.Resolve(ctx, wrapper.TicketShareToken(ticket.ShareToken))
	require.NoError(t, err)
	assert.Equal(t, ticket.ID, byToken)

	before := len(server.Requests())
	byID, err := client.Tickets.Resolve(ctx, wrapper.TicketID(ticket.ID))
	require.NoError(t, err)
	assert.Equal(t, ticket.ID, byID)
	assert.Len(t, server.Requests(), before, "an id needs no request")

	_, err = client.Tickets.Resolve(ctx, wrapper.TicketNumber(99))
	assertIsRequestError(t, err, wrapper.ErrTicketNotFound)
	assert.Contains(t, err.Error(), "#99")
}

func TestResolveRefusesAnAmbiguousAnswer(t *testing.T) {
	t.Parallel()
	two := `{"tickets":[{"id":"a","shareToken":"tok"},{"id":"b","shareToken":"tok"}],"count":2,"totalCount":2}`
	server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, two),
		gleapAnswer(t, http.StatusOK, `{"tickets":[{"title":"no id","shareToken":"tok"}]}`)))
	client := newClient(t, server)
	_, err := client.Tickets.Resolve(context.Background(), wrapper.TicketShareToken("tok"))
	assertIsRequestError(t, err, wrapper.ErrInvalidResponse)
	_, err = client.Tickets.Resolve(context.Background(), wrapper.TicketShareToken("tok"))
	assertIsRequestError(t, err, wrapper.ErrInvalidResponse)
}

func TestResolveRefusesATicketWithAnotherNumberOrShareToken(t *testing.T) {
	t.Parallel()
	// A server that does not know the bugId and shareToken filters answers with the project's tickets.
	other := `{"tickets":[{"id":"64f1c2d3e4a5b6c7d8e9f000","bugId":7,"shareToken":"other"}],"count":1,"totalCount":1}`
	cases := []struct {
		name   string
		ref    wrapper.TicketRef
		answer string
		says   string
	}{
		{"another number", wrapper.TicketNumber(42), other, "asked for #42, it listed #7"},
		{"another share token", wrapper.TicketShareToken("mine"), other, "asked for share token mine, it listed #7"},
		{"no number", wrapper.TicketNumber(42), `{"tickets":[{"id":"64f1c2d3e4a5b6c7d8e9f000"}]}`, "it listed a ticket without a number"},
		{"no share token", wrapper.TicketShareToken("mine"), `{"tickets":[{"id":"64f1c2d3e4a5b6c7d8e9f000"}]}`, "it listed a ticket of another share token"},
		{"the one and another", wrapper.TicketNumber(42),
			`{"tickets":[{"id":"64f1c2d3e4a5b6c7d8e9f042","bugId":42},{"id":"64f1c2d3e4a5b6c7d8e9f000","bugId":7}]}`, "it listed #7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, tc.answer)))
			client := newClient(t, server)
			id, err := client.Tickets.Resolve(context.Background(), tc.ref)
			assertIsRequestError(t, err, wrapper.ErrTicketMismatch)
			assert.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.Empty(t, id)
			assert.Contains(t, err.Error(), tc.says)

			server.QueueFaults(gleapAnswer(t, http.StatusOK, tc.answer))
			_, err = client.Tickets.AssignUser(context.Background(), tc.ref, "64f1c2d3e4a5b6c7d8e9f111")
			assertIsRequestError(t, err, wrapper.ErrTicketMismatch)
			assert.Empty(t, puts(server), "nothing is written to the ticket listed")
		})
	}
}

func TestHelpersRefuseTheStateOfAnotherTicket(t *testing.T) {
	t.Parallel()
	// The read of the ticket answers with another one: its tags must not become this ticket's.
	server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, `{"id":"64f1c2d3e4a5b6c7d8e9f000","tags":["theirs"]}`)))
	_, err := newClient(t, server).Tickets.AddTags(context.Background(), wrapper.TicketID(ticketID), []string{"mine"})
	assertIsRequestError(t, err, wrapper.ErrTicketMismatch)
	assert.Contains(t, err.Error(), "read ticket "+ticketID+", it answered with another id")
	assert.Empty(t, puts(server))
}

func TestAssignSendsTheAssigneeAloneAndReadsItBack(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ticket := composeTicket(t, client, "assign me")

	assigned, err := client.Tickets.AssignUser(context.Background(), wrapper.TicketNumber(ticket.Number), "64f1c2d3e4a5b6c7d8e9f012")
	require.NoError(t, err)
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f012", assigned.ProcessingUser.ID)
	teamed, err := client.Tickets.AssignTeam(context.Background(), wrapper.TicketID(ticket.ID), "team-billing")
	require.NoError(t, err)
	assert.Equal(t, "team-billing", teamed.ProcessingTeam.ID)
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f012", teamed.ProcessingUser.ID, "the person stays")
	assert.Equal(t, []string{`{"processingUser":"64f1c2d3e4a5b6c7d8e9f012"}`, `{"processingTeam":"team-billing"}`}, puts(server))
}

func TestAssignReadsBackAnAssigneeObjectNamedByIDAlone(t *testing.T) {
	t.Parallel()
	// Gleap embeds the assignee as an object; one with "id" and no "_id" still names the assignee.
	assigned := `{"id":"` + ticketID + `","status":"OPEN","processingUser":{"id":"64f1c2d3e4a5b6c7d8e9f111","email":"a@example.com"}}`
	server := checkedServer(t, gleaptest.WithFaults(gleapAnswer(t, http.StatusOK, `{"id":"`+ticketID+`","status":"OPEN"}`),
		gleapAnswer(t, http.StatusOK, assigned), gleapAnswer(t, http.StatusOK, assigned)))
	ticket, err := newClient(t, server).Tickets.AssignUser(context.Background(), wrapper.TicketID(ticketID), "64f1c2d3e4a5b6c7d8e9f111")
	require.NoError(t, err)
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f111", ticket.ProcessingUser.ID)
	assert.Equal(t, []string{`{"processingUser":"64f1c2d3e4a5b6c7d8e9f111"}`}, puts(server))
}

func TestTagHelpersLeaveOutANullTagTheServerSent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*wrapper.Client) (*wrapper.Ticket, error)
		sent   string
	}{
		{"add", func(client *wrapper.Client) (*wrapper.Ticket, error) {
			return client.Tickets.AddTags(context.Background(), wrapper.TicketID(ticketID), []string{"b"})
		}, `{"tags":["a","b"]}`},
		{"remove", func(client *wrapper.Client) (*wrapper.Ticket, error) {
			return client.Tickets.RemoveTags(context.Background(), wrapper.TicketID(ticketID), []string{"a"})
		}, `{"tags":[]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A null (or blank) tag breaks openapi.yaml: the server's fault, not the caller's. It is not
			// sent back; the ticket holds what was sent.
			stored := `{"id":"` + ticketID + `","tags":[null,"a"," "]}`
			server := checkedServer(t, gleaptest.WithFaultEvery(1, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut {
					body, err := io.ReadAll(r.Body)
					require.NoError(t, err)
					stored = `{"id":"` + ticketID + `",` + string(body[1:])
				}
				writeAnswer(w, http.StatusOK, http.Header{"Content-Type": {"application/json"}}, stored)
			})}))
			ticket, err := tc.change(newClient(t, server))
			require.NoError(t, err)
			assert.Equal(t, []string{tc.sent}, puts(server))
			assert.NotContains(t, ticket.Tags, "")
		})
	}
}

func TestSetStatusGivesBackAnAssigneeTheStatusChangeTookAway(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	ticket := composeTicket(t, client, "status")
	_, err := client.Tickets.AssignUser(ctx, wrapper.TicketID(ticket.ID), "agent-1")
	require.NoError(t, err)
	_, err = client.Tickets.AssignTeam(ctx, wrapper.TicketID(ticket.ID), "team-1")
	require.NoError(t, err)

	// As integrators have seen Gleap do: the status change clears the assignee.
	answerTheUpdate(server, func(r *http.Request) string {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		var change map[string]any
		require.NoError(t, json.Unmarshal(body, &change))
		change["processingUser"], change["processingTeam"] = "", ""
		cleared, err := json.Marshal(change)
		require.NoError(t, err)
		return string(forwardBody(t, server, r, cleared))
	})
	closed, err := client.Tickets.Close(ctx, wrapper.TicketID(ticket.ID))
	require.NoError(t, err)
	assert.Equal(t, wrapper.TicketStatusDone, closed.Status)
	assert.Equal(t, "agent-1", closed.ProcessingUser.ID, "given back")
	assert.Equal(t, "team-1", closed.ProcessingTeam.ID)
	changes := puts(server)
	assert.Equal(t, `{"status":"DONE"}`, changes[len(changes)-3], "the status alone")
	assert.JSONEq(t, `{"processingUser":"agent-1","processingTeam":"team-1"}`, changes[len(changes)-1], "then the assignee, alone")

	before := len(server.Requests())
	again, err := client.Tickets.SetStatus(ctx, wrapper.TicketID(ticket.ID), wrapper.TicketStatusDone)
	require.NoError(t, err)
	assert.Equal(t, wrapper.TicketStatusDone, again.Status)
	assert.Len(t, server.Requests(), before+1, "a ticket in the lane already is only read")
}

func TestTagsAreAddedAndRemovedWithoutDroppingTheOthers(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	ticket, err := client.Tickets.Create(ctx, wrapper.CreateTicketRequest{Title: wrapper.Ptr("tags"), Tags: &[]string{"set-by-others"}})
	require.NoError(t, err)
	ref := wrapper.TicketID(ticket.ID)

	added, err := client.Tickets.AddTags(ctx, ref, []string{"billing", "vip"})
	require.NoError(t, err)
	assert.Equal(t, []string{"set-by-others", "billing", "vip"}, added.Tags)

	before := len(server.Requests())
	_, err = client.Tickets.AddTags(ctx, ref, []string{"vip"})
	require.NoError(t, err)
	assert.Len(t, server.Requests(), before+1, "a tag the ticket has is not sent again")

	removed, err := client.Tickets.RemoveTags(ctx, ref, []string{"vip", "not-there"})
	require.NoError(t, err)
	assert.Equal(t, []string{"set-by-others", "billing"}, removed.Tags)
	none, err := client.Tickets.RemoveTags(ctx, ref, []string{"set-by-others", "billing"})
	require.NoError(t, err)
	assert.Empty(t, none.Tags)
	changes := puts(server)
	assert.Equal(t, `{"tags":[]}`, changes[len(changes)-1], "the last tag goes as an empty list")
}

func TestATagWrittenBetweenTheReadAndTheWriteIsLost(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	ticket := composeTicket(t, client, "racing writers")
	ref := wrapper.TicketID(ticket.ID)
	// Another writer adds "urgent" after AddTags read the tags and before its write arrives.
	answerTheUpdate(server, func(r *http.Request) string {
		forwardBody(t, server, r, []byte(`{"tags":["urgent"]}`))
		return string(forward(t, server, r))
	})
	tagged, err := client.Tickets.AddTags(ctx, ref, []string{"billing"})
	require.NoError(t, err, "the tags AddTags added are there")
	assert.Equal(t, []string{"billing"}, tagged.Tags, "the other writer's tag is gone: what the README says a concurrent writer can lose")
}

func TestAChangeTheTicketDoesNotKeepIsAnError(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ticket := composeTicket(t, client, "ignored")
	// The update is answered with success but changes nothing.
	answerTheUpdate(server, func(*http.Request) string { return `{}` })
	_, err := client.Tickets.AssignUser(context.Background(), wrapper.TicketID(ticket.ID), "agent-1")
	assertIsRequestError(t, err, wrapper.ErrChangeNotKept)
}

func TestHelpersReportTheFailuresOfTheirCalls(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ctx := context.Background()
	ticket := composeTicket(t, client, "failing")
	ref := wrapper.TicketID(ticket.ID)
	forbidden := gleaptest.Fault{Status: http.StatusForbidden}
	for _, faults := range [][]gleaptest.Fault{{forbidden}, {{}, forbidden}, {{}, {}, forbidden}} {
		server.QueueFaults(faults...)
		_, err := client.Tickets.AddTags(ctx, ref, []string{"x"})
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr, "after %d good requests", len(faults)-1)
		assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
	}
	server.QueueFaults(forbidden)
	_, err := client.Tickets.SetStatus(ctx, wrapper.TicketNumber(ticket.Number), "DONE")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr, "resolving the number failed")
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
}
