package wrapper_test

// What the client checks before sending, and how it reads answers at the edges: huge Retry-After values,
// final 1xx and 3xx answers, oversized headers.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestCreateMessageChecksWhatItCanBeforeSending(t *testing.T) {
	t.Parallel()
	valid := func(change func(*api.CreateMessageRequest)) api.CreateMessageRequest {
		req := api.CreateMessageRequest{Ticket: wrapper.Ptr(ticketID), Type: wrapper.Ptr("COMMENT"), Comment: wrapper.PlainTextDoc("hi")}
		change(&req)
		return req
	}
	cases := []struct {
		name      string
		req       api.CreateMessageRequest
		wantField string
	}{
		{"nothing set", api.CreateMessageRequest{}, "request"},
		{"blank ticket", valid(func(r *api.CreateMessageRequest) { r.Ticket = wrapper.Ptr(" \t") }), "ticket"},
		{"empty user", valid(func(r *api.CreateMessageRequest) { r.User = wrapper.Ptr("") }), "user"},
		{"ticket not UTF-8", valid(func(r *api.CreateMessageRequest) { r.Ticket = wrapper.Ptr("67\xff") }), "ticket"},
		{"nested string not UTF-8", valid(func(r *api.CreateMessageRequest) {
			r.FallbackUser = &api.FallbackUser{Username: wrapper.Ptr("Ada \xc3")}
		}), "fallbackUser.username"},
		{"attachment without name", valid(func(r *api.CreateMessageRequest) {
			r.Attachments = []api.Attachment{{URL: "https://example.com/a.pdf"}}
		}), "attachments[0].name"},
		{"attachment without url", valid(func(r *api.CreateMessageRequest) {
			r.Attachments = []api.Attachment{{Name: "a.pdf", URL: "https://example.com/a.pdf"}, {Name: "b.pdf"}}
		}), "attachments[1].url"},
		{"channel without id", valid(func(r *api.CreateMessageRequest) { r.Channel = &api.Channel{Type: wrapper.Ptr("EMAIL")} }), "channel.id"},
		{"body over the cap", valid(func(r *api.CreateMessageRequest) {
			r.Data = json.RawMessage(`"` + strings.Repeat("x", wrapper.MaxRequestBytes) + `"`)
		}), "request"},
	}
	server := newServer(t)
	client := newClient(t, server)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Messages.Create(context.Background(), tc.req)
			var invalid *wrapper.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tc.wantField, invalid.Field)
		})
	}
	assert.Empty(t, server.Requests(), "nothing is sent")
}

func TestAValidCharacterThatLooksLikeTheEncodersReplacementIsSent(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "bad byte shown as \ufffd, and \\ufffd typed out")
	require.NoError(t, err)
	require.Len(t, server.Requests(), 1)
}

func TestTextAndJSONFieldsArriveWithoutHTMLEscaping(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server)
	_, err := client.Messages.Reply(context.Background(), ticketID, "a<b> & c")
	require.NoError(t, err)
	_, err = client.Messages.Create(context.Background(), api.CreateMessageRequest{Ticket: wrapper.Ptr(ticketID), Data: json.RawMessage(`{"html": "<p>&amp;</p>"}`)})
	require.NoError(t, err)

	received := server.Requests()
	require.Len(t, received, 2)
	assert.Contains(t, string(received[0].Body), `"text":"a<b> & c"`)
	assert.Contains(t, string(received[1].Body), `"data":{"html":"<p>&amp;</p>"}`, "the same JSON value, compacted")
}

func TestBaseURLWithAnEmptyQueryOrFragmentIsRefused(t *testing.T) {
	t.Parallel()
	for _, baseURL := range []string{"https://api.gleap.io/v3?", "https://api.gleap.io/v3#", "https://api.gleap.io/v3?x=1"} {
		_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(baseURL))
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, baseURL)
		assert.Equal(t, "baseURL", invalid.Field)
	}
}

func TestANilContextIsAnErrorNotAPanic(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	var ctx context.Context // nil, as a caller's bug might leave it
	_, err := newClient(t, server).Messages.Reply(ctx, ticketID, "hello")
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "ctx", invalid.Field)
	assert.Empty(t, server.Requests())
}

func TestRetryAfterTooLargeForADurationMeansVeryLong(t *testing.T) {
	t.Parallel()
	for _, header := range []string{"4294967296", "99999999999999999999999"} {
		t.Run(header, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, gleapAnswer(t, http.StatusTooManyRequests,
				`{"statusCode":429,"error":"Too Many Requests","message":"Rate limit exceeded."}`, "Retry-After", header))
			client, run := newFaultClient(t, server.URL)
			err := post(client, context.Background())
			requireRequestError(t, err, 1, false)
			apiErr := requireAPIError(t, err, http.StatusTooManyRequests)
			assert.Greater(t, apiErr.RetryAfter, 100*365*24*time.Hour, "kept, capped at the longest duration")
			assert.LessOrEqual(t, apiErr.RetryAfter, time.Duration(math.MaxInt64))
			assert.Empty(t, run.recordedWaits(), "no retry at once")
		})
	}
}

func TestFinalInformationalOrRedirectAnswersLeaveTheOutcomeUnknown(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		answer string
		status int
	}{
		"303 See Other":           {"HTTP/1.1 303 See Other\r\nLocation: /v3/messages/1\r\nContent-Length: 0\r\n\r\n", 303},
		"101 held open":           {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: gleap\r\nConnection: Upgrade\r\n\r\n", 101},
		"304 with no body at all": {"HTTP/1.1 304 Not Modified\r\n\r\n", 304},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, rawAnswerHeldOpen(t, func(string) string { return tc.answer }))
			client, _ := newFaultClient(t, server.URL, wrapper.WithTimeout(10*time.Second))
			err := post(client, context.Background())
			requireRequestError(t, err, 1, true)
			requireAPIError(t, err, tc.status)
		})
	}
}

func TestAnswerHeadersAreCapped(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for i := range 64 {
			w.Header().Set(fmt.Sprintf("X-Padding-%d", i), strings.Repeat("p", 2<<10))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"_id":"6752e9a8b7c6d5e4f3a21099","type":"COMMENT"}`)
	})})
	client, _ := newFaultClient(t, server.URL)
	err := post(client, context.Background())
	requireRequestError(t, err, 1, true)
	assert.Contains(t, err.Error(), "headers exceeded")
}
