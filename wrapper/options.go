package wrapper

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Option configures a Client when given to New, or one call when given to a method such as
// Messages.Create; a call's options apply after the client's and only to that call. Options are applied in
// order, so a later one wins.
//
//	client, err := wrapper.New(key, project, wrapper.WithMaxRetries(5))
//	msg, err := client.Messages.Create(ctx, req, wrapper.WithTimeout(5*time.Second), wrapper.WithMaxRetries(0))
type Option func(*settings) error

// settings is what the options configure, for a client or for one call. It never holds the API key.
type settings struct {
	// server is the API root with a trailing slash, as the generated request builders want it.
	server string
	// project is the id of the project the client acts on, as given to New; no option changes it.
	project      string
	insecureHTTP bool
	// httpClient is the caller's (or the default) client, already made to follow no redirect.
	httpClient *http.Client
	userAgent  string
	// headers are the extra headers of WithHeader; copied before a change, as a call's settings share the
	// client's map.
	headers http.Header
	retry   RetryPolicy
	timeout time.Duration
	// timeoutSet: WithTimeout was given, so timeout applies even when the context has a deadline.
	timeoutSet bool
	// maxResponseBytes is int64 to compare with http.Response.ContentLength without conversions.
	maxResponseBytes int64
	logger           *slog.Logger
	// responseInto, when set, receives the raw answer of the call (WithResponseInto).
	responseInto *Response
	// rateLimit paces the client (WithRateLimit); a client's, never a call's.
	rateLimit rateLimit
	// sleep waits between attempts and for the rate limit, and now tells the time; tests replace them to
	// see the pauses without spending them.
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

// Defaults of a client made by New without options.
const (
	// DefaultTimeout limits each attempt of a call (sending the request and reading the answer) when
	// neither the client nor the call was given WithTimeout and the context has no deadline.
	DefaultTimeout          = 30 * time.Second
	defaultMaxResponseBytes = 4 << 20 // a stored message is a few KiB
)

func defaultSettings() settings {
	return settings{
		server:           DefaultBaseURL + "/",
		httpClient:       guardRedirects(defaultHTTPClient()),
		userAgent:        defaultUserAgent,
		retry:            DefaultRetryPolicy(),
		timeout:          DefaultTimeout,
		maxResponseBytes: defaultMaxResponseBytes,
		rateLimit:        rateLimit{requests: DefaultRateLimitRequests, period: DefaultRateLimitPeriod},
		sleep:            sleep,
		now:              time.Now,
	}
}

// apply applies opts to a copy of s and checks the result.
func (s settings) apply(opts []Option) (settings, error) {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
			return s, err
		}
	}
	return s, s.checkBaseURLScheme()
}

// checkBaseURLScheme refuses to send the API key unencrypted to anything but this machine, unless the
// caller opted in with WithInsecureHTTP: plain http:// only to a loopback host, and not through a proxy.
// It runs after all options, so their order does not matter.
func (s *settings) checkBaseURLScheme() error {
	parsed, err := url.Parse(s.server)
	switch {
	case err != nil || parsed.Scheme != "http" || s.insecureHTTP:
		return nil
	case !isLoopback(parsed.Hostname()):
		return &ValidationError{Field: "baseURL", Problem: "uses http:// on a host other than loopback, which would send the API key unencrypted; use https:// or opt in with WithInsecureHTTP"}
	case s.proxies(parsed):
		return &ValidationError{Field: "httpClient", Problem: "sends plain http:// requests to loopback through a proxy, which would see the API key unencrypted; use a transport without a proxy for loopback, or opt in with WithInsecureHTTP"}
	}
	return nil
}

// proxies reports whether the HTTP client's transport would send a request for target through a proxy.
// Only an *http.Transport says; another RoundTripper is taken at its word.
func (s *settings) proxies(target *url.URL) bool {
	transport := s.httpClient.Transport
	if transport == nil {
		transport = http.DefaultTransport
	}
	httpTransport, ok := transport.(*http.Transport)
	if !ok || httpTransport.Proxy == nil {
		return false
	}
	proxy, err := httpTransport.Proxy(&http.Request{Method: http.MethodPost, URL: target, Header: http.Header{}})
	return err != nil || proxy != nil
}

// isLoopback reports whether host names this machine: "localhost" or a loopback IP address. It decides as
// http.ProxyFromEnvironment does, which sends every other host to the proxy: a host that passes here never
// goes through one, so a plain-http key cannot reach a proxy. WithBaseURL lowers the case of the host, so
// "LOCALHOST" counts too.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithBaseURL points the client at another Gleap API root, such as a regional deployment or a local test
// server. The URL must be absolute and include the version path, as in "https://api.gleap.io/v3"; it must
// not carry credentials, a query or a fragment (not even an empty "?" or "#", which would cut the version
// path off every request). Plain http:// is accepted for loopback hosts (localhost, 127.0.0.0/8, ::1) only,
// unless WithInsecureHTTP is given too. The host is used in lower case.
func WithBaseURL(baseURL string) Option {
	return func(s *settings) error {
		parsed, err := url.Parse(baseURL)
		switch {
		case err != nil:
			return &ValidationError{Field: "baseURL", Problem: "is not a URL"}
		case parsed.Scheme != "https" && parsed.Scheme != "http":
			return &ValidationError{Field: "baseURL", Problem: "must start with https:// or http://"}
		case parsed.Host == "":
			return &ValidationError{Field: "baseURL", Problem: "must name a host"}
		case parsed.User != nil:
			return &ValidationError{Field: "baseURL", Problem: "must not hold credentials; the API key is passed to New"}
		case strings.ContainsAny(baseURL, "?#"):
			return &ValidationError{Field: "baseURL", Problem: "must not have a query or a fragment"}
		}
		// Host names are case-insensitive, but the proxy decision compares "localhost" exactly.
		parsed.Host = strings.ToLower(parsed.Host)
		s.server = strings.TrimSuffix(parsed.String(), "/") + "/"
		return nil
	}
}

// WithHTTPClient makes the client send its requests through httpClient, for a custom transport, proxy,
// TLS set-up or instrumentation. The client uses a copy of it that follows no redirect, whatever its
// CheckRedirect says, so that the API key only ever goes to the base URL.
func WithHTTPClient(httpClient *http.Client) Option {
	return func(s *settings) error {
		if httpClient == nil {
			return &ValidationError{Field: "httpClient", Problem: "must not be nil"}
		}
		s.httpClient = guardRedirects(httpClient)
		return nil
	}
}

// WithUserAgent names the application in the User-Agent header. It is put before the library's own
// token, as in "billing-service/2.1 gleap-go/0.1.0", so Gleap can tell both apart.
func WithUserAgent(userAgent string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(userAgent) == "" {
			return &ValidationError{Field: "userAgent", Problem: "must not be empty"}
		}
		if !asciiFrom(userAgent, ' ') {
			return &ValidationError{Field: "userAgent", Problem: "must hold only printable ASCII characters (no line breaks or control characters)"}
		}
		s.userAgent = userAgent + " " + defaultUserAgent
		return nil
	}
}

// headersSetByTheClient cannot be given with WithHeader: the client sets them itself, and the first two
// carry the credentials given to New.
var headersSetByTheClient = []string{"Authorization", "Project", apiTokenHeader, "Content-Type", "Content-Length", "Host", "User-Agent"}

// WithHeader adds a header to the requests, such as a tracing header. The headers the client sets itself
// (Authorization, project, Api-Token, Content-Type, Content-Length, Host, User-Agent) are refused: the credentials
// come from New and the application's name from WithUserAgent.
func WithHeader(name, value string) Option {
	return func(s *settings) error {
		switch {
		case !httpguts.ValidHeaderFieldName(name):
			return &ValidationError{Field: "header name", Problem: "is not a valid HTTP header name"}
		case !httpguts.ValidHeaderFieldValue(value):
			return &ValidationError{Field: "header " + name, Problem: "must not hold line breaks or control characters"}
		}
		for _, reserved := range headersSetByTheClient {
			if strings.EqualFold(name, reserved) {
				return &ValidationError{Field: "header " + name, Problem: "is set by the client itself"}
			}
		}
		s.headers = s.headers.Clone()
		if s.headers == nil {
			s.headers = make(http.Header)
		}
		s.headers.Set(name, value)
		return nil
	}
}

// WithInsecureHTTP allows a plain http:// base URL on a host other than loopback. The API key then
// travels unencrypted, readable by anyone on the path: use it only inside a trusted network, such as a
// test cluster behind a proxy that adds TLS.
func WithInsecureHTTP() Option {
	return func(s *settings) error {
		s.insecureHTTP = true
		return nil
	}
}

// WithMaxRetries sets how many times a failed call may be retried, keeping the rest of the retry
// policy; 0 turns retrying off. See RetryPolicy for what is retried. Without retries, a 429 still
// pauses the client: the calls after it, this call's goroutine's included, wait for its Retry-After (at
// most the policy's MaxRetryAfter) before they send.
func WithMaxRetries(maxRetries int) Option {
	return func(s *settings) error {
		policy := s.retry
		policy.MaxRetries = maxRetries
		if err := policy.check(); err != nil {
			return err
		}
		s.retry = policy
		return nil
	}
}

// WithRetryPolicy replaces the whole retry policy. Start from DefaultRetryPolicy and change what you
// need.
func WithRetryPolicy(policy RetryPolicy) Option {
	return func(s *settings) error {
		if err := policy.check(); err != nil {
			return err
		}
		s.retry = policy
		return nil
	}
}

// WithTimeout limits each attempt of a call (sending the request and reading the answer) to timeout,
// whatever deadline the context has; the context's own deadline still wins when it is earlier. Without
// it, an attempt gets DefaultTimeout (30 seconds) unless the context has a deadline. 0 removes the limit, leaving only the
// context's. A timeout after the request was sent has an unknown outcome (see ErrOutcomeUnknown).
func WithTimeout(timeout time.Duration) Option {
	return func(s *settings) error {
		if timeout < 0 {
			return &ValidationError{Field: "timeout", Problem: "must not be negative"}
		}
		s.timeout, s.timeoutSet = timeout, true
		return nil
	}
}

// maxMaxResponseBytes bounds WithMaxResponseBytes: an answer is held in memory whole.
const maxMaxResponseBytes = 1 << 30

// WithMaxResponseBytes sets the largest success answer the client reads, at most 1 GiB; a larger one is
// refused without being read whole, with an error wrapping ErrInvalidResponse. The default is 4 MiB.
func WithMaxResponseBytes(maxBytes int64) Option {
	return func(s *settings) error {
		if maxBytes <= 0 || maxBytes > maxMaxResponseBytes {
			return &ValidationError{Field: "maxResponseBytes", Problem: "must be between 1 and 1 GiB"}
		}
		s.maxResponseBytes = maxBytes
		return nil
	}
}

// WithLogger makes the client log one line per attempt to logger: method, path, status, attempt number,
// duration and, for a failed attempt, the kind of failure and whether the outcome is unknown. Headers,
// bodies and error texts are never logged, so neither is the API key nor the message, whatever the server
// sends back. Successful attempts log at Info, failed ones at Warn.
func WithLogger(logger *slog.Logger) Option {
	return func(s *settings) error {
		if logger == nil {
			return &ValidationError{Field: "logger", Problem: "must not be nil"}
		}
		s.logger = logger
		return nil
	}
}

// WithResponseInto fills response with the raw answer to the call it is given to: the status, the
// headers (for a request id), the body as the server sent it, including fields the types do not
// declare, and the number of attempts. It is filled in when the call returns, also when it failed after
// an answer. It is an option of one call: New refuses it.
func WithResponseInto(response *Response) Option {
	return func(s *settings) error {
		if response == nil {
			return &ValidationError{Field: "responseInto", Problem: "must not be nil"}
		}
		s.responseInto = response
		return nil
	}
}
