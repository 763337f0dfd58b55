package wrapper_test

// What the client logs: one line per attempt, with what the client itself knows and nothing the server
// or the caller wrote.

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSuccessfulAttemptsLogAtInfoWithoutHeadersOrBodies(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, run := newFaultClient(t, server.URL)
	require.NoError(t, post(client, context.Background()))

	lines := run.logLines(t)
	require.Len(t, lines, 1)
	assert.Equal(t, "INFO", lines[0]["level"])
	assert.EqualValues(t, 200, lines[0]["status"])
	for _, hidden := range []string{testKey, testProject, "hello", "Authorization"} {
		assert.NotContains(t, fmt.Sprint(lines[0]), hidden)
	}
}
