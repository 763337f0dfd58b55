package gleaptest_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// statuses returns the status of each recorded request, oldest first.
func statuses(server *gleaptest.Server) []int {
	var answered []int
	for _, req := range server.Requests() {
		answered = append(answered, req.Status)
	}
	return answered
}

func TestScriptedFaults(t *testing.T) {
	t.Parallel()
	t.Run("status and Retry-After, then normal answers", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond}))
		client := newClient(t, server, wrapper.WithMaxRetries(0))

		_, err := client.Messages.Reply(context.Background(), ticketID, "Hello")
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 429, apiErr.StatusCode)
		assert.Equal(t, 2*time.Second, apiErr.RetryAfter, "rounded up to whole seconds")

		_, err = client.Messages.Reply(context.Background(), ticketID, "Hello")
		require.NoError(t, err)
		assert.Len(t, server.Messages(), 1)
		assert.Equal(t, []int{429, 200}, statuses(server))
	})
	t.Run("queued 503", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		server.QueueFaults(gleaptest.Fault{Status: 503})
		_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
		assert.True(t, errors.Is(err, wrapper.ErrOutcomeUnknown))
		assert.Empty(t, server.Messages())
		assert.Equal(t, []int{503}, statuses(server), "the client does not resend after a 5xx")
	})
	t.Run("slow success", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Delay: time.Millisecond}))
		_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
		require.NoError(t, err)
		assert.Len(t, server.Messages(), 1)
	})
	t.Run("slower than the client waits", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Delay: time.Hour}))
		// The client gives up once the server holds the request: a timeout could end before it arrives.
		ctx, giveUp := context.WithCancel(context.Background())
		arrived := server.Changed(server.Version())
		go func() { <-arrived; giveUp() }()
		_, err := newClient(t, server).Messages.Reply(ctx, ticketID, "Hello")
		assert.ErrorIs(t, err, context.Canceled)
		server.Close() // waits for the request to be given up on
		assert.Empty(t, server.Messages())
		assert.Equal(t, []int{0}, statuses(server), "no answer was sent")
	})
	t.Run("invalid requests get no fault", func(t *testing.T) {
		t.Parallel()
		recorder := &recordingTB{TB: t}
		server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Status: 503}))
		status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":42}`)
		assert.Equal(t, http.StatusBadRequest, status)
		_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
		assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown, "the fault waited for a valid request")
		assert.Equal(t, []int{400, 503}, statuses(server))
	})
}

// hijack takes the connection of w over; the test fails if it cannot.
func hijack(t *testing.T, w http.ResponseWriter) (io.WriteCloser, *bufio.ReadWriter) {
	conn, buffered, err := http.NewResponseController(w).Hijack()
	if !assert.NoError(t, err) {
		panic(http.ErrAbortHandler)
	}
	return conn, buffered
}

func TestFaultHandlerAnswersOnTheConnection(t *testing.T) {
	t.Parallel()
	t.Run("dropping it", func(t *testing.T) {
		t.Parallel()
		hangUp := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			conn, _ := hijack(t, w)
			conn.Close()
		})
		recorder := &recordingTB{TB: t}
		server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Handler: hangUp}))

		_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")

		assert.ErrorIs(t, err, wrapper.ErrOutcomeUnknown, "the request was sent, the answer never came")
		assert.Empty(t, server.Messages())
		requests := server.Requests()
		require.Len(t, requests, 1, "the client does not resend")
		assert.Equal(t, 0, requests[0].Status)
		assert.NoError(t, requests[0].Violation)
		assert.Contains(t, string(requests[0].Body), `"text":"Hello"`)
		assert.Empty(t, recorder.failures())
	})
	t.Run("writing raw bytes", func(t *testing.T) {
		t.Parallel()
		var received atomic.Value
		rawAnswer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			assert.NoError(t, err)
			received.Store(string(body))
			conn, buffered := hijack(t, w)
			defer conn.Close()
			// Undocumented status, no Content-Type, a body that is not a message: unchecked.
			_, err = buffered.WriteString("HTTP/1.1 299 Odd\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
			assert.NoError(t, err)
			assert.NoError(t, buffered.Flush())
		})
		recorder := &recordingTB{TB: t}
		server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Handler: rawAnswer}))

		req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", strings.NewReader(`{"ticket":"t"}`))
		require.NoError(t, err)
		req.Header = credentials()
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)

		assert.Equal(t, 299, resp.StatusCode)
		assert.Equal(t, "hello", string(body))
		assert.Equal(t, `{"ticket":"t"}`, received.Load(), "the handler reads the body the client sent")
		assert.Empty(t, recorder.failures(), "the handler's answer is not validated")
		assert.Empty(t, server.Messages())
	})
	t.Run("not for an invalid request", func(t *testing.T) {
		t.Parallel()
		var called atomic.Bool
		handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			called.Store(true)
			w.WriteHeader(http.StatusNoContent)
		})
		recorder := &recordingTB{TB: t}
		server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Handler: handler}))

		status, _ := send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}}, `{"ticket":"t"}`)

		assert.Equal(t, http.StatusUnauthorized, status)
		assert.False(t, called.Load(), "an invalid request is refused before it gets a fault")
		assert.Len(t, recorder.failures(), 1)
	})
}

func TestWithFaultEveryAnswersEveryNthRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []gleaptest.Option
		want []int
	}{
		{"every third", []gleaptest.Option{gleaptest.WithFaultEvery(3, gleaptest.Fault{Status: 503})},
			[]int{200, 200, 503, 200, 200, 503, 200}},
		{"every request", []gleaptest.Option{gleaptest.WithFaultEvery(1, gleaptest.Fault{Status: 500})},
			[]int{500, 500, 500}},
		{"queued faults first, counted all the same",
			[]gleaptest.Option{gleaptest.WithFaults(gleaptest.Fault{Status: 429}, gleaptest.Fault{Status: 429}),
				gleaptest.WithFaultEvery(2, gleaptest.Fault{Status: 503})},
			[]int{429, 429, 200, 503, 200, 503}},
		{"the first that falls on a request answers it",
			[]gleaptest.Option{gleaptest.WithFaultEvery(2, gleaptest.Fault{Status: 502}), gleaptest.WithFaultEvery(3, gleaptest.Fault{Status: 504})},
			[]int{200, 502, 504, 502, 200, 502}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t, tc.opts...)
			for range tc.want {
				exchange(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticketID+`"}`)
			}
			assert.Equal(t, tc.want, statuses(server))
		})
	}
}

func TestWithFaultEveryCountsOnlyRequestsThatCanGetAFault(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithFaultEvery(2, gleaptest.Fault{Status: 503, RetryAfter: time.Second}))

	valid := `{"ticket":"` + ticketID + `"}`
	exchange(t, http.MethodPost, server.URL+"/messages", credentials(), valid)
	exchange(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":42}`) // breaks the contract
	status, header, _ := exchange(t, http.MethodPost, server.URL+"/messages", credentials(), valid)

	assert.Equal(t, []int{200, 400, 503}, statuses(server))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "1", header.Get("Retry-After"))
	assert.Len(t, recorder.failures(), 1, "only the invalid request")
}

func TestWithFaultEveryRefusesAPeriodBelowOne(t *testing.T) {
	t.Parallel()
	_, err := gleaptest.Start(gleaptest.WithFaultEvery(0, gleaptest.Fault{Status: 503}))
	assert.ErrorContains(t, err, "WithFaultEvery(0")
}
