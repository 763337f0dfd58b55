package wrapper_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

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

// answeredNormally is the fault of a request the server answers as Gleap would, to script the one after it.
var answeredNormally = gleaptest.Fault{}

func TestCreateOnceReturnsTheMessageA500AfterStoringLeftUnknown(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL, storingThen500)

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	require.Equal(t, 1, len(server.Messages()), "posted once")
	assert.Equal(t, server.Messages()[0].ID, message.ID, "the message found in the ticket")
	assert.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet}, methods(server.Requests()))
}

func TestCreateOnceFindsTheMessageBeforePostingIt(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL)
	stored, err := client.Messages.Create(context.Background(), noteWithRef(t, "incident-42"))
	require.NoError(t, err)

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	assert.Equal(t, stored.ID, message.ID)
	assert.Equal(t, []string{http.MethodPost, http.MethodGet}, methods(server.Requests()), "one look, no post")
}

func TestCreateOncePostsAgainWhatTheTicketDoesNotHold(t *testing.T) {
	t.Parallel()
	server := newServer(t, answeredNormally, gleaptest.Fault{Status: http.StatusServiceUnavailable})
	client, run := newFaultClient(t, server.URL)

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	require.Equal(t, 1, len(server.Messages()))
	assert.Equal(t, server.Messages()[0].ID, message.ID)
	assert.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet, http.MethodPost}, methods(server.Requests()))
	assert.Len(t, run.recordedWaits(), 1, "a pause between the 503 and the look after it")
}

func TestCreateOnceSaysNothingWasPostedWhenItRunsOutOfAttempts(t *testing.T) {
	t.Parallel()
	server := newServer(t, answeredNormally, gleaptest.Fault{Status: http.StatusServiceUnavailable})
	client, run := newFaultClient(t, server.URL, wrapper.WithMaxRetries(0))

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	requestErr := requireRequestError(t, err, 1, false)
	requireAPIError(t, err, http.StatusServiceUnavailable)
	assert.Contains(t, requestErr.Error(), "the ticket holds no message with its messageRef, so nothing was posted")
	assert.Empty(t, server.Messages())
	assert.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet}, methods(server.Requests()))
	assert.Len(t, run.recordedWaits(), 1, "also after the last post, a pause before the look")
}

func TestCreateOnceKeepsTheOutcomeUnknownWhenTheLookupFails(t *testing.T) {
	t.Parallel()
	server := newServer(t, answeredNormally, gleaptest.Fault{Status: http.StatusServiceUnavailable}, gleaptest.Fault{Status: http.StatusForbidden})
	client, _ := newFaultClient(t, server.URL)

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	assertNoSecret(t, err)
	assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "looking for it by its messageRef failed too")
	assert.ErrorContains(t, err, "403 Forbidden")
	assert.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet}, methods(server.Requests()))
}

func TestCreateOncePostsNothingWhenTheFirstLookFails(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Status: http.StatusForbidden})
	client, _ := newFaultClient(t, server.URL)

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	requireRequestError(t, err, 1, false)
	requireAPIError(t, err, http.StatusForbidden)
	assert.Equal(t, []string{http.MethodGet}, methods(server.Requests()))
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

func TestClientSaysItsProjectAPIRootAndRetryPolicy(t *testing.T) {
	t.Parallel()
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("https://API.example.com/v3/"), wrapper.WithMaxRetries(5))
	require.NoError(t, err)

	assert.Equal(t, testProject, client.Project())
	assert.Equal(t, "https://api.example.com/v3", client.BaseURL())
	assert.Equal(t, "id-[REDACTED]-1", client.Redact("id-"+testKey+"-1"))
	policy := wrapper.DefaultRetryPolicy()
	policy.MaxRetries = 5
	assert.Equal(t, policy, client.RetryPolicy())
}

func TestFindByRefRefusesANilMatch(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server, wrapper.WithRateLimit(0, 0))
	_, err := client.Messages.Create(context.Background(), noteWithRef(t, "incident-42")) // a message to match
	require.NoError(t, err)

	var got []error
	require.NotPanics(t, func() {
		for message, err := range client.Messages.FindByRef(context.Background(), ticketID, nil) {
			assert.Nil(t, message)
			got = append(got, err)
		}
	})
	require.Len(t, got, 1)
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, got[0], &invalid)
	assert.Equal(t, "match", invalid.Field)
	assert.Equal(t, []string{http.MethodPost}, methods(server.Requests()), "nothing listed")
}

func TestCreateOnceNeverLetsARetryPolicyPostAnUnknownOutcomeAgain(t *testing.T) {
	t.Parallel()
	for name, where := range map[string]struct{ client, call []wrapper.Option }{
		"the client's policy": {client: []wrapper.Option{retryUnknownOutcomes()}},
		"the call's policy":   {call: []wrapper.Option{retryUnknownOutcomes()}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t)
			client, _ := newFaultClient(t, server.URL, append([]wrapper.Option{storingThen500}, where.client...)...)

			message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"), where.call...)

			require.NoError(t, err)
			require.Equal(t, 1, len(server.Messages()), "stored once")
			assert.Equal(t, server.Messages()[0].ID, message.ID)
			assert.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet}, methods(server.Requests()),
				"the 500 after storing is settled by the lookup, not by posting again")
		})
	}
}

// storingFirstPostThen500 returns a transport that has the server store every POST and answers the
// first one 500 itself: a Gleap that stored the message and then failed, once.
func storingFirstPostThen500() roundTripperFunc {
	var posts atomic.Int32
	return func(req *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil || req.Method != http.MethodPost || posts.Add(1) != 1 {
			return resp, err
		}
		_ = resp.Body.Close()
		return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
}

// The README's advice for ErrOutcomeUnknown, from Create or from CreateOnce itself: call CreateOnce with
// the same request. It looks before it posts, so the message stored by the first call is found.
func TestCreateOnceAfterAnUnknownOutcomePostsNothingTwice(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// transport stores every POST and answers the first one 500.
		transport func() roundTripperFunc
		first     func(*wrapper.Client, wrapper.CreateMessageRequest) error
		// methods are the requests of both calls.
		methods []string
	}{
		{"after Create", storingFirstPostThen500, func(client *wrapper.Client, req wrapper.CreateMessageRequest) error {
			_, err := client.Messages.Create(context.Background(), req)
			return err
		}, []string{http.MethodPost, http.MethodGet}},
		{"after CreateOnce, whose look after its post failed", func() roundTripperFunc {
			var gets atomic.Int32
			storing := storingFirstPostThen500()
			return func(req *http.Request) (*http.Response, error) {
				if req.Method == http.MethodGet && gets.Add(1) == 2 {
					return &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
				}
				return storing(req)
			}
		}, func(client *wrapper.Client, req wrapper.CreateMessageRequest) error {
			_, err := client.Messages.CreateOnce(context.Background(), req)
			return err
		}, []string{http.MethodGet, http.MethodPost, http.MethodGet}}, // the refused GET is the transport's, not the server's
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t)
			client, _ := newFaultClient(t, server.URL, wrapper.WithHTTPClient(&http.Client{Transport: tc.transport()}))
			req := noteWithRef(t, "incident-42")

			require.ErrorIs(t, tc.first(client, req), wrapper.ErrOutcomeUnknown)
			message, err := client.Messages.CreateOnce(context.Background(), req)

			require.NoError(t, err)
			require.Equal(t, 1, len(server.Messages()), "posted once")
			assert.Equal(t, server.Messages()[0].ID, message.ID)
			assert.Equal(t, tc.methods, methods(server.Requests()), "the second call looked, and posted nothing")
		})
	}
}

func TestCreateOnceLooksWithTheServersFilterAndChecksWhatItGets(t *testing.T) {
	t.Parallel()
	// A server that ignores the filter answers with every message of the ticket: only the one with the
	// messageRef counts.
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL)
	ctx := context.Background()
	other, err := client.Messages.Create(ctx, noteWithRef(t, "incident-41"))
	require.NoError(t, err)
	ignoringFilter := wrapper.WithHTTPClient(&http.Client{Transport: roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		query := req.URL.Query()
		query.Del("messageRef")
		req.URL.RawQuery = query.Encode()
		return http.DefaultTransport.RoundTrip(req)
	})})

	message, err := client.Messages.CreateOnce(ctx, noteWithRef(t, "incident-42"), ignoringFilter)

	require.NoError(t, err)
	assert.NotEqual(t, other.ID, message.ID, "a message with another messageRef is not the request's")
	assert.Equal(t, 2, len(server.Messages()))
	message, err = client.Messages.CreateOnce(ctx, noteWithRef(t, "incident-42"))
	require.NoError(t, err)
	assert.Equal(t, server.Messages()[1].ID, message.ID, "found, not posted again")
	assert.Equal(t, 2, len(server.Messages()))
	requests := server.Requests()
	last := requests[len(requests)-1]
	assert.Equal(t, http.MethodGet, last.Method)
	assert.Equal(t, ticketID, last.Query.Get("ticket"))
	assert.Equal(t, "incident-42", last.Query.Get("messageRef"), "Gleap filters by any message property")
}

func TestCreateOnceGivesWithResponseIntoTheAnswerToItsPost(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL, storingThen500)
	var raw wrapper.Response

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"), wrapper.WithResponseInto(&raw))

	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, raw.StatusCode, "the answer to the create, not to a lookup")
	assert.Equal(t, 1, raw.Attempts)

	raw = wrapper.Response{StatusCode: http.StatusTeapot, Attempts: 9}
	_, err = client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"), wrapper.WithResponseInto(&raw))

	require.NoError(t, err)
	assert.Equal(t, wrapper.Response{}, raw, "found before posting: no answer to a post, and nothing left from before")
}

func TestCreateOnceLooksWhateverTheCallsResponseCap(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL, storingThen500)
	req := noteWithRef(t, "incident-42")
	answer, err := json.Marshal(req)
	require.NoError(t, err)

	// Room for the message, not for a page that holds it.
	message, err := client.Messages.CreateOnce(context.Background(), req, wrapper.WithMaxResponseBytes(int64(len(answer)+200)))

	require.NoError(t, err)
	assert.Equal(t, server.Messages()[0].ID, message.ID)
}

// A gateway answers 504 while Gleap still stores the message. CreateOnce waits the retry policy's
// backoff before it looks: a message stored within that pause is found, not posted again. (One stored
// after it is not: see CreateOnce.)
func TestCreateOnceFindsAMessageStoredBehindAGateway504WithinItsPause(t *testing.T) {
	t.Parallel()
	storeLate := make(chan func(), 1)
	server := gleaptest.NewServer(t, gleaptest.WithHandler(func(_ *gleaptest.Server, api http.Handler) http.Handler {
		var posts atomic.Int32
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || posts.Add(1) != 1 {
				api.ServeHTTP(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			behind := r.Clone(context.Background())
			storeLate <- func() { // Gleap, behind the gateway, goes on and stores the message
				behind.Body = io.NopCloser(bytes.NewReader(body))
				api.ServeHTTP(httptest.NewRecorder(), behind)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusGatewayTimeout)
			_, _ = io.WriteString(w, `{"message":"upstream timed out"}`)
		})
	}))
	var pauses []time.Duration
	client, _ := newFaultClient(t, server.URL, wrapper.WithSleep(func(ctx context.Context, pause time.Duration) error {
		pauses = append(pauses, pause)
		select {
		case store := <-storeLate: // the store lands within the pause
			store()
		default:
		}
		return ctx.Err()
	}))

	message, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"))

	require.NoError(t, err)
	require.Equal(t, 1, len(server.Messages()), "stored once")
	assert.Equal(t, server.Messages()[0].ID, message.ID)
	policy := wrapper.DefaultRetryPolicy()
	require.Len(t, pauses, 1, "one pause, between the 504 and the look")
	assert.GreaterOrEqual(t, pauses[0], policy.MinBackoff/2, "the first backoff, less at most half of it for jitter")
	assert.LessOrEqual(t, pauses[0], policy.MinBackoff)
}

func TestCreateOnceGivesTheCallsOtherOptionsToItsLooksToo(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, _ := newFaultClient(t, server.URL, storingThen500)

	_, err := client.Messages.CreateOnce(context.Background(), noteWithRef(t, "incident-42"), wrapper.WithHeader("X-Request-Source", "billing"))

	require.NoError(t, err)
	requests := server.Requests()
	require.Equal(t, []string{http.MethodGet, http.MethodPost, http.MethodGet}, methods(requests))
	for _, request := range requests {
		assert.Equal(t, "billing", request.Header.Get("X-Request-Source"), request.Method)
	}
}
