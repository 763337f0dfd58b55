package wrapper

import (
	"context"
	"time"
)

// WithWait replaces the sleep between attempts, so tests can see each wait without spending it.
func WithWait(wait func(context.Context, time.Duration) error) Option {
	return func(s *settings) error {
		s.wait = wait
		return nil
	}
}

// Sleep is the client's real wait between attempts.
var Sleep = sleep

// DecodeMessage is how the client decodes a success answer.
var DecodeMessage = decodeMessage

// DefaultHTTPClient is the *http.Client of a client made without WithHTTPClient.
var DefaultHTTPClient = defaultHTTPClient
