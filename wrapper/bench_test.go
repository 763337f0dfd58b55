package wrapper_test

// Performance: the wrapper against the fastest hand-written call (net/http + encoding/json) and the raw
// generated client, all sending the same realistic message to the same loopback server, gleaptest
// without its contract checks. make bench runs the benchmarks; docs/PERFORMANCE.md records a run.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// realisticMessage is a three-paragraph reply with two attachments and some metadata.
func realisticMessage() wrapper.CreateMessageRequest {
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

// startMessageServer starts gleaptest for the benchmarks: it answers every message with the message it
// stored, as Gleap does. The traffic is not validated, so that the validator's time is not measured, and
// only the newest message is kept, so that the server's memory does not grow with b.N. Every client
// measured meets the same server.
func startMessageServer(tb testing.TB) *gleaptest.Server {
	tb.Helper()
	server, err := gleaptest.Start(gleaptest.WithoutContractChecks(), gleaptest.WithMaxMessages(1))
	require.NoError(tb, err)
	tb.Cleanup(server.Close)
	return server
}

// connectionCounter counts the TCP connections the clients open, seen from their side: every dial that
// succeeds, whichever request then uses the connection. gleaptest does not count the connections it
// accepts, and counting on the client needs no server of its own.
type connectionCounter struct {
	opened atomic.Int64
}

// trace returns ctx with the counter's hook on it; the wrapper keeps a caller's trace hooks.
func (c *connectionCounter) trace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				c.opened.Add(1)
			}
		},
	})
}

// sender posts realisticMessage once.
type sender func(ctx context.Context) error

// baselineSender is the hand-written call a Go developer would write: encoding/json and net/http with
// a pool as large as the wrapper's, decoding into the generated Message. No retries, no timeout, no size
// cap, no checks.
func baselineSender(server *gleaptest.Server) sender {
	httpClient := pooledHTTPClient()
	url := server.URL + "/messages"
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
func rawSender(server *gleaptest.Server) sender {
	raw, err := api.NewClientWithResponses(server.URL,
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
func wrapperSender(server *gleaptest.Server) sender {
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	if err != nil {
		panic(err)
	}
	req := realisticMessage()
	return func(ctx context.Context) error {
		_, err := client.Messages.Create(ctx, req)
		return err
	}
}

var senders = []struct {
	name string
	make func(*gleaptest.Server) sender
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

// sendConcurrently posts messages from concurrentWorkers goroutines and returns the first error. The
// connections the clients open are counted in connections.
func sendConcurrently(messages int, send sender, connections *connectionCounter) error {
	ctx := connections.trace(context.Background())
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range concurrentWorkers {
		wg.Go(func() {
			for next.Add(1) <= int64(messages) {
				if err := send(ctx); err != nil {
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
			send := s.make(startMessageServer(b))
			var connections connectionCounter
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			if err := sendConcurrently(b.N, send, &connections); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			b.ReportMetric(float64(connections.opened.Load()), "conns")
		})
	}
}

// BenchmarkDecodeMessage decodes a realistic stored message as the client does: plain encoding/json into
// the generated struct, which has no decoder of its own. The message is one answer of the server, taken
// once.
func BenchmarkDecodeMessage(b *testing.B) {
	server := startMessageServer(b)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	require.NoError(b, err)
	var answer wrapper.Response
	_, err = client.Messages.Create(context.Background(), realisticMessage(), wrapper.WithResponseInto(&answer))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		var message wrapper.Message
		if err := json.Unmarshal(answer.Body, &message); err != nil {
			b.Fatal(err)
		}
	}
}

// The default client must reuse connections: Go's default of 2 idle connections per host would make
// 64 goroutines open one for nearly every message.
func TestManyGoroutinesReuseConnections(t *testing.T) {
	const messages = 10_000
	var connections connectionCounter
	require.NoError(t, sendConcurrently(messages, wrapperSender(startMessageServer(t)), &connections))
	assert.LessOrEqual(t, connections.opened.Load(), int64(2*concurrentWorkers),
		"%d messages from %d goroutines", messages, concurrentWorkers)
}

// The control for TestManyGoroutinesReuseConnections: with net/http's defaults the same load opens far
// more connections, so the bound above is a real one.
func TestNetHTTPDefaultsOpenAConnectionPerMessage(t *testing.T) {
	const messages = 4_000
	server := startMessageServer(t)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL), wrapper.WithHTTPClient(&http.Client{}), wrapper.WithRateLimit(0, 0))
	require.NoError(t, err)
	var connections connectionCounter
	require.NoError(t, sendConcurrently(messages, func(ctx context.Context) error {
		_, err := client.Messages.Create(ctx, realisticMessage())
		return err
	}, &connections))
	assert.Greater(t, connections.opened.Load(), int64(2*concurrentWorkers))
}
