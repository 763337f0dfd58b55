package wrapper_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// noteWithRef is a note into ticketID with the messageRef ref.
func noteWithRef(t *testing.T, ref string) wrapper.CreateMessageRequest {
	t.Helper()
	req, err := wrapper.TextMessage(ticketID, "Deployed the fix.", wrapper.AsNote())
	require.NoError(t, err)
	req.MessageRef = wrapper.Ptr(ref)
	return req
}

// methods lists the methods of requests, in order.
func methods(requests []gleaptest.Request) []string {
	var got []string
	for _, request := range requests {
		got = append(got, request.Method)
	}
	return got
}

// storingThen500 is a transport that has the server store each POST and answers it 500 itself.
var storingThen500 = wrapper.WithHTTPClient(&http.Client{Transport: roundTripperFunc(func(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost {
		return resp, err
	}
	_ = resp.Body.Close()
	return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
})})

func TestCreateOnceReturnsTheMessageA500AfterStoringLeftUnknown(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server, storingThen500)

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	require.Len(t, server.Messages(), 1, "posted once")
	assert.Equal(t, server.Messages()[0].ID, message.ID, "the message found in the ticket")
	assert.Equal(t, []string{http.MethodPost, http.MethodGet}, methods(server.Requests()))
}

func TestCreateOncePostsAgainWhatTheTicketDoesNotHold(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Status: http.StatusServiceUnavailable})
	client := newClient(t, server)

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	require.Len(t, server.Messages(), 1)
	assert.Equal(t, server.Messages()[0].ID, message.ID)
	assert.Equal(t, []string{http.MethodPost, http.MethodGet, http.MethodPost}, methods(server.Requests()))
}

func TestCreateOnceSaysNothingWasPostedWhenItRunsOutOfAttempts(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Status: http.StatusServiceUnavailable})
	client := newClient(t, server, wrapper.WithMaxRetries(0))

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	requestErr := requireRequestError(t, err, 1, false)
	requireAPIError(t, err, http.StatusServiceUnavailable)
	assert.Contains(t, requestErr.Error(), "the ticket holds no message with its messageRef, so nothing was posted")
	assert.Empty(t, server.Messages())
	assert.Equal(t, []string{http.MethodPost, http.MethodGet}, methods(server.Requests()))
}

func TestCreateOnceKeepsTheOutcomeUnknownWhenTheLookupFails(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Status: http.StatusServiceUnavailable}, gleaptest.Fault{Status: http.StatusForbidden})
	client := newClient(t, server)

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	assertNoSecret(t, err)
	assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "looking for it by its messageRef failed too")
	assert.ErrorContains(t, err, "403 Forbidden")
	assert.Equal(t, []string{http.MethodPost, http.MethodGet}, methods(server.Requests()))
}

func TestCreateOnceNeedsATicketAndAMessageRef(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server)
	withoutRef := noteWithRef(t, "x")
	withoutRef.MessageRef = wrapper.Ptr(" ")
	withoutTicket := noteWithRef(t, "x")
	withoutTicket.Ticket = nil

	for field, req := range map[string]wrapper.CreateMessageRequest{"messageRef": withoutRef, "ticket": withoutTicket} {
		_, err := client.Messages.CreateOnce(context.Background(), req)
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, field, invalid.Field)
	}
	var ctx context.Context // nil, as a caller's bug might leave it
	_, err := client.Messages.CreateOnce(ctx, noteWithRef(t, "x"))
	var invalid *wrapper.ValidationError
	assert.ErrorAs(t, err, &invalid)
	assert.Empty(t, server.Requests())
}

func TestFindByRefYieldsTheMessagesWithAMatchingRef(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server)
	ctx := context.Background()
	for _, ref := range []string{"a", "b", "a"} {
		_, err := client.Messages.Create(ctx, noteWithRef(t, ref))
		require.NoError(t, err)
	}
	_, err := client.Messages.Note(ctx, ticketID, "no messageRef")
	require.NoError(t, err)

	var found []string
	for message, err := range client.Messages.FindByRef(ctx, ticketID, func(ref string) bool { return ref == "a" }) {
		require.NoError(t, err)
		found = append(found, *message.MessageRef)
	}
	assert.Equal(t, []string{"a", "a"}, found)

	for message, err := range client.Messages.FindByRef(ctx, " ", func(string) bool { return true }) {
		assert.Nil(t, message)
		var invalid *wrapper.ValidationError
		assert.True(t, errors.As(err, &invalid), "a blank ticket would list the whole project")
	}
}

func TestClientSaysItsProjectAndAPIRoot(t *testing.T) {
	t.Parallel()
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("https://API.example.com/v3/"))
	require.NoError(t, err)

	assert.Equal(t, testProject, client.Project())
	assert.Equal(t, "https://api.example.com/v3", client.BaseURL())
	assert.Equal(t, "id-[REDACTED]-1", client.Redact("id-"+testKey+"-1"))
}
