package wrapper

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says which failed calls the client tries again, how often and how long it waits in
// between. Reading, changing and deleting a message are idempotent: they are retried after a 429, a 5xx
// or any network failure. Creating a message is not, so by default only failures that provably did not
// create it are retried: a 429 answer, and a request that never reached the server (a DNS, dial or TLS
// handshake failure). The caller's context always wins: its cancellation or deadline ends the retries.
type RetryPolicy struct {
	// MaxRetries is how many times a call may be retried after its first attempt; 0 turns retrying off.
	MaxRetries int
	// MinBackoff is the wait before the first retry. Each further retry doubles it, up to MaxBackoff,
	// and a random jitter takes up to half of each wait away so that many clients do not retry in step.
	MinBackoff time.Duration
	// MaxBackoff caps the computed wait between two attempts.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest wait a server's Retry-After header may ask for. A server asking for
	// more ends the retries; the *APIError then carries its RetryAfter so the caller can schedule. With 0,
	// any Retry-After ends them.
	MaxRetryAfter time.Duration
	// RetryUnknownOutcome also retries the failures of Messages.Create (and its Reply, Note and BotMessage helpers) after which
	// the message may exist already: 5xx answers, and timeouts or broken connections after the request
	// was sent. It trades lost messages for possible duplicates; leave it off unless a duplicate is
	// harmless to you. Messages.CreateOnce and package bulk ignore it: they settle such a failure by
	// looking for the message, and decide themselves whether to post again.
	RetryUnknownOutcome bool
}

// DefaultRetryPolicy is the policy of a client made without WithRetryPolicy or WithMaxRetries: up to
// 2 retries, waits from 500ms doubling to at most 8s, a Retry-After of up to 30s honoured, and no
// retrying of failures with an unknown outcome.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:    2,
		MinBackoff:    500 * time.Millisecond,
		MaxBackoff:    8 * time.Second,
		MaxRetryAfter: 30 * time.Second,
	}
}

func (p RetryPolicy) check() error {
	switch {
	case p.MaxRetries < 0:
		return &ValidationError{Field: "RetryPolicy.MaxRetries", Problem: "must not be negative"}
	case p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0:
		return &ValidationError{Field: "RetryPolicy", Problem: "durations must not be negative"}
	case p.MaxBackoff < p.MinBackoff:
		return &ValidationError{Field: "RetryPolicy.MaxBackoff", Problem: "must not be less than MinBackoff"}
	}
	return nil
}

// failure is why one attempt did not produce a message, and what that means for the next one.
type failure struct {
	err error
	// safeToRetry: Gleap provably did not act on the request (a 429, or it never reached the server).
	safeToRetry bool
	// mayExist: Gleap may have created the message (a 5xx, or a failure after the request was sent).
	mayExist bool
}

// backoff returns how long to pause before attempt number next (2 for the first retry) after f, and whether
// the policy allows that retry at all. A call that is idempotent is retried after any failure that may
// have reached Gleap too.
func (p RetryPolicy) backoff(next int, f *failure, idempotent bool) (time.Duration, bool) {
	// next-1 > MaxRetries rather than next > MaxRetries+1, which overflows for math.MaxInt.
	if next-1 > p.MaxRetries || !(f.safeToRetry || f.mayExist && (idempotent || p.RetryUnknownOutcome)) {
		return 0, false
	}
	return p.pause(next, f.err)
}

// pause returns how long to wait before attempt number next after an attempt that failed with err, and
// whether the wait is one the policy accepts: the server's Retry-After, accepted up to MaxRetryAfter, or
// else MinBackoff doubled for each attempt after the second, up to MaxBackoff, less a random jitter.
func (p RetryPolicy) pause(next int, err error) (time.Duration, bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter, apiErr.RetryAfter <= p.MaxRetryAfter
	}
	backoff := p.MinBackoff
	for i := 2; i < next && backoff < p.MaxBackoff; i++ {
		if backoff > p.MaxBackoff/2 { // doubling would pass MaxBackoff, or wrap around past MaxInt64
			backoff = p.MaxBackoff
		} else {
			backoff *= 2
		}
	}
	if half := backoff / 2; half > 0 {
		backoff -= rand.N(half + 1)
	}
	return backoff, true
}

// maxRetryAfterSeconds is the longest Retry-After, in seconds, that a time.Duration can hold.
const maxRetryAfterSeconds = math.MaxInt64 / int64(time.Second)

// parseRetryAfter reads a Retry-After header: a number of seconds or an HTTP date. A number too large
// for a time.Duration means "very long" and is read as the longest one. Anything else, or a time in the
// past, is 0.
func parseRetryAfter(header string, now time.Time) time.Duration {
	if header == "" {
		return 0
	}
	seconds, err := strconv.ParseInt(header, 10, 64)
	var numErr *strconv.NumError
	switch {
	case err == nil && seconds >= 0:
		return time.Duration(min(seconds, maxRetryAfterSeconds)) * time.Second
	case errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) && header[0] != '-':
		return time.Duration(maxRetryAfterSeconds) * time.Second
	}
	if date, err := http.ParseTime(header); err == nil && date.After(now) {
		return date.Sub(now)
	}
	return 0
}

// sleep waits for d or until ctx ends, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
