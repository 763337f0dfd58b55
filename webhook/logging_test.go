package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

// lockedBuffer is a log destination that handlers may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the JSON log lines written so far, decoded.
func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		var decoded map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &decoded), line)
		lines = append(lines, decoded)
	}
	return lines
}

// The secret, and the words of a failing callback, appear in no log line and no answer, whatever becomes
// of a delivery.
func TestTheSecretIsInNoLogLineAndNoAnswer(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	release := make(chan struct{})
	defer close(release)
	handler, err := webhook.NewHandler(testSecret, func(ctx context.Context, event *webhook.Event) error {
		switch event.ProjectID {
		case "fails":
			return errors.New("cannot store the event of " + testSecret)
		case "panics":
			panic("cannot store the event of " + testSecret)
		case "hangs":
			<-ctx.Done()
			<-release
			return ctx.Err()
		}
		return nil
	}, webhook.WithLogger(logger), webhook.WithMaxBodyBytes(1<<10), webhook.WithCallbackTimeout(20*time.Millisecond))
	require.NoError(t, err)

	inHeader := map[string]string{webhook.SecretHeader: testSecret}
	withProject := func(project string) string {
		return strings.Replace(ticketCreated, `"projectId":"p1"`, `"projectId":"`+project+`"`, 1)
	}
	deliveries := []struct {
		target, body string
		headers      map[string]string
		status       int
		outcome      string
	}{
		{"/gleap", ticketCreated, inHeader, http.StatusOK, "handled"},
		{"/gleap", ticketCreated, inHeader, http.StatusOK, "duplicate"},
		{"/gleap?secret=" + url.QueryEscape(testSecret), withProject("query"), nil, http.StatusOK, "handled"},
		{"/gleap", ticketCreated, nil, http.StatusUnauthorized, "secret missing"},
		{"/gleap?secret=" + url.QueryEscape(testSecret+"!"), ticketCreated, nil, http.StatusUnauthorized, "secret wrong"},
		{"/gleap", ticketCreated, map[string]string{webhook.SecretHeader: "x" + testSecret}, http.StatusUnauthorized, "secret wrong"},
		{"/gleap", `{"event":"` + testSecret + `"`, inHeader, http.StatusBadRequest, "malformed"},
		{"/gleap", `{"event":"ticket.created","data":"` + strings.Repeat(testSecret, 100) + `"}`, inHeader,
			http.StatusRequestEntityTooLarge, "too large"},
		{"/gleap", withProject("fails"), inHeader, http.StatusInternalServerError, "callback failed"},
		{"/gleap", withProject("panics"), inHeader, http.StatusInternalServerError, "callback panicked"},
		{"/gleap", withProject("hangs"), inHeader, http.StatusServiceUnavailable, "callback timed out"},
	}
	for _, d := range deliveries {
		answer := post(handler, d.target, d.body, d.headers)
		assert.Equal(t, d.status, answer.Code, d.outcome)
		assert.NotContains(t, answer.Body.String(), testSecret, d.outcome)
		assert.NotContains(t, answer.Body.String(), url.QueryEscape(testSecret), d.outcome)
		for name, values := range answer.Header() {
			assert.NotContains(t, name+strings.Join(values, ","), testSecret, d.outcome)
		}
	}

	lines := logs.lines(t)
	require.Len(t, lines, len(deliveries), "one line per delivery")
	for i, line := range lines {
		assert.Equal(t, "gleap webhook", line["msg"])
		assert.Equal(t, deliveries[i].outcome, line["outcome"], "line %d", i)
		assert.EqualValues(t, deliveries[i].status, line["status"], "line %d", i)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	assert.NotContains(t, logs.buf.String(), testSecret)
	assert.NotContains(t, logs.buf.String(), url.QueryEscape(testSecret))
	assert.NotContains(t, logs.buf.String(), "cannot store", "a callback's error text")
}
