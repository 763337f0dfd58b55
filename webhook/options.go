package webhook

import (
	"fmt"
	"log/slog"
	"time"
)

// Option configures a Handler made by NewHandler. Options are applied in order, so a later one wins.
//
//	handler, err := webhook.NewHandler(secret, onEvent, webhook.WithMaxBodyBytes(4<<20), webhook.WithLogger(slog.Default()))
type Option func(*settings) error

// settings is what the options configure. It never holds the secret.
type settings struct {
	secretHeader    string
	secretParameter string
	maxBodyBytes    int64
	duplicateTTL    time.Duration
	maxRemembered   int
	callbackTimeout time.Duration
	maxCallbacks    int
	logger          *slog.Logger
	now             func() time.Time
}

// Defaults of a Handler made without options.
const (
	// DefaultMaxBodyBytes caps the body of a delivery: a ticket is a few KiB, and a receiver must not
	// read whatever a stranger posts to a public URL.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultDuplicateTTL is how long a handled delivery is remembered, so that a repeat of it is dropped.
	DefaultDuplicateTTL = 24 * time.Hour
	// DefaultMaxRemembered is how many handled deliveries are remembered at most; past it, the oldest is
	// forgotten first. Each takes about a hundred bytes.
	DefaultMaxRemembered = 10_000
	// DefaultCallbackTimeout is how long a delivery waits for its callback before it is answered 503, so
	// that a sender is answered before it gives up on its own.
	DefaultCallbackTimeout = 10 * time.Second
	// DefaultMaxCallbacks is how many callbacks may be running at once, those past their timeout
	// included; past it, a delivery of another event is answered 503 without calling the callback. It
	// bounds what callbacks that hang (and ignore their context) can pile up: a goroutine and an event
	// each.
	DefaultMaxCallbacks = 1000
)

func defaultSettings() settings {
	return settings{
		secretHeader:    SecretHeader,
		secretParameter: SecretQueryParameter,
		maxBodyBytes:    DefaultMaxBodyBytes,
		duplicateTTL:    DefaultDuplicateTTL,
		maxRemembered:   DefaultMaxRemembered,
		callbackTimeout: DefaultCallbackTimeout,
		maxCallbacks:    DefaultMaxCallbacks,
		now:             time.Now,
	}
}

// apply applies opts to s, in order, and checks the result.
func (s *settings) apply(opts []Option) error {
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(s); err != nil {
			return err
		}
	}
	if s.secretHeader == "" && s.secretParameter == "" {
		return fmt.Errorf("webhook: WithSecretHeader(\"\") and WithSecretQueryParameter(\"\") leave no place for the secret")
	}
	return nil
}

// WithSecretHeader reads the secret from the header name instead of SecretHeader; "" reads it from no
// header, only from the query.
func WithSecretHeader(name string) Option {
	return func(s *settings) error {
		s.secretHeader = name
		return nil
	}
}

// WithSecretQueryParameter reads the secret from the query parameter name instead of
// SecretQueryParameter; "" reads it from no parameter, only from the header. A secret in the URL is
// written into the access logs of every proxy on the way: prefer the header where the sender can set
// one.
func WithSecretQueryParameter(name string) Option {
	return func(s *settings) error {
		s.secretParameter = name
		return nil
	}
}

// WithMaxBodyBytes caps the body of a delivery at n bytes, n at least 1, instead of
// DefaultMaxBodyBytes (1 MiB); a larger one is answered 413 without being read on.
func WithMaxBodyBytes(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("webhook: WithMaxBodyBytes(%d): want at least 1 byte", n)
		}
		s.maxBodyBytes = n
		return nil
	}
}

// WithDuplicateWindow remembers each handled delivery for ttl, and at most max of them, instead of
// DefaultDuplicateTTL (24 hours) and DefaultMaxRemembered (10,000): a repeat within the window is
// answered 200 without calling the callback. ttl must be positive and max at least 1. Gleap does not
// say how long it goes on repeating a delivery; the window should outlast it.
func WithDuplicateWindow(ttl time.Duration, max int) Option {
	return func(s *settings) error {
		if ttl <= 0 || max < 1 {
			return fmt.Errorf("webhook: WithDuplicateWindow(%v, %d): want a positive time to live and at least 1 delivery", ttl, max)
		}
		s.duplicateTTL, s.maxRemembered = ttl, max
		return nil
	}
}

// WithCallbackTimeout gives the callback d, positive, instead of DefaultCallbackTimeout (10 seconds):
// its context ends after d, and the delivery is answered 503 then even if the callback has not
// returned. Keep a callback short (store the event, do the work elsewhere): a sender waits for the
// answer, and may send the event again when it waits too long.
func WithCallbackTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("webhook: WithCallbackTimeout(%v): want a positive duration", d)
		}
		s.callbackTimeout = d
		return nil
	}
}

// WithMaxCallbacks lets at most n callbacks, n at least 1, run at once instead of DefaultMaxCallbacks
// (1,000). A callback counts until it returns, even after its delivery was answered 503 for its
// timeout: past n, a delivery is answered 503, without calling the callback, until one returns. A repeat
// of an event being handled needs no callback of its own: it waits for the first as always.
func WithMaxCallbacks(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("webhook: WithMaxCallbacks(%d): want at least 1 callback", n)
		}
		s.maxCallbacks = n
		return nil
	}
}

// WithLogger writes one line per delivery to logger: the answer's status, what became of the delivery
// (handled, duplicate, unauthorized, ...), the event's type and project, and how long it took. Never a
// header, the query, the body, or the text of an error: a line cannot hold the secret or a customer's
// words. Without it the Handler logs nothing.
func WithLogger(logger *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = logger
		return nil
	}
}
