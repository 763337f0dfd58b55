package wrapper

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/gleap-community/gleap-go/api"
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
	var recordErr tls.RecordHeaderError
	return errors.As(err, &dnsErr) || errors.As(err, &opErr) && opErr.Op == "dial" ||
		errors.As(err, &certErr) || errors.As(err, &recordErr)
}

// attempt sends body once and reads the answer. A nil failure means message is the stored message.
func (c *Client) attempt(ctx context.Context, body []byte, number int) (message *api.Message, f *failure) {
	attemptCtx := ctx
	if c.timeout > 0 && (c.timeoutSet || !hasDeadline(ctx)) {
		var cancel context.CancelFunc
		attemptCtx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var sent progress
	attemptCtx = httptrace.WithClientTrace(attemptCtx, sent.trace())

	start := time.Now()
	status := 0
	defer func() { c.logAttempt(ctx, number, status, time.Since(start), f) }()

	resp, err := c.raw.CreateMessageWithBody(attemptCtx, "application/json", bytes.NewReader(body), forbidReplay)
	if err != nil {
		neverSent := sent.neverSent(err)
		return nil, &failure{err: err, safeToRetry: neverSent, mayExist: !neverSent}
	}
	defer resp.Body.Close()
	status = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.apiFailure(resp)
	}
	message, err = c.readMessage(resp)
	if err != nil {
		// The message exists; only the answer is unusable, so this is never retried.
		return nil, &failure{err: err}
	}
	return message, nil
}

// forbidReplay takes away net/http's means to send a request again by itself. Without GetBody it cannot
// rewind the body, so neither its HTTP/2 transport, which replays a request after a stream reset or a
// GOAWAY even when the server had it whole, nor a 307 or 308 redirect can put a second copy on the wire.
// Whether a message is sent again is then only the client's own decision, made on what it observed.
func forbidReplay(_ context.Context, req *http.Request) error {
	req.GetBody = nil
	return nil
}

func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}

// apiFailure reads a non-2xx answer into an *APIError, keeping at most maxErrorBodyBytes of it, with the
// API key taken out of everything the server wrote.
func (c *Client) apiFailure(resp *http.Response) *failure {
	var body []byte
	// A 101's body is the connection itself, which a hostile server may hold open: it is not read.
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
		body = []byte(c.redact(string(body)))
	}
	apiErr := &APIError{
		StatusCode: resp.StatusCode,
		Message:    serverMessage(body),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Body:       body,
	}
	return &failure{
		err:         apiErr,
		safeToRetry: resp.StatusCode == http.StatusTooManyRequests,
		// Only a 4xx says the request was refused. A 5xx may come after the message was stored, and a
		// final 1xx or 3xx answers a request the server had whole: a 303 usually means it was processed.
		mayExist: resp.StatusCode < 400 || resp.StatusCode >= 500,
	}
}

// readMessage decodes a 2xx answer, reading at most c.maxResponseBytes of it.
func (c *Client) readMessage(resp *http.Response) (*api.Message, error) {
	if resp.ContentLength > c.maxResponseBytes {
		return nil, fmt.Errorf("%w: the answer is %d bytes, more than the %d accepted", ErrInvalidResponse, resp.ContentLength, c.maxResponseBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the answer: %w", ErrInvalidResponse, err)
	}
	if int64(len(body)) > c.maxResponseBytes {
		return nil, fmt.Errorf("%w: the answer is larger than the %d bytes accepted", ErrInvalidResponse, c.maxResponseBytes)
	}
	message, err := decodeMessage(body)
	if err != nil {
		return nil, fmt.Errorf("%w: the answer is not a message: %w", ErrInvalidResponse, err)
	}
	return message, nil
}

// logAttempt writes one line per attempt to the logger set with WithLogger. It holds only what the client
// itself knows (the status, the attempt, the duration and the kind of failure), never headers, bodies or
// an error's text, which the server or the transport may have filled with the key or a customer's words.
func (c *Client) logAttempt(ctx context.Context, number, status int, took time.Duration, f *failure) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", http.MethodPost),
		slog.String("path", "/messages"),
		slog.Int("status", status),
		slog.Int("attempt", number),
		slog.Duration("duration", took),
	}
	level := slog.LevelInfo
	if f != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("failure", failureKind(f.err)), slog.Bool("outcome_unknown", f.mayExist))
	}
	c.logger.LogAttrs(ctx, level, "gleap request", attrs...)
}

// failureKind names what went wrong in an attempt in words of the client's own: "status" (a non-2xx
// answer), "invalid response", "timeout", "canceled" or "network".
func failureKind(err error) string {
	var apiErr *APIError
	var netErr net.Error
	switch {
	case errors.As(err, &apiErr):
		return "status"
	case errors.Is(err, ErrInvalidResponse):
		return "invalid response"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	default:
		return "network"
	}
}
