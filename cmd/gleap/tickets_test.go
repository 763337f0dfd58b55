package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// publishedServer starts gleaptest checking every request to the API root against Gleap's published
// document too (its cuts: /messages, /tickets and /sessions), as well as against openapi.yaml.
func publishedServer(t *testing.T, opts ...gleaptest.Option) *gleaptest.Server {
	t.Helper()
	messages, err := os.ReadFile("../../testdata/gleap-published-openapi-messages.yaml")
	require.NoError(t, err)
	tickets, err := os.ReadFile("../../testdata/gleap-published-openapi-tickets.yaml")
	require.NoError(t, err)
	sessions, err := os.ReadFile("../../testdata/gleap-published-openapi-sessions.yaml")
	require.NoError(t, err)
	return gleaptest.NewServer(t, append(opts, gleaptest.WithRequestsCheckedAgainst("Gleap's published document", messages),
		gleaptest.WithRequestsCheckedAgainst("Gleap's published tickets document", tickets),
		gleaptest.WithRequestsCheckedAgainst("Gleap's published sessions document", sessions))...)
}

// composed opens a ticket through the CLI and returns it as printed.
func composed(t *testing.T, server *gleaptest.Server, title string) map[string]any {
	t.Helper()
	r := gleap(t, server.URL, "", nil, "tickets", "compose", "--type", "INQUIRY", "--title", title, "--text", "Hello", "--email", "customer@example.com")
	require.Equal(t, exitOK, r.code, r.stderr)
	var ticket map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &ticket))
	return ticket
}

// jsonLines decodes what a command printed as JSON Lines.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(out) {
		var value map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &value), line)
		lines = append(lines, value)
	}
	return lines
}

// stringsOf are the string members name of objects as printed, in order.
func stringsOf(objects []map[string]any, name string) []string {
	found := []string{}
	for _, object := range objects {
		found = append(found, object[name].(string))
	}
	return found
}

func TestTicketCommandsComposeGetUpdateArchiveAndDelete(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	ticket := composed(t, server, "Refund for order 4711")
	id := ticket["id"].(string)
	assert.Equal(t, "OPEN", ticket["status"])
	require.Len(t, server.Messages(), 1, "with its first message")
	assert.JSONEq(t, `{"type":"INQUIRY","title":"Refund for order 4711","message":"Hello","email":"customer@example.com"}`,
		string(server.Requests()[0].Body))

	r := gleap(t, server.URL, "", nil, "tickets", "get", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"title": "Refund for order 4711"`, "indented, as the server sent it")

	r = gleap(t, server.URL, `{"status":"DONE","tags":["billing"]}`, nil, "tickets", "update", id, "--json", "-")
	require.Equal(t, exitOK, r.code, r.stderr)
	var updated map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &updated))
	assert.Equal(t, "DONE", updated["status"])

	r = gleap(t, server.URL, "", nil, "tickets", "archive", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.True(t, server.Tickets()[0].Archived)

	r = gleap(t, server.URL, "", nil, "tickets", "delete", id)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, server.Tickets())
	assert.Empty(t, server.Messages(), "its messages went with it")

	r = gleap(t, server.URL, "", nil, "tickets", "get", id)
	assert.Equal(t, exitFailure, r.code, "a ticket that is gone")
	assert.Contains(t, r.stderr, "404")
}

func TestTicketListAndSearchPrintJSONLines(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	for _, title := range []string{"Refund for order 4711", "Login fails", "Refund for order 4712"} {
		composed(t, server, title)
	}
	bug := `{"type":"BUG","priority":"HIGH"}`
	require.Equal(t, exitOK, gleap(t, server.URL, bug, nil, "tickets", "update", server.Tickets()[1].ID, "--json", "-").code)

	r := gleap(t, server.URL, "", nil, "tickets", "list", "--type", "BUG,INQUIRY", "--status", "OPEN", "--priority", "HIGH", "--since", "2020-01-01")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"Login fails"}, stringsOf(jsonLines(t, r.stdout), "title"))
	query := server.Requests()[len(server.Requests())-1].Query
	assert.Equal(t, "BUG,INQUIRY", query.Get("type"))
	assert.Equal(t, "2020-01-01T00:00:00Z", query.Get("createdAt>"))

	r = gleap(t, server.URL, "", nil, "tickets", "list", "--limit", "2")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"Refund for order 4711", "Login fails"}, stringsOf(jsonLines(t, r.stdout), "title"))

	r = gleap(t, server.URL, "", nil, "tickets", "search", "refund")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"Refund for order 4711", "Refund for order 4712"}, stringsOf(jsonLines(t, r.stdout), "title"))
}

func TestTicketCommandsRefuseBadInputAndSendNothing(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	cases := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"compose", "--type", "BUG"}, "", "invalid --title"},
		{[]string{"compose", "--title", "t", "--type", "BUG", "--email", "a@example.com", "--session", "s1"}, "", "invalid --email"},
		{[]string{"compose", "--title", "t", "--type", "BUG", "--priority", "URGENT"}, "", "invalid --priority"},
		{[]string{"get"}, "", "name the ticket"},
		{[]string{"get", ".."}, "", "invalid TICKET_ID"},
		{[]string{"update", ticketID}, "", "--json is required"},
		{[]string{"update", ticketID, "--json", "-"}, `{"status":"DONE","status":"OPEN"}`, "--json"},
		{[]string{"update", ticketID, "--json", "-"}, `{"bogus":1}`, "--json"},
		{[]string{"list", "--priority", "HIGH,low"}, "", "invalid --priority #2"},
		{[]string{"list", "--limit", "-1"}, "", "--limit"},
		{[]string{"list", "--since", "yesterday"}, "", "--since"},
		{[]string{"search", " "}, "", "invalid TERM"},
		{[]string{"watch", "--every", "-1s"}, "", "--every"},
		{[]string{"watch", "--since", "soon"}, "", "--since"},
	}
	for _, tc := range cases {
		r := gleap(t, server.URL, tc.stdin, nil, append([]string{"tickets"}, tc.args...)...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, tc.args)
	}
	assert.Empty(t, server.Requests(), "nothing is sent")
}

func TestTicketCommandsRetryReadsAndReportFailures(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	id := composed(t, server, "retried")["id"].(string)

	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}, gleaptest.Fault{Status: http.StatusTooManyRequests})
	r := gleap(t, server.URL, "", nil, "tickets", "get", id)
	assert.Equal(t, exitOK, r.code, "a read is retried after a 503 and a 429: %s", r.stderr)

	server.QueueFaults(gleaptest.Fault{Status: http.StatusBadGateway})
	before := len(server.Requests())
	r = gleap(t, server.URL, "", nil, "tickets", "compose", "--type", "BUG", "--title", "once")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "outcome unknown")
	assert.Len(t, server.Requests(), before+1, "a compose is not sent twice")
}

func TestTicketCommandsStayWithinTheMocksRateLimit(t *testing.T) {
	t.Parallel()
	server := publishedServer(t, gleaptest.WithRateLimit(1, time.Hour))
	composed(t, server, "one")
	r := gleap(t, server.URL, "", nil, "tickets", "list", "--max-retries", "0")
	assert.Equal(t, exitFailure, r.code, "past the mock's limit")
	assert.Contains(t, r.stderr, "429")
}

func TestWatchPrintsEachChangeOnceAndResumesFromItsState(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	first := composed(t, server, "first")
	composed(t, server, "second")
	state := filepath.Join(t.TempDir(), "tickets.state")

	r := gleap(t, server.URL, "", nil, "tickets", "watch", "--since", "2020-01-01", "--every", "0", "--state", state)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"first", "second"}, stringsOf(jsonLines(t, r.stdout), "title"))
	stored, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(stored), "v2 "), "the cursor, as text")

	require.Equal(t, exitOK, gleap(t, server.URL, `{"status":"DONE"}`, nil, "tickets", "update", first["id"].(string), "--json", "-").code)
	r = gleap(t, server.URL, "", nil, "tickets", "watch", "--every", "0", "--state", state)
	require.Equal(t, exitOK, r.code, r.stderr)
	changes := jsonLines(t, r.stdout)
	require.Len(t, changes, 1, "only what changed since the stored state")
	assert.Equal(t, "DONE", changes[0]["status"])

	r = gleap(t, server.URL, "", nil, "tickets", "watch", "--every", "0", "--state", state)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout, "nothing new")

	require.NoError(t, os.WriteFile(state, []byte("garbage\n"), 0o600))
	r = gleap(t, server.URL, "", nil, "tickets", "watch", "--every", "0", "--state", state)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "holds no watch cursor")
}

func TestWatchEndsWithCtrlC(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	composed(t, server, "seen")
	ctx, cancel := context.WithCancel(context.Background())
	// Ctrl-C once the watch has caught up and waits for its next look.
	seen := make(chan struct{})
	out := &notifyingWriter{wrote: seen}
	go func() {
		<-seen
		cancel()
	}()
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": server.URL}
	code := run(ctx, []string{"tickets", "watch", "--since", "2020-01-01", "--every", "1h"},
		stdio{strings.NewReader(""), out, &strings.Builder{}}, func(name string) string { return vars[name] })
	assert.Equal(t, exitOK, code, "Ctrl-C is how a watch ends")
	assert.Contains(t, out.String(), `"title":"seen"`)
}

// notifyingWriter collects what is written and closes wrote after the first write.
type notifyingWriter struct {
	strings.Builder
	wrote  chan struct{}
	closed bool
}

func (w *notifyingWriter) Write(p []byte) (int, error) {
	n, err := w.Builder.Write(p)
	if !w.closed {
		w.closed = true
		close(w.wrote)
	}
	return n, err
}

func TestMockKeepsTicketsForTheTicketCommands(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t)
	r := gleap(t, baseURL, "", nil, "tickets", "compose", "--type", "BUG", "--title", "Login fails", "--text", "Since the update.", "--session", "contact-1")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = gleap(t, baseURL, "", nil, "tickets", "watch", "--since", "2020-01-01", "--every", "0")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"Login fails"}, stringsOf(jsonLines(t, r.stdout), "title"))
	r = gleap(t, baseURL, "", nil, "messages", "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Since the update.", "the ticket's first message is the mock's too")
}
