package wrapper

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// progress records, from the transport's httptrace events, how far one request got. It is what lets
// the client tell "never reached the server" (safe to send again) from "may have been acted on".
type progress struct {
	// started: the transport reports its progress (net/http's does; a custom RoundTripper may not).
	started atomic.Bool
	// wroteHeaders: the transport began putting the request on the wire.
	wroteHeaders atomic.Bool
}

func (p *progress) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:      func(string) { p.started.Store(true) },
		WroteHeaders: func() { p.wroteHeaders.Store(true) },
	}
}

// neverSent reports whether the request that failed with err provably did not reach the server. With a
// transport that reports its progress, that is any failure before it wrote the headers (the server
// cannot act on a request it has not seen). Without one, only errors that can only happen before
// sending count: DNS, dial and TLS handshake failures.
func (p *progress) neverSent(err error) bool {
	if p.wroteHeaders.Load() {
		return false
	}
	if p.started.Load() {
		return true
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	// Not tls.RecordHeaderError: crypto/tls also raises it for a bad record in the answer, after the
	// server had the whole request.
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) && opErr.Op == "dial" || errors.As(err, &certErr)
}

// attempt sends e's request once and reads the answer into into (when not nil), noting the answer in
// last. A nil failure means success.
func (c *engine) attempt(ctx context.Context, s *settings, e endpoint, into any, last *Response) (f *failure) {
	attemptCtx := ctx
	if s.timeout > 0 && (s.timeoutSet || !hasDeadline(ctx)) {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	var sent progress
	attemptCtx = httptrace.WithClientTrace(attemptCtx, sent.trace())

	start := time.Now()
	last.StatusCode, last.Header, last.Body = 0, nil, nil
	defer func() { s.logAttempt(ctx, e, last, time.Since(start), f) }()

	req, err := c.newRequest(attemptCtx, s, e)
	if err != nil {
		return &failure{err: err}
	}
	resp, err := s.httpClient.Do(req)
	if err != nil {
		neverSent := sent.neverSent(err)
		return &failure{err: err, safeToRetry: neverSent, mayExist: !neverSent}
	}
	defer resp.Body.Close()
	last.StatusCode, last.Header = resp.StatusCode, resp.Header
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiFailure(resp, last)
	}
	if err := s.readAnswer(resp, into, last); err != nil {
		// The call took effect; only the answer is unusable, so this is never retried.
		if !e.idempotent {
			err = fmt.Errorf("%w; the server answered %d, so what the call created may exist: do not send it again", err, resp.StatusCode)
		}
		return &failure{err: err}
	}
	return nil
}

// newRequest builds e's request for one attempt: the generated builder's request with the credentials
// of e's route, the User-Agent and the extra headers, unable to be replayed by net/http.
func (c *engine) newRequest(ctx context.Context, s *settings, e endpoint) (*http.Request, error) {
	server, authorize := s.server, c.authorize
	if e.admin {
		server, authorize = adminRoot(server), c.authorizeAdmin
	}
	req, err := e.newRequest(server)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	req = req.WithContext(ctx)
	for name, values := range s.headers {
		req.Header[name] = values
	}
	req.Header.Set("User-Agent", s.userAgent)
	if err := authorize(ctx, req); err != nil {
		return nil, err
	}
	// Without GetBody net/http cannot rewind the body, so neither its HTTP/2 transport, which replays a
	// request after a stream reset or a GOAWAY even when the server had it whole, nor a 307 or 308
	// redirect can put a second copy on the wire. Whether to send again is only the client's decision,
	// made on what it observed.
	req.GetBody = nil
	return req, nil
}

// apiFailure reads a non-2xx answer into an *APIError, keeping at most maxErrorBodyBytes of it, with the
// API key taken out of everything the server wrote.
func (c *engine) apiFailure(resp *http.Response, last *Response) *failure {
	// A 101's body is the connection itself, which a hostile server may hold open: it is not read.
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, int64(maxErrorBodyBytes+c.redact.reach)))
		last.Body = []byte(c.redact.cut(string(c.redact.body(body)), maxErrorBodyBytes))
	}
	apiErr := &APIError{
		StatusCode: resp.StatusCode,
		Message:    serverMessage(last.Body),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Body:       last.Body,
	}
	return &failure{
		err:         apiErr,
		safeToRetry: resp.StatusCode == http.StatusTooManyRequests,
		// Only a 4xx says the request was refused. A 5xx may come after the message was stored, and a
		// final 1xx or 3xx answers a request the server had whole: a 303 usually means it was processed.
		mayExist: resp.StatusCode < 400 || resp.StatusCode >= 500,
	}
}

// readAnswer reads a 2xx answer, at most s.maxResponseBytes of it, into last.Body and decodes it into
// into, unless into is nil.
func (s *settings) readAnswer(resp *http.Response, into any, last *Response) error {
	if resp.ContentLength > s.maxResponseBytes {
		return fmt.Errorf("%w: the answer is %d bytes, more than the %d accepted", ErrInvalidResponse, resp.ContentLength, s.maxResponseBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxResponseBytes+1))
	if err != nil {
		return fmt.Errorf("%w: reading the answer: %w", ErrInvalidResponse, err)
	}
	if int64(len(body)) > s.maxResponseBytes {
		return fmt.Errorf("%w: the answer is larger than the %d bytes accepted", ErrInvalidResponse, s.maxResponseBytes)
	}
	last.Body = body
	if into == nil {
		return nil
	}
	if err := checkKind(body, into); err != nil {
		return err
	}
	if err := json.Unmarshal(body, into); err != nil {
		return fmt.Errorf("%w: the answer cannot be decoded: %w", ErrInvalidResponse, err)
	}
	return nil
}

// logAttempt writes one line per attempt to the logger set with WithLogger. It holds only what the client
// itself knows (the status, the attempt, the duration and the kind of failure), never headers, bodies or
// an error's text, which the server or the transport may have filled with the key or a customer's words.
func (s *settings) logAttempt(ctx context.Context, e endpoint, last *Response, took time.Duration, f *failure) {
	if s.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", e.method),
		slog.String("path", e.path),
		slog.Int("status", last.StatusCode),
		slog.Int("attempt", last.Attempts),
		slog.Duration("duration", took),
	}
	level := slog.LevelInfo
	if f != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("failure", failureKind(f.err)), slog.Bool("outcome_unknown", f.mayExist))
	}
	s.logger.LogAttrs(ctx, level, "gleap request", attrs...)
}

// failureKind names what went wrong in an attempt in words of the client's own: "status" (a non-2xx
// answer), "invalid response", "invalid request", "timeout", "canceled" or "network".
func failureKind(err error) string {
	var apiErr *APIError
	var invalid *ValidationError
	var netErr net.Error
	switch {
	case errors.As(err, &apiErr):
		return "status"
	case errors.Is(err, ErrInvalidResponse):
		return "invalid response"
	case errors.As(err, &invalid):
		return "invalid request"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return "network"
	}
}
