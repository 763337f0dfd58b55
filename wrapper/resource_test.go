package wrapper_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestUpdateMessageSendsAndChangesOnlyTheFieldsThatAreSet(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]

	updated, err := client.Messages.Update(context.Background(), id, wrapper.UpdateMessageRequest{
		Comment: wrapper.PlainTextDoc("corrected"),
	})

	require.NoError(t, err)
	requests := server.Requests()
	update := requests[len(requests)-1]
	assert.Equal(t, http.MethodPut, update.Method)
	assert.Equal(t, "/v3/messages/"+id, update.Path)
	assert.JSONEq(t, `{"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"corrected"}]}]}}`, string(update.Body))
	assert.JSONEq(t, string(wrapper.PlainTextDoc("corrected")), string(updated.Comment))
	assert.True(t, *updated.IsNote, "a field not sent keeps its value")
	assert.Equal(t, ticketID, *updated.Ticket)
}

func TestDeleteMessage(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	ids := postNotes(t, client, ticketID, 2)

	require.NoError(t, client.Messages.Delete(context.Background(), ids[0]))

	remaining := server.Messages()
	require.Len(t, remaining, 1)
	assert.Equal(t, ids[1], remaining[0].ID)

	err := client.Messages.Delete(context.Background(), ids[0])
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr, "deleting it again: Gleap no longer has it")
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.False(t, isOutcomeUnknown(err), "a 404 is an answer")
}

func isOutcomeUnknown(err error) bool {
	var requestErr *wrapper.RequestError
	return errors.As(err, &requestErr) && requestErr.OutcomeUnknown
}

func TestDeleteIsRetriedAfterA503(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]
	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})

	require.NoError(t, client.Messages.Delete(context.Background(), id))

	assert.Empty(t, server.Messages())
	assert.Len(t, server.Requests(), 3, "the post, the 503 and the retry")
}

func TestA404AfterADeleteWhoseOutcomeWasUnknownMeansItWasDeleted(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]
	// The first DELETE is carried out, but the connection drops before the answer.
	server.QueueFaults(gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		carriedOut, err := http.NewRequest(http.MethodDelete, server.URL+"/messages/"+id, nil)
		if err != nil {
			return
		}
		carriedOut.Header = r.Header.Clone()
		if resp, err := http.DefaultClient.Do(carriedOut); err == nil {
			resp.Body.Close()
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	})})

	require.NoError(t, client.Messages.Delete(context.Background(), id), "the retry's 404 means the lost attempt deleted it")
	assert.Empty(t, server.Messages())
	statuses := []int{}
	for _, request := range server.Requests()[1:] {
		statuses = append(statuses, request.Status)
	}
	assert.Equal(t, []int{0, http.StatusNoContent, http.StatusNotFound}, statuses, "dropped, carried out, the retry")
}

func TestUpdateIsRetriedAfterServerErrorsLikeAnyIdempotentCall(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]
	server.QueueFaults(gleaptest.Fault{Status: http.StatusBadGateway}, gleaptest.Fault{Status: http.StatusTooManyRequests})
	_, err := client.Messages.Update(context.Background(), id, wrapper.UpdateMessageRequest{Rating: wrapper.Ptr("5")})
	require.NoError(t, err)
	assert.Equal(t, "5", *server.Messages()[0].Rating)
}

func TestHostileIDsStayOnePathSegmentOrAreRefused(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	for _, id := range []string{"", "   ", ".", ".."} {
		err := client.Messages.Delete(context.Background(), id)
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, "%q", id)
		assert.Equal(t, "messageID", invalid.Field)
		_, err = client.Messages.Update(context.Background(), id, wrapper.UpdateMessageRequest{Rating: wrapper.Ptr("5")})
		require.ErrorAs(t, err, &invalid, "%q", id)
	}
	require.Empty(t, server.Requests(), "nothing is sent for a refused id")

	for id, path := range map[string]string{
		"../x":          "/v3/messages/..%2Fx",
		"a b":           "/v3/messages/a%20b",
		"x?y=1#z":       "/v3/messages/x%3Fy=1%23z",
		"../../tickets": "/v3/messages/..%2F..%2Ftickets",
	} {
		err := client.Messages.Delete(context.Background(), id)
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr, id)
		assert.Equal(t, http.StatusNotFound, apiErr.StatusCode, id)
		requests := server.Requests()
		assert.Equal(t, path, requests[len(requests)-1].Path, "%q stays one segment", id)
	}
}

func TestSearchMessages(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	_, err := client.Messages.Reply(context.Background(), ticketID, "The refund was issued.")
	require.NoError(t, err)
	_, err = client.Messages.Reply(context.Background(), ticketID, "Unrelated")
	require.NoError(t, err)

	result, err := client.Messages.Search(context.Background(), "REFUND")
	require.NoError(t, err)
	var hits []wrapper.Message
	require.NoError(t, json.Unmarshal(result.Hits, &hits))
	require.Len(t, hits, 1)
	assert.Contains(t, string(hits[0].Comment), "refund")

	_, err = client.Messages.Search(context.Background(), " ")
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Len(t, server.Requests(), 3)
}

func TestPerCallOptionsWorkOnEveryCall(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t)
	id := postNotes(t, client, ticketID, 1)[0]
	trace := wrapper.WithHeader("X-Trace", "t-1")
	var raw wrapper.Response
	into := wrapper.WithResponseInto(&raw)

	for _, err := range client.Messages.List(context.Background(), wrapper.MessageFilter{}, trace, into) {
		require.NoError(t, err)
	}
	assert.Equal(t, http.StatusOK, raw.StatusCode)
	_, err := client.Messages.Search(context.Background(), "note", trace)
	require.NoError(t, err)
	_, err = client.Messages.Update(context.Background(), id, wrapper.UpdateMessageRequest{Rating: wrapper.Ptr("4")}, trace)
	require.NoError(t, err)
	require.NoError(t, client.Messages.Delete(context.Background(), id, trace, into))
	assert.Equal(t, http.StatusNoContent, raw.StatusCode)
	assert.Equal(t, 1, raw.Attempts)

	requests := server.Requests()
	for _, request := range requests[1:] {
		assert.Equal(t, "t-1", request.Header.Get("X-Trace"), "%s %s", request.Method, request.Path)
	}
	assert.Empty(t, requests[0].Header.Get("X-Trace"), "only the calls given the option")
}

func TestSuggestFAQ(t *testing.T) {
	t.Parallel()
	server, client := resourceServer(t, gleaptest.WithFaults(gleaptest.Fault{}, gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	id := postNotes(t, client, ticketID, 1)[0]

	require.NoError(t, client.Messages.SuggestFAQ(context.Background(), id, false), "retried after the 503: it sets a state")

	requests := server.Requests()
	require.Len(t, requests, 3)
	for _, suggest := range requests[1:] {
		assert.Equal(t, http.MethodPost, suggest.Method)
		assert.Equal(t, "/v3/messages/"+id+"/faq", suggest.Path)
		assert.JSONEq(t, `{"accept":false}`, string(suggest.Body), "false is sent, not left out")
		assert.NoError(t, suggest.Violation, "valid against both documents")
	}

	err := client.Messages.SuggestFAQ(context.Background(), "6752f0c1a4b3c2d1e0f98765", true)
	requireAPIError(t, err, http.StatusNotFound)
	err = client.Messages.SuggestFAQ(context.Background(), " ", true)
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "messageID", invalid.Field)
	assert.Len(t, server.Requests(), 4, "a blank id is refused before sending")
}
