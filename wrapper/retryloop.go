package wrapper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// send makes attempts at e until one succeeds, the retry policy gives up or ctx ends, and decodes the
// success answer into into, unless into is nil.
func (c *engine) send(ctx context.Context, s *settings, e endpoint, into any) error {
	var last Response
	err := c.retry(ctx, s, e, into, &last)
	if s.responseInto != nil {
		// A success answer is kept whole; the key comes out of it, as out of everything the server wrote.
		last.Header = c.redact.header(last.Header)
		last.Body = c.redact.body(last.Body)
		*s.responseInto = last
	}
	return err
}

func (c *engine) retry(ctx context.Context, s *settings, e endpoint, into any, last *Response) error {
	mayExist := false
	// failed is the error of the attempt before, which a failed wait for the next one still reports.
	var failed *RequestError
	stop := func(err error) error {
		if failed == nil {
			return &RequestError{Op: e.op, Attempts: last.Attempts, OutcomeUnknown: mayExist, Err: err}
		}
		failed.Err = fmt.Errorf("%w while waiting to retry after: %w", err, failed.Err)
		return failed
	}
	for {
		if err := ctx.Err(); err != nil {
			return stop(err)
		}
		if err := c.pacer.wait(ctx, s); err != nil {
			return stop(err)
		}
		last.Attempts++
		f := c.attempt(ctx, s, e, into, last)
		if f == nil {
			return nil
		}
		// A GET has no effect to be unsure about.
		mayExist = mayExist || f.mayExist && e.method != http.MethodGet
		failed = &RequestError{Op: e.op, Attempts: last.Attempts, OutcomeUnknown: mayExist, Err: c.redact.redactError(f.err)}
		pause, retry := s.retry.backoff(last.Attempts+1, f, e.idempotent)
		shared, tooMany := c.pauseAfter429(s, f, pause, retry)
		if !retry || ctx.Err() != nil || !fitsDeadline(ctx, pause) {
			return failed
		}
		// After a 429 the pacer waits out the shared pause before the next attempt; a call whose own policy
		// accepts a longer Retry-After than the client's waits the rest itself.
		if !tooMany || pause > shared {
			if err := s.sleep(ctx, pause); err != nil {
				return stop(err)
			}
		}
	}
}

// pauseAfter429 holds every request of the client back when f is a 429, and reports whether it was and
// for how long: the limit is the project's, so one goroutine told to slow down means all of them. The
// pause is the retry's, or, when the policy does not retry, the answer's Retry-After (the first backoff
// without one), at most the call's MaxRetryAfter. What it holds the other calls to is at most what the
// client's own policy allows (its MaxRetryAfter for a Retry-After, its MaxBackoff for a backoff): one
// call's options do not make the others wait longer than the client would.
func (c *engine) pauseAfter429(s *settings, f *failure, retryPause time.Duration, retry bool) (time.Duration, bool) {
	var apiErr *APIError
	if !errors.As(f.err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	pause := retryPause
	if !retry {
		pause = apiErr.RetryAfter
		if pause <= 0 {
			pause = s.retry.MinBackoff
		}
		pause = min(pause, s.retry.MaxRetryAfter)
	}
	// The client's own bound: MaxRetryAfter for a pause the server asked for, MaxBackoff for one of its own.
	bound := c.settings.retry.MaxBackoff
	if apiErr.RetryAfter > 0 {
		bound = c.settings.retry.MaxRetryAfter
	}
	shared := min(pause, bound)
	c.pacer.pause(s.now(), shared)
	return shared, true
}
