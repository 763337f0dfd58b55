// Package gleaptest runs a stand-in for the Gleap API in your tests: a loopback server that checks every
// request your code sends against gleap-go's openapi.yaml (credentials included), stores the messages it
// accepts and answers like Gleap, with documented Message objects.
//
//	func TestNotifiesTheCustomer(t *testing.T) {
//		gleap := gleaptest.NewServer(t)
//		client, _ := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
//		notifyCustomer(client) // your code
//		require.Len(t, gleap.Messages(), 1)
//	}
//
// A request or an answer that breaks the contract fails the test with the reason. Faults (an error
// status, a Retry-After, a slow answer) can be scripted to test how your code copes.
//
// The server stays small whatever the code under test does: it keeps the newest 10,000 messages
// (WithMaxMessages), answers a request body over 1 MiB with 413 Request Entity Too Large without
// reading the rest of it, and closes a connection that takes over 30 seconds to send its request.
package gleaptest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// Server is a running stand-in for the Gleap API. It is safe for concurrent use.
type Server struct {
	// URL is the API root to pass to wrapper.WithBaseURL, such as "http://127.0.0.1:41234/v3".
	URL string

	fake         *fakegleap.Server
	writeTimeout time.Duration // for the answer that follows a Fault's Delay

	mu       sync.Mutex
	faults   []Fault
	requests int
}

// Option configures a Server made by NewServer.
type Option func(*config)

type config struct {
	now         func() time.Time
	faults      []Fault
	maxMessages int
	timeouts    fakegleap.Timeouts
}

// WithClock makes the server stamp stored messages with now instead of time.Now, for reproducible
// answers.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithFaults scripts the answers to the first requests: the first request gets faults[0], the second
// faults[1], and so on; later requests are stored and answered normally. See Server.QueueFaults.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithMaxMessages keeps at most n messages, n at least 1: each message past n evicts the oldest, so
// Messages returns the n newest. Without it a server keeps 10,000, more than a test needs and few enough
// that code posting in a loop cannot exhaust the memory.
func WithMaxMessages(n int) Option {
	return func(c *config) { c.maxMessages = n }
}

// withTimeouts replaces the connection timeouts, so that tests of them need not wait half a minute.
func withTimeouts(timeouts fakegleap.Timeouts) Option {
	return func(c *config) { c.timeouts = timeouts }
}

// NewServer starts a server on loopback and stops it when the test ends. Every request and answer is
// validated against openapi.yaml; a violation fails t with the reason (the request is then answered
// with 400, or 401 for missing credentials, as Gleap would). A request body over 1 MiB is answered 413
// before validation and is not a violation.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	c := config{maxMessages: fakegleap.DefaultMaxMessages, timeouts: fakegleap.DefaultTimeouts()}
	for _, opt := range opts {
		opt(&c)
	}
	if c.maxMessages < 1 {
		t.Fatalf("gleaptest: WithMaxMessages(%d): a server must keep at least 1 message", c.maxMessages)
	}
	validator, err := fakegleap.NewValidator()
	if err != nil {
		t.Fatalf("gleaptest: %v", err)
	}
	s := &Server{fake: fakegleap.NewServer(c.now, fakegleap.WithMaxMessages(c.maxMessages)), writeTimeout: c.timeouts.Write, faults: c.faults}
	validated := validator.Wrap(http.HandlerFunc(s.serve), func(err error) {
		t.Errorf("gleaptest: the traffic breaks openapi.yaml: %v", err)
	})
	srv := httptest.NewUnstartedServer(fakegleap.LimitRequestBodies(validated))
	c.timeouts.Apply(srv.Config)
	srv.Start()
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v3"
	return s
}

// Messages returns the requests the server accepted and still keeps (see WithMaxMessages), decoded,
// oldest first. Requests answered with a fault are not among them.
func (s *Server) Messages() []api.CreateMessageRequest {
	return s.fake.Messages()
}

// Requests returns how many valid requests reached the server, faulted ones included: with
// Messages, it shows how often a client retried.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// QueueFaults scripts the answers to the next requests, after any faults still queued.
func (s *Server) QueueFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	var fault *Fault
	if len(s.faults) > 0 {
		fault = &s.faults[0]
		s.faults = s.faults[1:]
	}
	s.mu.Unlock()
	if fault == nil {
		s.fake.ServeHTTP(w, r)
		return
	}
	fault.answer(w, r, s.fake, s.writeTimeout)
}

// String names the server by its URL.
func (s *Server) String() string {
	return fmt.Sprintf("gleaptest.Server(%s)", s.URL)
}
