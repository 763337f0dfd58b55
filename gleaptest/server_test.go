package gleaptest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

const ticketID = "6752e9a8b7c6d5e4f3a21098"

func newClient(t *testing.T, server *gleaptest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	client, err := wrapper.New("gl_sk_test", "64f1c2d3e4a5b6c7d8e9f999", append([]wrapper.Option{wrapper.WithBaseURL(server.URL)}, opts...)...)
	require.NoError(t, err)
	return client
}

func TestServerStoresMessagesAndAnswersLikeGleap(t *testing.T) {
	t.Parallel()
	stamp := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return stamp }))
	client := newClient(t, server)

	first, err := client.PostReply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	second, err := client.PostNote(context.Background(), ticketID, "Internal")
	require.NoError(t, err)

	assert.Equal(t, 0, *first.Index)
	assert.Equal(t, 1, *second.Index, "index counts per ticket")
	assert.Regexp(t, "^[0-9a-f]{24}$", *first.ID)
	assert.NotEqual(t, *first.ID, *second.ID)
	assert.Equal(t, stamp, *first.CreatedAt)
	messages := server.Messages()
	require.Len(t, messages, 2)
	assert.Equal(t, ticketID, *messages[0].Ticket)
	assert.True(t, *messages[1].IsNote)
	assert.Equal(t, 2, server.Requests())
}

// recordingTB is a testing.TB that keeps the failures a Server reports instead of failing the test.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf records the failure and stops the calling goroutine, as testing.T's does.
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recordingTB) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errors...)
}

func TestContractViolationsFailTheTestReadably(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		header     http.Header
		body       string
		wantStatus int
		wantReason string
	}{
		{"no credentials", http.Header{"Content-Type": {"application/json"}}, `{"ticket":"t"}`, 401, "Authorization"},
		{"wrong type", http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}, `{"ticket":42}`, 400, "ticket"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)
			req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header = tc.header
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()

			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			failures := recorder.failures()
			require.Len(t, failures, 1)
			assert.Contains(t, failures[0], "gleaptest: the traffic breaks openapi.yaml")
			assert.Contains(t, failures[0], tc.wantReason)
			assert.Empty(t, server.Messages())
		})
	}
}

func TestScriptedFaults(t *testing.T) {
	t.Parallel()
	t.Run("status and Retry-After, then normal answers", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 429, RetryAfter: 1500 * time.Millisecond}))
		client := newClient(t, server, wrapper.WithMaxRetries(0))

		_, err := client.PostReply(context.Background(), ticketID, "Hello")
		var apiErr *wrapper.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, 429, apiErr.StatusCode)
		assert.Equal(t, 2*time.Second, apiErr.RetryAfter, "rounded up to whole seconds")

		_, err = client.PostReply(context.Background(), ticketID, "Hello")
		require.NoError(t, err)
		assert.Len(t, server.Messages(), 1)
		assert.Equal(t, 2, server.Requests())
	})
	t.Run("queued 503", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		server.QueueFaults(gleaptest.Fault{Status: 503})
		_, err := newClient(t, server).PostReply(context.Background(), ticketID, "Hello")
		assert.True(t, errors.Is(err, wrapper.ErrOutcomeUnknown))
		assert.Empty(t, server.Messages())
		assert.Equal(t, 1, server.Requests(), "the client does not resend after a 5xx")
	})
	t.Run("slow success", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Delay: time.Millisecond}))
		_, err := newClient(t, server).PostReply(context.Background(), ticketID, "Hello")
		require.NoError(t, err)
		assert.Len(t, server.Messages(), 1)
	})
	t.Run("slower than the client waits", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Delay: time.Hour}))
		_, err := newClient(t, server, wrapper.WithTimeout(20*time.Millisecond)).PostReply(context.Background(), ticketID, "Hello")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Empty(t, server.Messages())
	})
}

func TestServerPrintsItsURL(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	assert.Equal(t, "gleaptest.Server("+server.URL+")", server.String())
	assert.True(t, strings.HasPrefix(server.URL, "http://127.0.0.1:"))
	assert.True(t, strings.HasSuffix(server.URL, "/v3"))
}
