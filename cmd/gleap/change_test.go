package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// postedNotes posts n notes into ticketID through the CLI and returns their ids, oldest first.
func postedNotes(t *testing.T, server *gleaptest.Server, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		r := gleap(t, server.URL, "", nil, "send", "--ticket", ticketID, "--text", "note", "--note")
		require.Equal(t, exitOK, r.code, r.stderr)
		var printed struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &printed))
		ids[i] = printed.ID
	}
	return ids
}

func TestListPrintsOneMessagePerLineAcrossPages(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	ids := postedNotes(t, server, 3)
	gleap(t, server.URL, "", nil, "send", "--ticket", "6752e9a8b7c6d5e4f3a2ffff", "--text", "elsewhere")

	r := gleap(t, server.URL, "", nil, "list", "--ticket", ticketID, "--type", "COMMENT", "--since", "2020-01-01")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	var listed []string
	lines := bufio.NewScanner(strings.NewReader(r.stdout))
	for lines.Scan() {
		var message struct{ ID, Ticket string }
		require.NoError(t, json.Unmarshal(lines.Bytes(), &message), "each line is one JSON message")
		assert.Equal(t, ticketID, message.Ticket)
		listed = append(listed, message.ID)
	}
	assert.Equal(t, ids, listed)
}

func TestListNeverPrintsTheKeyAServerEchoesInAMessage(t *testing.T) {
	t.Parallel()
	// A server that puts the key it was sent into the messages it lists: plainly, inside the TipTap
	// document, in a field the types do not declare, and spelled with JSON escapes. Two pages, the
	// second a bare array, as Gleap's other paging mode answers.
	echo := func(page string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			escaped := fmt.Sprintf(`\u%04x`, key[0]) + key[1:]
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, page, key, key, escaped)
		})
	}
	message := `{"id":"6752f0c1a4b3c2d1e0f9876%d","ticket":"` + ticketID + `","messageRef":"ref-%%[1]s",` +
		`"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Invalid key %%[2]s"}]}]},` +
		`"echo":"%%[3]s"}`
	first := `{"items":[` + fmt.Sprintf(message, 1) + `,` + fmt.Sprintf(message, 2) + `],"hasMore":true,"nextBefore":"2026-11-25T09:30:00.123Z"}`
	second := `[` + fmt.Sprintf(message, 3) + `]`
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: echo(first)}, gleaptest.Fault{Handler: echo(second)}))

	r := gleap(t, server.URL, "", nil, "list", "--ticket", ticketID) // gleap fails t if the key is printed

	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 3, "one line per message, across both pages")
	for i, line := range lines {
		var printed map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &printed), "each line is one JSON message")
		assert.Equal(t, fmt.Sprintf("6752f0c1a4b3c2d1e0f9876%d", i+1), printed["id"], "the messages in order")
		assert.Equal(t, "ref-[REDACTED]", printed["messageRef"])
		assert.Equal(t, "[REDACTED]", printed["echo"], "also where JSON escapes spell the key")
		assert.Contains(t, line, `"text":"Invalid key [REDACTED]"`)
	}
}

func TestListLimitStopsAskingForPages(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	postedNotes(t, server, 5)
	before := len(server.Requests())

	r := gleap(t, server.URL, "", nil, "list", "--ticket", ticketID, "--limit", "2")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, 2, strings.Count(r.stdout, "\n"))
	requests := server.Requests()[before:]
	require.Len(t, requests, 1, "two messages are one page")
	assert.Equal(t, "2", requests[0].Query.Get("limit"))
}

func TestUpdateChangesTheFieldsOfTheJSONAndPrintsTheMessage(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	id := postedNotes(t, server, 1)[0]

	r := gleap(t, server.URL, `{"rating": "5", "isNote": false}`, nil, "update", id, "--json", "-")

	require.Equal(t, exitOK, r.code, r.stderr)
	var printed struct {
		Rating string
		IsNote bool
		Ticket string
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &printed))
	assert.Equal(t, "5", printed.Rating)
	assert.False(t, printed.IsNote)
	assert.Equal(t, ticketID, printed.Ticket, "fields not in the JSON stay")

	flagsFirst := gleap(t, server.URL, `{"rating": "4"}`, nil, "update", "--json", "-", id)
	require.Equal(t, exitOK, flagsFirst.code, flagsFirst.stderr)
	assert.Equal(t, "4", *server.Messages()[0].Rating)
}

func TestDeleteRemovesTheMessage(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	ids := postedNotes(t, server, 2)

	r := gleap(t, server.URL, "", nil, "delete", ids[0])

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout+r.stderr)
	require.Len(t, server.Messages(), 1)
	assert.Equal(t, ids[1], server.Messages()[0].ID)
}

func TestListUpdateAndDeleteErrors(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	cases := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"list: a bad date", "", []string{"list", "--since", "yesterday"}, exitUsage, "--since"},
		{"list: a negative limit", "", []string{"list", "--limit", "-1"}, exitUsage, "--limit"},
		{"list: a blank type", "", []string{"list", "--type", "COMMENT,"}, exitUsage, "--type #2"},
		{"update: no id", "{}", []string{"update", "--json", "-"}, exitUsage, "name the message"},
		{"update: no JSON", "", []string{"update", "6752f0c1a4b3c2d1e0f98765"}, exitUsage, "--json is required"},
		{"update: an unknown field", `{"colour":"red"}`, []string{"update", "6752f0c1a4b3c2d1e0f98765", "--json", "-"}, exitUsage, "colour"},
		{"update: nothing to change", `{}`, []string{"update", "6752f0c1a4b3c2d1e0f98765", "--json", "-"}, exitUsage, "sets no field"},
		{"update: an unknown message", `{"rating":"5"}`, []string{"update", "6752f0c1a4b3c2d1e0f98765", "--json", "-"}, exitFailure, "404"},
		{"delete: no id", "", []string{"delete"}, exitUsage, "name the message"},
		{"delete: the id ..", "", []string{"delete", ".."}, exitUsage, "MESSAGE_ID"},
		{"delete: an unknown message", "", []string{"delete", "6752f0c1a4b3c2d1e0f98765"}, exitFailure, "404"},
		{"delete: two ids", "", []string{"delete", "a", "b"}, exitUsage, "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := gleap(t, server.URL, tc.stdin, nil, tc.args...)
			assert.Equal(t, tc.wantCode, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.wantErr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			assert.Empty(t, r.stdout)
		})
	}
	for _, request := range server.Requests() {
		assert.NotEqual(t, http.StatusBadRequest, request.Status, "nothing the contract refuses was sent")
	}
}

func TestSendRefusesWhatTheClientRefusesWithExitTwo(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	for name, args := range map[string][]string{
		"sending":   {"send", "--json", "-"},
		"a dry run": {"send", "--json", "-", "--dry-run"},
	} {
		r := gleap(t, server.URL, `{"ticket":"`+ticketID+`","user":"  "}`, nil, args...)
		assert.Equal(t, exitUsage, r.code, "%s: %s", name, r.stderr)
		assert.Contains(t, r.stderr, "gleap: invalid user", name)
	}
	assert.Empty(t, server.Requests(), "nothing was sent")

	r := gleap(t, server.URL, `{"ticket":"`+ticketID+`","data":"<b>&"}`, nil, "send", "--json", "-", "--dry-run")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"data": "<b>&"`, "the dry run shows the body as it would be sent")
}
