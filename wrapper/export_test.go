package wrapper

import (
	"context"
	"time"
)

// WithSleep replaces the pause between attempts, so tests can see each pause without spending it.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(s *settings) error {
		s.sleep = sleep
		return nil
	}
}

// Sleep is the client's real pause between attempts.
var Sleep = sleep

// DefaultHTTPClient is the *http.Client of a client made without WithHTTPClient.
var DefaultHTTPClient = defaultHTTPClient

// WithClock replaces the client's clock, so tests can see the pacing without waiting for it.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		s.now = now
		return nil
	}
}

const MaxEmptyPages = maxEmptyPages

// RedactBody is what the client does to a body a server sent, for the key apiKey.
func RedactBody(apiKey string, body []byte) []byte { return newRedactor(apiKey).body(body) }

// SetWatchPageSize makes the pages of tickets.Watch hold n tickets, so that a test sees pages shift
// under a watch without thousands of tickets.
func SetWatchPageSize(tickets *TicketsService, n int) { tickets.watchPageSize = n }

const WatchOverlap = watchOverlap

// NewTrackerTicking is NewTracker with its flush interval ticking on ticks, for tests that decide when
// it is due.
func NewTrackerTicking(contacts *ContactsService, options TrackerOptions, ticks <-chan time.Time, opts ...Option) (*Tracker, error) {
	return contacts.newTracker(options, opts, ticks)
}
