package gleaptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/apitest"
	"github.com/gleap-community/gleap-go/wrapper"
)

const ticketID = "6752e9a8b7c6d5e4f3a21098"

func newClient(t *testing.T, server *gleaptest.Server, opts ...wrapper.Option) *wrapper.Client {
	t.Helper()
	client, err := wrapper.New("gl_sk_test", "64f1c2d3e4a5b6c7d8e9f999", append([]wrapper.Option{wrapper.WithBaseURL(server.URL)}, opts...)...)
	require.NoError(t, err)
	return client
}

// The raw requests of these tests, shared with the inbox's.
var (
	credentials = apitest.Credentials
	send        = apitest.Send
	exchange    = apitest.Exchange
)

// ticking returns a clock that starts at start and moves on a second each time it is read, so that
// each message the server stores or changes gets a time of its own.
func ticking(start time.Time) func() time.Time {
	var reads atomic.Int64
	return func() time.Time { return start.Add(time.Duration(reads.Add(1)-1) * time.Second) }
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

func TestServerStoresMessagesAndAnswersLikeGleap(t *testing.T) {
	t.Parallel()
	stamp := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return stamp }))
	client := newClient(t, server)

	first, err := client.Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	second, err := client.Messages.Note(context.Background(), ticketID, "Internal")
	require.NoError(t, err)

	assert.Equal(t, 0, first.Index)
	assert.Equal(t, 1, second.Index, "index counts per ticket")
	assert.Regexp(t, "^[0-9a-f]{24}$", first.ID)
	assert.NotEqual(t, first.ID, second.ID)
	assert.Equal(t, stamp, first.CreatedAt)
	messages := server.Messages()
	require.Len(t, messages, 2)
	assert.Equal(t, first.ID, messages[0].ID)
	assert.Equal(t, ticketID, *messages[0].Ticket)
	assert.True(t, *messages[1].IsNote)
	assert.Len(t, server.Requests(), 2)
}

func TestServerServesConcurrentClients(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 503}, gleaptest.Fault{Status: 503}))
	client := newClient(t, server)
	const posts = 32
	var wg sync.WaitGroup
	indexes := make(chan int, posts)
	for range posts {
		wg.Go(func() {
			if msg, err := client.Messages.Reply(context.Background(), ticketID, "Hello"); err == nil {
				indexes <- msg.Index
			}
		})
	}
	wg.Wait()
	close(indexes)

	seen := map[int]bool{}
	for index := range indexes {
		assert.False(t, seen[index], "index %d given twice", index)
		seen[index] = true
	}
	assert.Len(t, seen, posts-2, "two requests got the faults")
	assert.Len(t, server.Messages(), posts-2)
	assert.Len(t, server.Requests(), posts)
}

func TestStartRunsAServerUntilClosed(t *testing.T) {
	t.Parallel()
	server, err := gleaptest.Start()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(server.URL, "http://127.0.0.1:"), server.URL)
	assert.True(t, strings.HasSuffix(server.URL, "/v3"), server.URL)

	_, err = newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	server.Close()
	server.Close() // a second Close does nothing

	_, err = http.Post(server.URL+"/messages", "application/json", strings.NewReader(`{}`))
	assert.Error(t, err, "nothing listens after Close")
	assert.Len(t, server.Messages(), 1, "what it stored stays readable")
}

func TestStartSaysWhyItCannotStart(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	_, err = gleaptest.Start(gleaptest.WithAddr(busy.Addr().String()))
	assert.ErrorContains(t, err, "address already in use")
	_, err = gleaptest.Start(gleaptest.WithMaxMessages(0))
	assert.EqualError(t, err, "gleaptest: WithMaxMessages(0): a server must keep at least 1 message")
}

func TestWithAddrListensThere(t *testing.T) {
	t.Parallel()
	server, err := gleaptest.Start(gleaptest.WithAddr("localhost:0"))
	require.NoError(t, err)
	defer server.Close()
	assert.Regexp(t, `^http://(127\.0\.0\.1|\[::1\]):[1-9][0-9]*/v3$`, server.URL)
	_, err = newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	assert.NoError(t, err)
}

func TestCloseHangsUpOnDelayedRequests(t *testing.T) {
	t.Parallel()
	server, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{Delay: time.Hour}))
	require.NoError(t, err)
	client := newClient(t, server)
	answered := make(chan error, 1)
	go func() {
		_, err := client.Messages.Reply(context.Background(), ticketID, "Hello")
		answered <- err
	}()
	require.Eventually(t, func() bool { return len(server.Requests()) == 1 }, 10*time.Second, time.Millisecond,
		"the request reaches the server")

	closed := time.Now()
	server.Close()

	assert.Less(t, time.Since(closed), 5*time.Second, "Close does not wait a delay out")
	assert.ErrorIs(t, <-answered, wrapper.ErrOutcomeUnknown, "the connection closes without an answer")
	assert.Empty(t, server.Messages())
	assert.Equal(t, 0, server.Requests()[0].Status)
}

func TestServerPrintsItsURL(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	assert.Equal(t, "gleaptest.Server("+server.URL+")", server.String())
}

func TestNewServerFailsTheTestWhenItCannotStart(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() { // NewServer stops its goroutine, as t.Fatal would
		defer close(done)
		gleaptest.NewServer(recorder, gleaptest.WithMaxMessages(0))
	}()
	<-done
	assert.Equal(t, []string{"gleaptest: WithMaxMessages(0): a server must keep at least 1 message"}, recorder.failures())
}

func TestTheAPIAnswersOnlyAtLoopbackNamesOrAnIPAddress(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	post(t, server, `{"ticket":"`+ticketID+`","comment":"a customer's words"}`)
	port := server.URL[strings.LastIndex(server.URL, ":")+1 : len(server.URL)-len("/v3")]
	cases := []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, http.StatusOK},
		{"127.0.0.2:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST.:" + port, http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"localhost", http.StatusOK},
		// A web site that rebinds its own name to 127.0.0.1 sends that name.
		{"rebound.example:" + port, http.StatusForbidden},
		{"localhost.example:" + port, http.StatusForbidden},
		{"127.0.0.1.nip.io:" + port, http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.host, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, server.URL+"/messages", nil)
			require.NoError(t, err)
			req.Header = credentials()
			req.Host = tc.host
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, err)

			assert.Equal(t, tc.want, resp.StatusCode)
			if tc.want == http.StatusForbidden {
				assert.NotContains(t, string(answer), "a customer's words", "no stored message leaks")
				var body map[string]any
				require.NoError(t, json.Unmarshal(answer, &body))
				assert.Equal(t, 403.0, body["statusCode"], "a Gleap-style error body")
				assert.Contains(t, body["message"], "rebinding")
			}
		})
	}
	assert.Empty(t, recorder.failures(), "a refused host is not a contract violation")
	assert.Equal(t, http.StatusForbidden, server.Requests()[len(server.Requests())-1].Status, "and it is recorded")
}
