package wrapper_test

// Performance: the wrapper against the fastest hand-written call (net/http + encoding/json) and the raw
// generated client, all sending the same realistic message to the same loopback server. make bench runs
// the benchmarks; docs/PERFORMANCE.md records a run.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/fakegleap"
	"github.com/gleap-community/gleap-go/wrapper"
)

// realisticMessage is a three-paragraph reply with two attachments and some metadata.
func realisticMessage() api.CreateMessageRequest {
	text := "Hi Anna,\nthanks for the screenshots, they made it easy to reproduce.\nThe fix ships tonight; the invoice is attached."
	req, err := wrapper.TextMessage(ticketID, text,
		wrapper.Attach("invoice-4711.pdf", "https://files.example.com/invoice-4711.pdf", "application/pdf"),
		wrapper.Attach("screenshot.png", "https://files.example.com/screenshot.png", "image/png"),
		wrapper.AsUser("64f1c2d3e4a5b6c7d8e9f001"),
	)
	if err != nil {
		panic(err)
	}
	req.MessageRef = wrapper.Ptr("support-4711")
	req.Data = json.RawMessage(`{"orderId":4711,"plan":"pro"}`)
	return req
}

// messageServer is a loopback server that answers every POST /v3/messages with the message Gleap would
// store for realisticMessage, precomputed so that the server costs the same for every client measured.
type messageServer struct {
	baseURL     string
	answer      []byte
	connections atomic.Int64
}

func startMessageServer(tb testing.TB) *messageServer {
	tb.Helper()
	stored := httptest.NewRecorder()
	body, err := json.Marshal(realisticMessage())
	require.NoError(tb, err)
	request := httptest.NewRequest(http.MethodPost, "/v3/messages", bytes.NewReader(body))
	fakegleap.NewServer(nil).ServeHTTP(stored, request)
	require.Equal(tb, http.StatusOK, stored.Code)

	s := &messageServer{answer: stored.Body.Bytes()}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(s.answer)))
		_, _ = w.Write(s.answer)
	}))
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.connections.Add(1)
		}
	}
	srv.Start()
	tb.Cleanup(srv.Close)
	s.baseURL = srv.URL + "/v3"
	return s
}

// sender posts realisticMessage once.
type sender func(ctx context.Context) error

// baselineSender is the hand-written call a Go developer would write: encoding/json and net/http with
// a pool as large as the wrapper's, decoding into the generated Message. No retries, no timeout, no size
// cap, no checks.
func baselineSender(s *messageServer) sender {
	httpClient := pooledHTTPClient()
	url := s.baseURL + "/messages"
	req := realisticMessage()
	return func(ctx context.Context) error {
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		httpReq.Header.Set("Content-Type", "application/json")
		httpReq.Header.Set("Authorization", "Bearer "+testKey)
		httpReq.Header.Set("project", testProject)
		resp, err := httpClient.Do(httpReq)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		answer, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		var message wrapper.Message
		return json.Unmarshal(answer, &message)
	}
}

// pooledHTTPClient is net/http's default client with an idle pool as large as the wrapper's, so the
// comparison measures the code, not the pool size.
func pooledHTTPClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns, transport.MaxIdleConnsPerHost = 256, 256
	return &http.Client{Transport: transport}
}

// rawSender uses the generated client directly, with the wrapper's request editors.
func rawSender(s *messageServer) sender {
	raw, err := api.NewClientWithResponses(s.baseURL,
		api.WithHTTPClient(pooledHTTPClient()),
		api.WithRequestEditorFn(wrapper.BearerAuth(testKey)),
		api.WithRequestEditorFn(wrapper.ProjectHeader(testProject)))
	if err != nil {
		panic(err)
	}
	req := realisticMessage()
	return func(ctx context.Context) error {
		resp, err := raw.CreateMessageWithResponse(ctx, req)
		if err != nil {
			return err
		}
		if resp.JSON200 == nil {
			return fmt.Errorf("status %d", resp.StatusCode())
		}
		return nil
	}
}

// wrapperSender is the wrapper as users get it from New: default HTTP client, retries and timeouts on.
func wrapperSender(s *messageServer) sender {
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(s.baseURL))
	if err != nil {
		panic(err)
	}
	req := realisticMessage()
	return func(ctx context.Context) error {
		_, err := client.CreateMessage(ctx, req)
		return err
	}
}

var senders = []struct {
	name string
	make func(*messageServer) sender
}{
	{"impl=baseline", baselineSender},
	{"impl=raw", rawSender},
	{"impl=wrapper", wrapperSender},
}

func BenchmarkCreateMessage(b *testing.B) {
	for _, s := range senders {
		b.Run(s.name, func(b *testing.B) {
			send := s.make(startMessageServer(b))
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := send(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// concurrentWorkers is how many goroutines post at once in the concurrency benchmark and test.
const concurrentWorkers = 64

// sendConcurrently posts messages from concurrentWorkers goroutines and returns the first error.
func sendConcurrently(messages int, send sender) error {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range concurrentWorkers {
		wg.Go(func() {
			for next.Add(1) <= int64(messages) {
				if err := send(context.Background()); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

func BenchmarkCreateMessageConcurrent(b *testing.B) {
	for _, s := range senders {
		b.Run(s.name, func(b *testing.B) {
			server := startMessageServer(b)
			send := s.make(server)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			if err := sendConcurrently(b.N, send); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			b.ReportMetric(float64(server.connections.Load()), "conns")
		})
	}
}

// BenchmarkDecodeMessage decodes a realistic stored message as the client does: plain encoding/json into
// the generated struct, which has no decoder of its own.
func BenchmarkDecodeMessage(b *testing.B) {
	answer := startMessageServer(b).answer
	b.ReportAllocs()
	for b.Loop() {
		var message wrapper.Message
		if err := json.Unmarshal(answer, &message); err != nil {
			b.Fatal(err)
		}
	}
}

// The default client must reuse connections: Go's default of 2 idle connections per host would make
// 64 goroutines open one for nearly every message.
func TestManyGoroutinesReuseConnections(t *testing.T) {
	const messages = 10_000
	server := startMessageServer(t)
	require.NoError(t, sendConcurrently(messages, wrapperSender(server)))
	assert.LessOrEqual(t, server.connections.Load(), int64(2*concurrentWorkers),
		"%d messages from %d goroutines", messages, concurrentWorkers)
}

// The control for TestManyGoroutinesReuseConnections: with net/http's defaults the same load opens far
// more connections, so the bound above is a real one.
func TestNetHTTPDefaultsOpenAConnectionPerMessage(t *testing.T) {
	const messages = 1_000
	server := startMessageServer(t)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.baseURL), wrapper.WithHTTPClient(&http.Client{}))
	require.NoError(t, err)
	require.NoError(t, sendConcurrently(messages, func(ctx context.Context) error {
		_, err := client.CreateMessage(ctx, realisticMessage())
		return err
	}))
	assert.Greater(t, server.connections.Load(), int64(2*concurrentWorkers))
}
