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

	"github.com/gleap-community/gleap-go/internal/contract"
	"github.com/gleap-community/gleap-go/internal/hostcheck"
)

// Server is a running stand-in for the Gleap API. It is safe for concurrent use.
type Server struct {
	// URL is the API root to pass to wrapper.WithBaseURL, such as "http://127.0.0.1:41234/v3". Every
	// route under it is one of Gleap's, served as Gleap serves it: GET URL+"/messages", with credentials,
	// lists the stored messages.
	URL string

	contract        *contract.Document // openapi.yaml; nil with WithoutContractChecks
	limiter         *limiter           // nil without WithRateLimit
	published       contract.Documents // the documents of WithRequestsCheckedAgainst
	store           *store
	tickets         *ticketStore
	contacts        *contacts
	companies       *companies
	records         records
	timeouts        timeouts
	requestLog      func(Request)
	reportViolation func(error)
	mounts          []mount // WithHandler's, in the order given
	boundHost       string  // the host of WithAddr, as hostcheck.Canonical gives it: requests may name it

	http   *http.Server
	fresh  freshConns
	served chan struct{} // closed once the server accepts no more connections
	done   chan struct{} // closed once Close has stopped the server (Done)
	// requests is the context every request's derives from: Close ends it as it starts, so that what
	// waits on a request's context (a Fault's Delay, a WithHandler page's stream) stops waiting.
	requests    context.Context
	endRequests context.CancelFunc
	closeOnce   sync.Once

	requiredKey     *keyDigest     // nil without WithRequiredKey
	webhooks        *webhookPoster // nil without WithWebhook
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
		var broken *contract.Violation
		if errors.As(err, &broken) && broken.Published {
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
	messages, contacts := newStore(c.now, c.maxMessages), newContacts(c.now, c.maxMessages)
	s := &Server{
		store:           messages,
		tickets:         newTicketStore(c.now, messages, contacts),
		contacts:        contacts,
		companies:       newCompanies(c.now, c.maxMessages),
		limiter:         newLimiter(c.rateLimit, c.now),
		records:         records{max: c.maxMessages, maxBytes: maxRecordedBytes},
		timeouts:        c.timeouts,
		requestLog:      c.requestLog,
		reportViolation: c.reportViolation,
		served:          make(chan struct{}),
		done:            make(chan struct{}),
		faults:          c.faults,
		recurringFaults: c.recurringFaults,
	}
	if c.requireKey {
		digest := keyDigest(sha256.Sum256([]byte(c.requiredKey)))
		s.requiredKey = &digest
	}
	if !c.uncheckedTraffic {
		if s.contract, err = contract.Ours(); err != nil {
			return nil, "", fmt.Errorf("gleaptest: %w", err)
		}
	}
	for _, named := range c.requestSpecs {
		doc, err := contract.Published(named.name, named.spec)
		if err != nil {
			return nil, "", fmt.Errorf("gleaptest: WithRequestsCheckedAgainst(%q): %w", named.name, err)
		}
		s.published = append(s.published, doc)
	}
	if s.webhooks, err = newWebhookPoster(c.webhook, &s.records.changes); err != nil {
		return nil, "", err
	}
	s.mounts = c.mounts
	s.requests, s.endRequests = context.WithCancel(context.Background())
	s.boundHost = hostcheck.Canonical(c.addr)
	return s, c.addr, nil
}

// start serves on listener.
func (s *Server) start(listener net.Listener) {
	s.URL = "http://" + listener.Addr().String() + apiRoot
	s.http = &http.Server{Handler: s.rootHandler(), ConnState: s.fresh.track,
		MaxHeaderBytes: maxRequestHeaderBytes - netHTTPHeaderSlack,
		BaseContext:    func(net.Listener) context.Context { return s.requests }}
	s.timeouts.apply(s.http)
	s.http.RegisterOnShutdown(s.fresh.closeAll)
	s.webhooks.start()
	go func() {
		defer close(s.served)
		_ = s.http.Serve(listener) // http.ErrServerClosed, once Close has begun
	}()
}

// Close stops the server. It stops accepting connections, ends the context of every request in flight
// (a Fault's Handler or a page of WithHandler sees it), hangs up on the requests held back by a Fault's
// Delay, and waits up to 5 seconds for the other requests in flight to be answered before it closes
// every connection; then it waits for the Fault handlers still running, and up to 5 seconds for a
// webhook being posted (WithWebhook); then it closes the channels of Changed and Done, so that a view
// that follows the server ends. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.endRequests()
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
		s.webhooks.close() // after the requests: none of them queues a webhook any more
		s.records.changes.close()
		close(s.done)
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
