package gleaptest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WithRateLimit makes the server enforce a rate limit per project, as Gleap does (1000 requests per
// minute): a project's request past requests in any window of period is answered 429 with a Retry-After
// header that says when the next one will be let through, and has no effect. Requests the contract
// refuses do not count, nor do the ones answered 429. Without this option gleaptest enforces no limit, so
// that tests are not paced by surprise; `gleap mock` enforces Gleap's by default.
func WithRateLimit(requests int, period time.Duration) Option {
	return func(c *config) { c.rateLimit = rateLimit{requests: requests, period: period} }
}

// rateLimit is what WithRateLimit configures; zero requests is no limit.
type rateLimit struct {
	requests int
	period   time.Duration
}

// maxTrackedProjects bounds how many projects the limiter remembers: a client making up a project id per
// request must not grow it without end. Past it, projects idle for a whole period are forgotten.
const maxTrackedProjects = 10_000

// limiter counts each project's requests in a sliding window: a log of the times of the requests let
// through in the last period, oldest first, at most limit.requests long.
type limiter struct {
	limit rateLimit
	now   func() time.Time

	mu       sync.Mutex
	projects map[string][]time.Time
}

func newLimiter(limit rateLimit, now func() time.Time) *limiter {
	if limit.requests <= 0 {
		return nil
	}
	return &limiter{limit: limit, now: now, projects: make(map[string][]time.Time)}
}

// admit lets a request of project through and returns 0, or returns how long until the project may
// send again. A nil limiter admits everything.
func (l *limiter) admit(project string) time.Duration {
	if l == nil {
		return 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	sent := l.projects[project]
	// Forget what left the window.
	start := 0
	for start < len(sent) && !sent[start].After(now.Add(-l.limit.period)) {
		start++
	}
	sent = sent[start:]
	if len(sent) >= l.limit.requests {
		l.projects[project] = sent
		return sent[0].Add(l.limit.period).Sub(now)
	}
	if _, known := l.projects[project]; !known && len(l.projects) >= maxTrackedProjects {
		l.forgetIdle(now)
	}
	l.projects[project] = append(sent, now)
	return 0
}

// forgetIdle drops the projects with no request in the last period. The caller holds l.mu.
func (l *limiter) forgetIdle(now time.Time) {
	for project, sent := range l.projects {
		if len(sent) == 0 || !sent[len(sent)-1].After(now.Add(-l.limit.period)) {
			delete(l.projects, project)
		}
	}
}

// tooManyRequests is the 429 answer to a request past the limit, with the wait in whole seconds,
// rounded up, as Retry-After.
func tooManyRequests(wait time.Duration) answer {
	a := errorAnswer(http.StatusTooManyRequests, fmt.Sprintf("rate limit exceeded: try again in %v", wait.Round(time.Millisecond)))
	a.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return a
}
