package gleaptest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// steppedClock is a clock that moves only when the test says so.
type steppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppedClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *steppedClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// postAs posts a message for project and returns the status and the Retry-After header.
func postAs(t *testing.T, server *gleaptest.Server, project string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", strings.NewReader(`{"ticket":"`+ticketID+`"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer gl_sk_test")
	req.Header.Set("project", project)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

func TestTheRateLimitIsPerProjectOverASlidingWindow(t *testing.T) {
	t.Parallel()
	clock := &steppedClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	server := gleaptest.NewServer(t, gleaptest.WithRateLimit(3, 10*time.Second), gleaptest.WithClock(clock.read))

	for range 3 {
		status, _ := postAs(t, server, "project-a")
		require.Equal(t, http.StatusOK, status)
		clock.advance(time.Second)
	}
	status, retryAfter := postAs(t, server, "project-a")
	assert.Equal(t, http.StatusTooManyRequests, status, "the fourth in 10 s")
	assert.Equal(t, "7", retryAfter, "the first leaves the window 7 s from now")
	status, _ = postAs(t, server, "project-b")
	assert.Equal(t, http.StatusOK, status, "another project has a budget of its own")

	clock.advance(7 * time.Second)
	status, _ = postAs(t, server, "project-a")
	assert.Equal(t, http.StatusOK, status, "the first request left the window")
	assert.Len(t, server.Messages(), 5, "a refused request stores nothing")
}

func TestWithoutTheOptionThereIsNoLimit(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	for range 50 {
		status, _ := postAs(t, server, "p")
		require.Equal(t, http.StatusOK, status)
	}
}

func TestWithRateLimitRefusesAPeriodOfZero(t *testing.T) {
	t.Parallel()
	_, err := gleaptest.Start(gleaptest.WithRateLimit(10, 0))
	assert.ErrorContains(t, err, "WithRateLimit")
}

func TestClearStartsTheRateLimitOver(t *testing.T) {
	t.Parallel()
	clock := &steppedClock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	server := gleaptest.NewServer(t, gleaptest.WithRateLimit(1, time.Hour), gleaptest.WithClock(clock.read))

	first, _ := postAs(t, server, "project-a")
	second, _ := postAs(t, server, "project-a")
	server.Clear()
	afterClear, _ := postAs(t, server, "project-a")

	assert.Equal(t, []int{http.StatusOK, http.StatusTooManyRequests, http.StatusOK}, []int{first, second, afterClear},
		"Clear forgets the projects' counts with everything else")
}
