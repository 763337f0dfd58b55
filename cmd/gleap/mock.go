package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

const mockHelp = `Usage:
  gleap mock [--addr HOST:PORT] [--max-messages N]

Runs a stand-in for the Gleap API until interrupted. Every request and answer is validated against
gleap-go's openapi.yaml; violations are reported on standard error and the request is refused as Gleap
would refuse it. It prints its API root first, then one line per request on standard error.
GET /v3/messages (not part of Gleap's API) lists the messages it stored.

It stays small whatever its clients do: it keeps the newest --max-messages messages and forgets the
oldest, answers a request body over 1 MiB with 413 without reading the rest of it, and closes a
connection that takes over 30 seconds to send a request or sits idle for a minute.

Example:
  gleap mock --addr 127.0.0.1:4010 &
  export GLEAP_BASE_URL=http://127.0.0.1:4010/v3 GLEAP_API_KEY=test GLEAP_PROJECT=test
  gleap send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Hello from the mock"
  curl -s http://127.0.0.1:4010/v3/messages

Flags:
`

// shutdownTimeout bounds how long the mock waits for requests in flight when it is stopped.
const shutdownTimeout = 5 * time.Second

func mock(ctx context.Context, args []string, std stdio) int {
	return serveMock(ctx, args, std, fakegleap.DefaultTimeouts())
}

// serveMock is mock with its connection timeouts as a parameter, so that tests of them need not wait
// half a minute.
func serveMock(ctx context.Context, args []string, std stdio, timeouts fakegleap.Timeouts) int {
	flags := flag.NewFlagSet("mock", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:4010", "the address to listen on; port 0 picks a free one")
	maxMessages := flags.Int("max-messages", fakegleap.DefaultMaxMessages,
		"keep at most `N` messages; each one past N evicts the oldest")
	flags.Usage = helpFor(flags, mockHelp)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	if *maxMessages < 1 {
		fmt.Fprintf(std.err, "gleap mock: --max-messages must be at least 1, got %d\n", *maxMessages)
		return exitUsage
	}
	validator, err := fakegleap.NewValidator()
	if err != nil {
		fmt.Fprintln(std.err, "gleap mock:", err)
		return exitFailure
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(std.err, "gleap mock:", err)
		return exitFailure
	}
	log := &lockedWriter{w: std.err}
	handler := fakegleap.NewMock(fakegleap.NewServer(nil, fakegleap.WithMaxMessages(*maxMessages)), validator, func(err error) {
		fmt.Fprintln(log, "gleap mock: contract violation:", err)
	})
	srv := &http.Server{Handler: logRequests(handler, log)}
	timeouts.Apply(srv)
	fmt.Fprintf(std.out, "gleap mock: serving the Gleap API on http://%s/v3\n", listener.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(listener) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err = srv.Shutdown(shutdownCtx)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(log, "gleap mock:", err)
		return exitFailure
	}
	return exitOK
}

// logRequests writes one line per request to log: method, path and status, never headers or bodies.
func logRequests(next http.Handler, log io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		recorded := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorded, r)
		fmt.Fprintf(log, "gleap mock: %s %s %d\n", r.Method, r.URL.Path, recorded.status)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader notes the status for the request log.
func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// lockedWriter lets request handlers share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p whole before another Write may start.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
