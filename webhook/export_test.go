package webhook

import "time"

// WithClock replaces the clock of the duplicate window, so that tests can pass its time to live without
// waiting for it.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		s.now = now
		return nil
	}
}
