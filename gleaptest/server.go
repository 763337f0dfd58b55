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

	fake *fakegleap.Server

	mu       sync.Mutex
	faults   []Fault
	requests int
}

// Option configures a Server made by NewServer.
type Option func(*config)

type config struct {
	now    func() time.Time
	faults []Fault
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

// NewServer starts a server on loopback and stops it when the test ends. Every request and answer is
// validated against openapi.yaml; a violation fails t with the reason (the request is then answered
// with 400, or 401 for missing credentials, as Gleap would).
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	validator, err := fakegleap.NewValidator()
	if err != nil {
		t.Fatalf("gleaptest: %v", err)
	}
	s := &Server{fake: fakegleap.NewServer(c.now), faults: c.faults}
	srv := httptest.NewServer(validator.Wrap(http.HandlerFunc(s.serve), func(err error) {
		t.Errorf("gleaptest: the traffic breaks openapi.yaml: %v", err)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v3"
	return s
}

// Messages returns the requests the server accepted and stored, decoded, oldest first. Requests
// answered with a fault are not among them.
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
	fault.answer(w, r, s.fake)
}

// String names the server by its URL.
func (s *Server) String() string {
	return fmt.Sprintf("gleaptest.Server(%s)", s.URL)
}
