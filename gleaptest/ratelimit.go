package gleaptest

import (
	"container/list"
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

// maxTrackedProjects and maxTrackedProjectBytes bound what the limiter remembers: a client making up a
// project id per request, or sending ids as long as the header cap allows, must not grow it without end.
// Past either, the project seen least recently is forgotten, and its count starts over.
const (
	maxTrackedProjects     = 10_000
	maxTrackedProjectBytes = 1 << 20 // the ids together
)

// limiter counts each project's requests in a sliding window: a log of the times of the requests let
// through in the last period, oldest first, at most limit.requests long.
type limiter struct {
	limit rateLimit
	now   func() time.Time

	mu       sync.Mutex
	projects map[string]*list.Element // the logs in recency, by project id
	recency  list.List                // of *projectLog, the project seen least recently first
	idBytes  int                      // the tracked ids together
}

// projectLog is what the limiter remembers of one project.
type projectLog struct {
	id   string
	sent []time.Time // the requests let through in the last period, oldest first
}

func newLimiter(limit rateLimit, now func() time.Time) *limiter {
	if limit.requests <= 0 {
		return nil
	}
	return &limiter{limit: limit, now: now, projects: make(map[string]*list.Element)}
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
	log := l.track(project)
	// Forget what left the window.
	start := 0
	for start < len(log.sent) && !log.sent[start].After(now.Add(-l.limit.period)) {
		start++
	}
	log.sent = log.sent[start:]
	if len(log.sent) >= l.limit.requests {
		return log.sent[0].Add(l.limit.period).Sub(now)
	}
	log.sent = append(log.sent, now)
	return 0
}

// track returns the log of project, made the most recently seen; a project not tracked yet gets an
// empty one, after the projects seen least recently make room for it. The caller holds l.mu.
func (l *limiter) track(project string) *projectLog {
	if element, ok := l.projects[project]; ok {
		l.recency.MoveToBack(element)
		return element.Value.(*projectLog)
	}
	for l.recency.Len() > 0 && (len(l.projects) >= maxTrackedProjects || l.idBytes+len(project) > maxTrackedProjectBytes) {
		oldest := l.recency.Remove(l.recency.Front()).(*projectLog)
		delete(l.projects, oldest.id)
		l.idBytes -= len(oldest.id)
	}
	log := &projectLog{id: project}
	l.projects[project] = l.recency.PushBack(log)
	l.idBytes += len(project)
	return log
}

// clear forgets every project. A nil limiter has none.
func (l *limiter) clear() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.projects = make(map[string]*list.Element) // a new map: clearing one keeps its buckets
	l.recency.Init()
	l.idBytes = 0
}

// tooManyRequests is the 429 answer to a request past the limit, with the wait in whole seconds,
// rounded up, as Retry-After.
func tooManyRequests(wait time.Duration) answer {
	a := errorAnswer(http.StatusTooManyRequests, fmt.Sprintf("rate limit exceeded: try again in %v", wait.Round(time.Millisecond)))
	a.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	return a
}
