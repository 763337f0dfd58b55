package gleaptest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Server is a running stand-in for the Gleap API. It is safe for concurrent use.
type Server struct {
	// URL is the API root to pass to wrapper.WithBaseURL, such as "http://127.0.0.1:41234/v3". Every
	// route under it is one of Gleap's, served as Gleap serves it: GET URL+"/messages", with credentials,
	// lists the stored messages.
	URL string

	validator       *validator // nil with WithoutContractChecks
	limiter         *limiter   // nil without WithRateLimit
	requestSpecs    []requestSpec
	store           *store
	tickets         *ticketStore
	contacts        *contacts
	companies       *companies
	records         records
	timeouts        timeouts
	requestLog      func(Request)
	reportViolation func(error)
	withInbox       bool          // WithInbox: the inbox is served at the root
	boundHost       string        // the host of WithAddr, as canonicalHost gives it: requests may name it
	eventStreams    chan struct{} // one token per live-update stream of the inbox open now

	http      *http.Server
	fresh     freshConns
	served    chan struct{} // closed once the server accepts no more connections
	closing   chan struct{} // closed when Close starts: delayed requests are hung up on
	closeOnce sync.Once

	requiredKey     *keyDigest // nil without WithRequiredKey
	recurringFaults []recurringFault

	mu        sync.Mutex
	faults    []Fault
	faultable uint64         // the requests that could get a fault so far: WithFaultEvery counts them
	closed    bool           // set once Close has stopped the server: no request is served after it
	handlers  sync.WaitGroup // the requests being served
}

// shutdownGrace bounds how long Close waits for the requests in flight before it cuts them off.
const shutdownGrace = 5 * time.Second

// Start runs a server on a free port on 127.0.0.1 (or where WithAddr says) without needing a
// testing.TB: for Examples, benchmarks and `gleap mock`. The caller must Close it. Contract violations
// are answered as Gleap would refuse them and recorded in Requests; WithRequestLog reports them as they
// happen.
//
// The server answers only requests that name it by an IP address, localhost (with any port) or the host
// given to WithAddr; any other Host is answered 403. A web page in a browser on the same machine could
// otherwise read the stored messages by rebinding its own name to 127.0.0.1 (DNS rebinding), and every
// client of a test server names it by its URL anyway.
func Start(opts ...Option) (*Server, error) {
	s, addr, err := configure(opts)
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gleaptest: %w", err)
	}
	s.start(listener)
	return s, nil
}

// NewServer is Start for tests: it fails t if the server cannot start, closes the server when the test
// ends, and fails t with the reason for every request or answer that breaks openapi.yaml, or a request
// that breaks a document of WithRequestsCheckedAgainst (the request is then answered with 400, 401 for
// missing credentials or 404 for an unknown route, as Gleap would). A request body over 1 MiB is
// answered 413 before validation and is not a violation.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	report := withViolationReport(func(err error) {
		var other *specViolation
		if errors.As(err, &other) {
			t.Errorf("gleaptest: the request breaks %v", err)
			return
		}
		t.Errorf("gleaptest: the traffic breaks openapi.yaml: %v", err)
	})
	s, err := Start(append(opts[:len(opts):len(opts)], report)...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// configure makes the server opts describe, not yet serving, and returns the address it is to listen on.
func configure(opts []Option) (*Server, string, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, "", err
	}
	messages := newStore(c.now, c.maxMessages)
	s := &Server{
		store:           messages,
		tickets:         newTicketStore(c.now, messages),
		contacts:        newContacts(c.now, c.maxMessages),
		companies:       newCompanies(c.now, c.maxMessages),
		limiter:         newLimiter(c.rateLimit, c.now),
		records:         records{max: c.maxMessages, maxBytes: maxRecordedBytes},
		timeouts:        c.timeouts,
		requestLog:      c.requestLog,
		reportViolation: c.reportViolation,
		served:          make(chan struct{}),
		closing:         make(chan struct{}),
		eventStreams:    make(chan struct{}, maxInboxEventStreams),
		faults:          c.faults,
		recurringFaults: c.recurringFaults,
	}
	if c.requireKey {
		digest := keyDigest(sha256.Sum256([]byte(c.requiredKey)))
		s.requiredKey = &digest
	}
	if !c.uncheckedTraffic {
		if s.validator, err = loadValidator(); err != nil {
			return nil, "", fmt.Errorf("gleaptest: %w", err)
		}
	}
	for _, named := range c.requestSpecs {
		joined, err := joinDocuments(named.spec, named.more)
		if err != nil {
			return nil, "", fmt.Errorf("gleaptest: WithRequestsCheckedAgainst(%q): %w", named.name, err)
		}
		spec, err := newRequestSpec(named.name, joined)
		if err != nil {
			return nil, "", fmt.Errorf("gleaptest: WithRequestsCheckedAgainst(%q): %w", named.name, err)
		}
		s.requestSpecs = append(s.requestSpecs, spec)
	}
	s.withInbox = c.inbox
	s.boundHost = canonicalHost(c.addr)
	return s, c.addr, nil
}

// start serves on listener.
func (s *Server) start(listener net.Listener) {
	s.URL = "http://" + listener.Addr().String() + apiRoot
	s.http = &http.Server{Handler: s.rootHandler(s.withInbox), ConnState: s.fresh.track,
		MaxHeaderBytes: maxRequestHeaderBytes - netHTTPHeaderSlack}
	s.timeouts.apply(s.http)
	s.http.RegisterOnShutdown(s.fresh.closeAll)
	go func() {
		defer close(s.served)
		_ = s.http.Serve(listener) // http.ErrServerClosed, once Close has begun
	}()
}

// Close stops the server. It stops accepting connections, hangs up on the requests held back by a
// Fault's Delay, and waits up to 5 seconds for the other requests in flight to be answered before it
// closes every connection; then it waits for the Fault handlers still running. Calling it again does
// nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			_ = s.http.Close()
		}
		<-s.served
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.handlers.Wait()
	})
}

// enter counts a request in, unless the server is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// String names the server by its URL.
func (s *Server) String() string {
	return fmt.Sprintf("gleaptest.Server(%s)", s.URL)
}

// freshConns tracks the connections that have not sent a request yet. Shutdown would wait 5 seconds for
// such a connection, which a client may have dialed ahead and never use; Close closes them instead.
type freshConns struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// track follows conn into state; it is the server's ConnState hook.
func (f *freshConns) track(conn net.Conn, state http.ConnState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if state != http.StateNew {
		delete(f.conns, conn)
		return
	}
	if f.conns == nil {
		f.conns = make(map[net.Conn]struct{})
	}
	f.conns[conn] = struct{}{}
}

// closeAll closes every connection that has not sent a request yet.
func (f *freshConns) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for conn := range f.conns {
		_ = conn.Close()
	}
}
