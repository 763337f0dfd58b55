package gleaptest

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// trackedIDBytes returns how many projects l tracks and the bytes of their ids together, as the test
// counts them.
func trackedIDBytes(l *limiter) (projects, idBytes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for project := range l.projects {
		idBytes += len(project)
	}
	return len(l.projects), idBytes
}

func TestLimiterBoundsTheProjectsItTracks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		projects int
		idBytes  int // each id's length
	}{
		// A client making up an id per request, as long as the header cap allows.
		{"long ids", 200, maxRequestHeaderBytes - 1<<10},
		{"many ids", 3 * maxTrackedProjects, 24},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stopped := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC) // every project stays active
			l := newLimiter(rateLimit{requests: 1, period: time.Minute}, func() time.Time { return stopped })
			var newest string
			for i := range tc.projects {
				suffix := strconv.Itoa(i)
				newest = strings.Repeat("p", tc.idBytes-len(suffix)) + suffix
				assert.Zero(t, l.admit(newest), "a new project is let through")
			}
			projects, idBytes := trackedIDBytes(l)
			assert.LessOrEqual(t, projects, maxTrackedProjects)
			assert.LessOrEqual(t, idBytes, maxTrackedProjectBytes)
			assert.Positive(t, l.admit(newest), "the newest project is still tracked: its second request waits")
		})
	}
}
