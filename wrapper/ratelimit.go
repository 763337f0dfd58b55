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
		turn := limit.period / time.Duration(limit.requests)
		p.limiter = rate.NewLimiter(rate.Every(turn+turn/paceMarginDivisor), 1)
	}
	return p
}

// wait holds the calling goroutine back until the client may send: past any pause a 429 started, and
// its turn under the rate limit. It fails at once, waiting for nothing, when that cannot happen before
// ctx's deadline.
func (p *pacer) wait(ctx context.Context, s *settings) error {
	now := s.now()
	p.mu.Lock()
	delay := p.pausedUntil.Sub(now)
	p.mu.Unlock()
	var turn *rate.Reservation
	if p.limiter != nil {
		// The turn is taken after the pause, so that the paused requests do not all go at once.
		turn = p.limiter.ReserveN(now.Add(max(delay, 0)), 1)
		delay = max(delay, 0) + turn.DelayFrom(now.Add(max(delay, 0)))
	}
	if delay <= 0 {
		return nil
	}
	if !fitsDeadline(ctx, delay) {
		if turn != nil {
			turn.CancelAt(now)
		}
		return fmt.Errorf("%w: the rate limit allows the next request in %v, after the context's deadline", context.DeadlineExceeded, delay)
	}
	if err := s.sleep(ctx, delay); err != nil {
		if turn != nil {
			turn.CancelAt(s.now())
		}
		return err
	}
	return nil
}

// pause holds every request of the client back for d from now, unless a longer pause is on already.
func (p *pacer) pause(now time.Time, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := now.Add(d); until.After(p.pausedUntil) {
		p.pausedUntil = until
	}
}
