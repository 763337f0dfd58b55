package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoSendsThreeValidatedMessagesAndMasksTheKey(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	printed := out.String()
	assert.Equal(t, 3, strings.Count(printed, "--> POST /v3/messages"))
	assert.Equal(t, 3, strings.Count(printed, "<-- 200 OK"))
	assert.Contains(t, printed, `"isNote": true`)
	assert.Contains(t, printed, `"bot": true`)
	assert.Contains(t, printed, `"name": "guide.pdf"`)
	assert.Contains(t, printed, "Authorization: Bearer ****")
	assert.NotContains(t, printed, "demo-secret-api-key")
	assert.Contains(t, printed, "All 3 requests and responses matched openapi.yaml.")
}
