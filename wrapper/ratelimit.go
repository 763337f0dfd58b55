package wrapper

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Gleap's documented rate limit: 1000 requests per minute per project, shared by every process using
// the project's key. A client paces itself to it unless WithRateLimit says otherwise.
const (
	DefaultRateLimitRequests = 1000
	DefaultRateLimitPeriod   = time.Minute
)

// rateLimit is what WithRateLimit configures: at most requests per period; 0 requests turns pacing off.
type rateLimit struct {
	requests int
	period   time.Duration
}

// WithRateLimit paces the client to at most requests per period, evenly spread, shared by every goroutine
// that uses the client; 0 turns pacing off. The default is Gleap's documented limit, 1000 per minute.
// The turns are spaced 2 % wider than period/requests, so that requests delayed unevenly on their way do
// not arrive closer together than the server allows. A call waits for its turn as long as its context
// allows: a wait that cannot end before the context's deadline fails at once. It is an option of the
// client: a call given it is refused.
func WithRateLimit(requests int, period time.Duration) Option {
	return func(s *settings) error {
		switch {
		case requests < 0:
			return &ValidationError{Field: "rateLimit", Problem: "must not be negative"}
		case requests > 0 && period <= 0:
			return &ValidationError{Field: "rateLimit", Problem: "needs a positive period"}
		}
		s.rateLimit = rateLimit{requests: requests, period: period}
		return nil
	}
}

// paceMarginDivisor widens each turn by 1/50, 2 %: the client sends at 98 % of its rate limit.
const paceMarginDivisor = 50

// pacer spaces a client's requests out to its rate limit and holds them all back after a 429: the limit
// is the project's, so one goroutine told to slow down means every goroutine must.
type pacer struct {
	// limiter is nil when pacing is off.
	limiter *rate.Limiter

	mu          sync.Mutex
	pausedUntil time.Time
}

func newPacer(limit rateLimit) *pacer {
	p := &pacer{}
	if limit.requests > 0 {
		// A burst of 1: the client never sends more than the limit in any window of the period, whatever
		// window the server counts in. The margin absorbs jitter: two requests sent a turn apart may
		// arrive closer, and a server counting a sliding window then refuses the one that arrives early.
		// In floating point, a turn of any length is widened without overflowing a time.Duration.
		perSecond := float64(limit.requests) / limit.period.Seconds()
		p.limiter = rate.NewLimiter(rate.Limit(perSecond*paceMarginDivisor/(paceMarginDivisor+1)), 1)
	}
	return p
}

// wait holds the calling goroutine back until the client may send: past any pause a 429 started, and
// its turn under the rate limit. It fails at once, waiting for nothing, when that cannot happen before
// ctx's deadline. A 429 that arrives while it waits starts a pause it has not seen, so after every wait
// it looks again, and waits out that pause with a new turn after it.
func (p *pacer) wait(ctx context.Context, s *settings) error {
	for {
		seen, waited, err := p.waitOnce(ctx, s)
		if err != nil || !waited || !p.pausedSince(seen, s.now()) {
			return err
		}
	}
}

// waitOnce waits for the pause and the turn as they stand now. It returns the end of the pause it saw
// and whether it waited at all.
func (p *pacer) waitOnce(ctx context.Context, s *settings) (time.Time, bool, error) {
	now := s.now()
	p.mu.Lock()
	seen := p.pausedUntil
	p.mu.Unlock()
	delay := max(seen.Sub(now), 0)
	var turn *rate.Reservation
	if p.limiter != nil {
		// The turn is taken after the pause, so that the paused requests do not all go at once.
		turn = p.limiter.ReserveN(now.Add(delay), 1)
		delay += turn.DelayFrom(now.Add(delay))
	}
	if delay <= 0 {
		return seen, false, nil
	}
	if !fitsDeadline(ctx, delay) {
		if turn != nil {
			turn.CancelAt(now)
		}
		return seen, false, fmt.Errorf("%w: the rate limit allows the next request in %v, after the context's deadline", context.DeadlineExceeded, delay)
	}
	if err := s.sleep(ctx, delay); err != nil {
		if turn != nil {
			turn.CancelAt(s.now())
		}
		return seen, false, err
	}
	return seen, true, nil
}

// pausedSince reports whether a 429 that came after the pause seen started one that still holds at now.
func (p *pacer) pausedSince(seen, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pausedUntil.After(seen) && p.pausedUntil.After(now)
}

// pause holds every request of the client back for d from now, unless a longer pause is on already.
func (p *pacer) pause(now time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := now.Add(d); until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
}
