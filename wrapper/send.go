package wrapper

import (
	"context"
	"fmt"
	"net/http"
)

// endpoint is one API operation as the retry loop sees it.
type endpoint struct {
	// op names the call in errors, as in "create message".
	op string
	// method and path name the call in log lines, as in POST /messages.
	method, path string
	// idempotent: sending the request twice has the effect of sending it once (GET, PUT, DELETE), so a
	// failure after sending is retried like one before it.
	idempotent bool
	// newRequest builds the request for the API root server (with its trailing slash) with the generated
	// builder, body included.
	newRequest func(server string) (*http.Request, error)
}

// send makes attempts at e until one succeeds, the retry policy gives up or ctx ends, and decodes the
// success answer into into, unless into is nil.
func (c *Client) send(ctx context.Context, s *settings, e endpoint, into any) error {
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

func (c *Client) retry(ctx context.Context, s *settings, e endpoint, into any, last *Response) error {
	mayExist := false
	for {
		if err := ctx.Err(); err != nil {
			return &RequestError{Op: e.op, Attempts: last.Attempts, OutcomeUnknown: mayExist, Err: err}
		}
		last.Attempts++
		f := c.attempt(ctx, s, e, into, last)
		if f == nil {
			return nil
		}
		// A GET has no effect to be unsure about.
		mayExist = mayExist || f.mayExist && e.method != http.MethodGet
		final := &RequestError{Op: e.op, Attempts: last.Attempts, OutcomeUnknown: mayExist, Err: c.redact.redactError(f.err)}
		pause, retry := s.retry.backoff(last.Attempts+1, f, e.idempotent)
		if !retry || ctx.Err() != nil || !fitsDeadline(ctx, pause) {
			return final
		}
		if err := s.sleep(ctx, pause); err != nil {
			final.Err = fmt.Errorf("%w while waiting %v to retry after: %w", err, pause, final.Err)
			return final
		}
	}
}
