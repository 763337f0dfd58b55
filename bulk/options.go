package bulk

import (
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// Option configures one Send or Upsert, as wrapper.Option configures a client or a call. Options are applied in
// order, so a later one wins; a bad value is a *wrapper.ValidationError and nothing is sent.
type Option func(*config) error

// Concurrency limits of WithConcurrency.
const (
	// DefaultConcurrency is how many requests Send and Upsert have in flight at once unless
	// WithConcurrency says otherwise.
	DefaultConcurrency = 4
	// MaxConcurrency bounds WithConcurrency: Gleap allows 17 requests a second, so more at once only
	// wait, each with a goroutine and a connection.
	MaxConcurrency = 64
)

// config is what the options configure.
type config struct {
	concurrency   int
	journalPath   string
	inputID       string
	inputLines    int
	resendUnknown bool
	onOutcome     func(Outcome) error
}

// WithConcurrency sends up to n requests at once, from 1 to MaxConcurrency (DefaultConcurrency without
// it). The client's rate limit (wrapper.WithRateLimit) still holds, shared by all of them.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 || n > MaxConcurrency {
			return &wrapper.ValidationError{Field: "concurrency", Problem: fmt.Sprintf("must be from 1 to %d", MaxConcurrency)}
		}
		c.concurrency = n
		return nil
	}
}

// WithJournal records each request's outcome durably in the file at path (created when missing) before
// it is reported, and makes Send resumable: run it again with the same input, client project and API
// root after a failure, a cancel or a crash, and it skips the requests sent before, sends the failed
// ones again and first settles those whose outcome is unknown: Send looks for them by messageRef, Upsert
// carries them out again. See the package documentation for the file's format.
//
// With a journal the input is read more than once (see Send and Upsert), its numbers must increase, from
// 0 to at most MaxNumber, and a messageRef may appear only once per ticket (Send), a user id only once
// (Upsert).
//
// A request is sent exactly once within one journal: a run with a new journal, or after the journal
// was lost, knows nothing of the runs before and sends every request again. Where no journal can be
// kept, wrapper's Messages.CreateOnce posts one request at most once, for a GET more each.
func WithJournal(path string) Option {
	return func(c *config) error {
		if strings.TrimSpace(path) == "" {
			return &wrapper.ValidationError{Field: "journal", Problem: "must name a file"}
		}
		c.journalPath = path
		return nil
	}
}

// WithInputID names the input that the journal is bound to, and the highest number it may give a
// request (at most MaxNumber), in place of what Send works out from its first reading of the input: a
// digest of every request and the last number. The gleap CLI gives the SHA-256 of its input file, as
// "sha256:<hex>", and its count of lines. Without WithJournal it has no effect.
func WithInputID(id string, lines int) Option {
	return func(c *config) error {
		switch {
		case strings.TrimSpace(id) == "":
			return &wrapper.ValidationError{Field: "inputID", Problem: "must not be blank"}
		case lines < 0 || lines > MaxNumber:
			return &wrapper.ValidationError{Field: "lines", Problem: fmt.Sprintf("must be from 0 to %d (bulk.MaxNumber)", MaxNumber)}
		}
		c.inputID, c.inputLines = id, lines
		return nil
	}
}

// WithResendUnknown sends again the requests without messageRef whose outcome an earlier run left
// unknown: they may be posted twice. Without it they are reported Unknown (Err ErrUnknownWithoutRef)
// and not sent. It needs WithJournal: without a journal no outcome is unknown from an earlier run. It
// is Send's: Upsert refuses it, as it carries out every request of unknown outcome again anyway.
func WithResendUnknown() Option {
	return func(c *config) error {
		c.resendUnknown = true
		return nil
	}
}

// WithOutcomes calls report with each request's outcome as it is settled, in the order they finish,
// one at a time; with a journal, once the journal holds it. An error from report stops the run as a
// cancel does: no more requests are taken, those in flight are finished and reported too, and Send (or
// Upsert) returns the first such error.
func WithOutcomes(report func(Outcome) error) Option {
	return func(c *config) error {
		if report == nil {
			return &wrapper.ValidationError{Field: "outcomes", Problem: "must not be nil"}
		}
		c.onOutcome = report
		return nil
	}
}

// newConfig applies opts to the defaults and checks the result.
func newConfig(opts []Option) (config, error) {
	c := config{concurrency: DefaultConcurrency, inputLines: -1}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c); err != nil {
			return c, err
		}
	}
	if c.resendUnknown && c.journalPath == "" {
		return c, &wrapper.ValidationError{Field: "resendUnknown", Problem: "goes with a journal: without one no outcome is unknown from an earlier run"}
	}
	return c, nil
}
