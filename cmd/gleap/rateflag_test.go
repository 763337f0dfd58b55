package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateFlagReadsNPerDuration(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]rateFlag{
		"1000/1m": {1000, time.Minute}, "100/1s": {100, time.Second}, "5/10s": {5, 10 * time.Second},
		"3/1.5s": {3, 1500 * time.Millisecond}, "0": {},
	} {
		var got rateFlag
		require.NoError(t, got.Set(text), text)
		assert.Equal(t, want, got, text)
		assert.Equal(t, text, got.String(), "it prints as it is written")
	}
	for _, bad := range []string{"", "100", "x/1s", "-1/1s", "100/0s", "100/soon", "100/-1s"} {
		var got rateFlag
		assert.Error(t, got.Set(bad), bad)
	}
	assert.Equal(t, "1000/1m", gleapsRate.String())
}

func TestMockEnforcesItsRateLimit(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t, "--rate-limit", "2/1m")
	var statuses []int
	for range 3 {
		status, _ := mockRequest(t, http.MethodPost, baseURL+"/messages", `{"ticket":"`+ticketID+`"}`)
		statuses = append(statuses, status)
	}
	assert.Equal(t, []int{200, 200, 429}, statuses)
}

func TestMockRefusesABadRateLimit(t *testing.T) {
	t.Parallel()
	r := gleap(t, "", "", nil, "mock", "--rate-limit", "fast")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "N/DURATION")
}
