package gleaptest

import (
	"fmt"
	"time"
)

// Option configures a Server made by Start or NewServer.
type Option func(*config)

type config struct {
	addr             string
	now              func() time.Time
	faults           []Fault
	maxMessages      int
	requestLog       func(Request)
	uncheckedTraffic bool
	timeouts         timeouts
	reportViolation  func(error)
	requestSpecs     []namedSpec
	rateLimit        rateLimit
	mounts           []mount
	recurringFaults  []recurringFault
	requiredKey      string
	requireKey       bool // WithRequiredKey was given, even with an empty key
	webhook          webhookConfig
}

// namedSpec is a document given to WithRequestsCheckedAgainst.
type namedSpec struct {
	name string
	spec []byte
}

// newConfig applies opts, in order, over the defaults and checks the result.
func newConfig(opts []Option) (config, error) {
	c := config{addr: "127.0.0.1:0", now: time.Now, maxMessages: DefaultMaxMessages, timeouts: defaultTimeouts()}
	for _, opt := range opts {
		opt(&c)
	}
	if c.maxMessages < 1 {
		return c, fmt.Errorf("gleaptest: WithMaxMessages(%d): a server must keep at least 1 message", c.maxMessages)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rateLimit.requests < 0 || c.rateLimit.requests > 0 && c.rateLimit.period <= 0 {
		return c, fmt.Errorf("gleaptest: WithRateLimit(%d, %v): want a positive period, or 0 requests for no limit", c.rateLimit.requests, c.rateLimit.period)
	}
	for _, recurring := range c.recurringFaults {
		if recurring.every < 1 {
			return c, fmt.Errorf("gleaptest: WithFaultEvery(%d, ...): want a request count of at least 1", recurring.every)
		}
	}
	if c.requireKey && c.requiredKey == "" {
		return c, fmt.Errorf("gleaptest: WithRequiredKey: the key is empty")
	}
	return c, nil
}

// WithAddr makes the server listen on addr, such as "127.0.0.1:4010", instead of a free port on
// 127.0.0.1. Port 0 picks a free port; Server.URL tells which. Requests may name the server by addr's
// host as well as by an IP address or localhost (see Start).
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithClock makes the server stamp the messages it stores and changes with now instead of time.Now, for
// reproducible answers. The rate limit of WithRateLimit counts by it too: with a clock that never moves,
// a project past its limit stays past it.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithFaults scripts the answers to the first requests to the API: the first gets faults[0], the second
// faults[1], and so on; later requests are answered normally. A request that breaks the contract gets no
// fault. See Server.QueueFaults.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithFaultEvery answers every nth request to the API with fault, n at least 1: the nth, the 2nth, and
// so on, for as long as the server runs. Only requests that can get a fault are counted: not the ones
// that break the contract (see WithFaults), nor the ones answered 401 for another key (WithRequiredKey)
// or 429 past the rate limit (WithRateLimit). A request answered with a fault of WithFaults or
// QueueFaults is counted too, and gets that fault rather than this one. Given several times, the first
// option whose turn it is answers the request. `gleap mock --fault STATUS@N` uses it.
func WithFaultEvery(n int, fault Fault) Option {
	return func(c *config) { c.recurringFaults = append(c.recurringFaults, recurringFault{every: n, fault: fault}) }
}

// WithMaxMessages keeps at most n messages, n at least 1: each message past n evicts the oldest, so
// Messages returns the n newest. The records of Server.Requests are kept the same way. Without it a
// server keeps DefaultMaxMessages (10,000).
func WithMaxMessages(n int) Option {
	return func(c *config) { c.maxMessages = n }
}

// WithRequestLog calls log once for every request, after it was answered, with its record (see
// Server.Requests): to log the traffic, or to report violations in a program. Requests are served
// concurrently, so log may be called from several goroutines at once. `gleap mock` writes its request
// lines with it.
func WithRequestLog(log func(Request)) Option {
	return func(c *config) { c.requestLog = log }
}

// WithoutContractChecks turns the validation against openapi.yaml off: requests are still recorded,
// stored and answered, but neither they nor the answers are checked, and credentials are not required.
// It is for benchmarks that measure the client rather than the validator. It leaves the documents of
// WithRequestsCheckedAgainst on: with both, requests are checked against those documents only.
func WithoutContractChecks() Option {
	return func(c *config) { c.uncheckedTraffic = true }
}

// WithRequestsCheckedAgainst checks every request against spec too, a second OpenAPI 3.0 document (YAML
// or JSON) called name, such as Gleap's own published document: a client that satisfies openapi.yaml
// may still send what a server built from another description of the API refuses. Only requests are
// checked, after openapi.yaml's check: third-party documents often leave the answers untyped.
//
// A request that breaks spec is refused (400, 401 for missing credentials, 404 for a route spec does
// not have), recorded and reported like one that breaks openapi.yaml, with a violation that starts with
// name. As in openapi.yaml, only spec's path below its server URL counts (https://api.gleap.io/v3 is
// /v3), and a request outside that path (such as one to Gleap's admin routes, beside /v3) is not spec's
// to check; any well-formed credentials are accepted, a required project header parameter is checked as
// a credential, and a path parameter spec leaves undeclared is taken as a string. Start fails when spec
// is not a valid document.
//
// The option may be given several times, for documents that each describe some of the routes, such as
// Gleap's published documents of messages, of tickets and of sessions: each request is then checked
// against every one of them that has its route, in the order given, and refused with 404 only when none
// has it (of those whose server URL's path it is under).
func WithRequestsCheckedAgainst(name string, spec []byte) Option {
	spec = append([]byte(nil), spec...)
	return func(c *config) { c.requestSpecs = append(c.requestSpecs, namedSpec{name: name, spec: spec}) }
}

// withTimeouts replaces the connection timeouts, so that tests of them need not wait half a minute.
func withTimeouts(t timeouts) Option {
	return func(c *config) { c.timeouts = t }
}

// withViolationReport has report called with every contract violation, before the offending request
// is answered, so that a test sees the failure as soon as its client sees the answer.
func withViolationReport(report func(error)) Option {
	return func(c *config) { c.reportViolation = report }
}
