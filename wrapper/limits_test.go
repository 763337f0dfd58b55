package wrapper_test

// Input at the edges of what the client accepts: values that overflow, texts far over the cap, bytes
// that are not UTF-8 where JSON must be, attachment URLs of other schemes.

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestInvalidUTF8InAJSONFieldIsRefused(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL))
	require.NoError(t, err)
	_, err = client.Messages.Create(context.Background(), wrapper.CreateMessageRequest{
		Ticket:  wrapper.Ptr(ticketID),
		Comment: json.RawMessage("{\"type\":\"doc\",\"text\":\"\xff\xfe\"}"),
	})
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "comment", invalid.Field)
	assert.Empty(t, server.Requests())
}

func TestTheResponseCapHasAnUpperBound(t *testing.T) {
	t.Parallel()
	for _, maxBytes := range []int64{0, -1, 1<<30 + 1, math.MaxInt64} {
		_, err := wrapper.New(testKey, testProject, wrapper.WithMaxResponseBytes(maxBytes))
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, "%d", maxBytes)
		assert.Equal(t, "maxResponseBytes", invalid.Field)
	}
	_, err := wrapper.New(testKey, testProject, wrapper.WithMaxResponseBytes(1<<30))
	assert.NoError(t, err)
}

func TestATextFarOverTheCapIsRefusedBeforeItBecomesADocument(t *testing.T) {
	// Not parallel: AllocsPerRun counts the whole process's allocations.
	huge := strings.Repeat("a\n", 4<<20) // 8 MiB: four million paragraphs if it were converted
	allocs := testing.AllocsPerRun(1, func() {
		_, err := wrapper.TextMessage(ticketID, huge)
		var invalid *wrapper.ValidationError
		if !assert.ErrorAs(t, err, &invalid) {
			return
		}
		assert.Equal(t, "text", invalid.Field)
	})
	assert.Less(t, allocs, 20.0, "the text is measured, not converted")
}

func TestAttachmentURLsMustBeHTTP(t *testing.T) {
	t.Parallel()
	for _, fileURL := range []string{"javascript://x/%0Aalert(1)", "file:///etc/passwd", "data://text/plain,hi", "ftp://files.example.com/a.pdf"} {
		_, err := wrapper.TextMessage(ticketID, "see file", wrapper.Attach("a.pdf", fileURL, ""))
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid, fileURL)
		assert.Equal(t, "attachments[0].url", invalid.Field)
	}
}

func TestRetryPoliciesAtTheLimitsOfTheirTypes(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(
		gleaptest.Fault{Status: http.StatusTooManyRequests}, gleaptest.Fault{Status: http.StatusTooManyRequests},
		gleaptest.Fault{Status: http.StatusTooManyRequests}))
	var mu sync.Mutex
	var pauses []time.Duration
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL),
		wrapper.WithRetryPolicy(wrapper.RetryPolicy{MaxRetries: math.MaxInt, MinBackoff: 1 << 62, MaxBackoff: math.MaxInt64}),
		wrapper.WithSleep(func(_ context.Context, pause time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			pauses = append(pauses, pause)
			return nil
		}))
	require.NoError(t, err)

	_, err = client.Messages.Reply(context.Background(), ticketID, "hello")

	require.NoError(t, err, "MaxRetries of math.MaxInt still retries")
	assert.Len(t, server.Requests(), 4)
	require.Len(t, pauses, 3)
	for _, pause := range pauses {
		assert.Positive(t, pause, "a doubled pause never wraps around")
	}
}
