package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
)

const (
	testKey  = "gl_sk_4e1f8a2b6c9d3e7f0a5b"
	ticketID = "6752e9a8b7c6d5e4f3a21098"
)

// result is what one command line did.
type result struct {
	code           int
	stdout, stderr string
}

// gleap runs the CLI with args, stdin and an environment pointing at baseURL with the test credentials
// (env entries override them; an empty value unsets one). The key must never be printed.
func gleap(t *testing.T, baseURL, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	return gleapContext(context.Background(), t, baseURL, stdin, env, args...)
}

// gleapContext is gleap with a context: Ctrl-C is ctx ending.
func gleapContext(ctx context.Context, t *testing.T, baseURL, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": baseURL}
	for name, value := range env {
		vars[name] = value
	}
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, stdio{strings.NewReader(stdin), &stdout, &stderr}, func(name string) string { return vars[name] })
	r := result{code, stdout.String(), stderr.String()}
	assert.NotContains(t, r.stdout+r.stderr, testKey, "the key must never be printed")
	return r
}

func TestSendPostsAndPrintsTheStoredMessage(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)

	r := gleap(t, server.URL, "", nil, "send", "--ticket", ticketID, "--text", "Deployed the fix.\nPlease try again.")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	var printed map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &printed))
	assert.Equal(t, ticketID, printed["ticket"])
	assert.Regexp(t, "^[0-9a-f]{24}$", printed["_id"])
	assert.NotContains(t, printed, "aiData", "fields Gleap did not send are not printed as null")
	messages := server.Messages()
	require.Len(t, messages, 1)
	assert.Contains(t, string(messages[0].Comment), `"text":"Please try again."`)
	assert.Nil(t, messages[0].IsNote)
}

func TestSendFlagsShapeTheMessage(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)

	r := gleap(t, server.URL, "", nil, "send", "--ticket", ticketID, "--text", "Files attached", "--note", "--bot",
		"--attach", "invoice.pdf=https://files.example.com/invoice.pdf", "--attach", "notes.txt=https://files.example.com/notes.txt")

	require.Equal(t, exitOK, r.code, r.stderr)
	messages := server.Messages()
	require.Len(t, messages, 1)
	assert.True(t, *messages[0].IsNote)
	assert.True(t, *messages[0].Bot)
	require.Len(t, messages[0].Attachments, 2)
	assert.Equal(t, "invoice.pdf", messages[0].Attachments[0].Name)
	assert.Equal(t, "application/pdf", *messages[0].Attachments[0].Type)
	assert.Equal(t, "https://files.example.com/notes.txt", messages[0].Attachments[1].URL)
}

func TestSendJSONFromAFileOrStdin(t *testing.T) {
	t.Parallel()
	message := `{"ticket":"` + ticketID + `","type":"COMMENT","comment":{"type":"doc","content":[]},"messageRef":"refund-4711","data":{"orderId":4711}}`
	file := filepath.Join(t.TempDir(), "message.json")
	require.NoError(t, os.WriteFile(file, []byte(message), 0o600))

	t.Run("file", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		r := gleap(t, server.URL, "", nil, "send", "--json", file)
		require.Equal(t, exitOK, r.code, r.stderr)
		require.Len(t, server.Messages(), 1)
		assert.Equal(t, "refund-4711", *server.Messages()[0].MessageRef)
		assert.JSONEq(t, `{"orderId":4711}`, string(server.Messages()[0].Data))
	})
	t.Run("stdin, with whitespace after the message", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		r := gleap(t, server.URL, message+"\n \t\r\n", nil, "send", "--json", "-")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, server.Messages(), 1)
	})
	t.Run("stdin, with the ticket from --ticket", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		r := gleap(t, server.URL, `{"type":"COMMENT","comment":{"type":"doc"}}`, nil, "send", "--json", "-", "--ticket", ticketID)
		require.Equal(t, exitOK, r.code, r.stderr)
		require.Len(t, server.Messages(), 1)
		assert.Equal(t, ticketID, *server.Messages()[0].Ticket)
	})
}

func TestSendWithNothingToSayIsRefused(t *testing.T) {
	t.Parallel()
	const noText = "gleap send: nothing to send: give --text or --attach, or the whole message with --json\n"
	const onlyTicket = "gleap send: --json: the message sets no field besides the ticket: nothing to send\n"
	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"only --ticket", "", []string{"--ticket", ticketID}, noText},
		{"only --ticket, a dry run", "", []string{"--ticket", ticketID, "--dry-run"}, noText},
		{"--note and --bot say nothing", "", []string{"--ticket", ticketID, "--note", "--bot"}, noText},
		{"a blank --text", "", []string{"--ticket", ticketID, "--text", " \n\t"}, noText},
		{"--json {} with --ticket", "{}", []string{"--ticket", ticketID, "--json", "-"}, onlyTicket},
		{"--json with only the ticket", `{"ticket":"` + ticketID + `"}`, []string{"--json", "-"}, onlyTicket},
		{"--json {}", "{}", []string{"--json", "-"}, onlyTicket},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			r := gleap(t, server.URL, tc.stdin, nil, append([]string{"send"}, tc.args...)...)
			assert.Equal(t, exitUsage, r.code)
			assert.Equal(t, tc.want, r.stderr)
			assert.Empty(t, r.stdout)
			assert.Empty(t, server.Requests(), "nothing is sent")
		})
	}

	server := gleaptest.NewServer(t)
	r := gleap(t, server.URL, "", nil, "send", "--ticket", ticketID, "--attach", "invoice.pdf=https://files.example.com/invoice.pdf")
	require.Equal(t, exitOK, r.code, "a file says something: %s", r.stderr)
	assert.Len(t, server.Messages(), 1)
}

func TestDryRunPrintsTheRequestAndSendsNothing(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)

	r := gleap(t, server.URL, "", nil, "send", "--ticket", ticketID, "--text", "Hello", "--dry-run")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "POST "+server.URL+"/messages\n")
	assert.Contains(t, r.stdout, "Authorization: Bearer ****0a5b\n")
	assert.Contains(t, r.stdout, "project: 64f1c2d3e4a5b6c7d8e9f999\n")
	body := r.stdout[strings.Index(r.stdout, "\n\n"):]
	var req api.CreateMessageRequest
	require.NoError(t, json.Unmarshal([]byte(body), &req))
	assert.Equal(t, ticketID, *req.Ticket)
	assert.Empty(t, server.Requests(), "nothing is sent")
}

func TestSendErrorsAreOneLineWithTheCause(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		faults   []gleaptest.Fault
		env      map[string]string
		stdin    string
		args     []string
		wantCode int
		wantErr  string
		requests int
	}{
		{"missing key", nil, map[string]string{"GLEAP_API_KEY": ""}, "", []string{"--ticket", ticketID, "--text", "hi"}, exitUsage, "no API key: set GLEAP_API_KEY", 0},
		{"missing project", nil, map[string]string{"GLEAP_PROJECT": ""}, "", []string{"--ticket", ticketID, "--text", "hi"}, exitUsage, "no project: set GLEAP_PROJECT", 0},
		{"malformed key", nil, map[string]string{"GLEAP_API_KEY": testKey + "\r\nX-Evil: 1"}, "", []string{"--ticket", ticketID, "--text", "hi"}, exitUsage, "gleap: invalid GLEAP_API_KEY", 0},
		{"key too short", nil, map[string]string{"GLEAP_API_KEY": "test"}, "", []string{"--ticket", ticketID, "--text", "hi"}, exitUsage, "gleap: invalid GLEAP_API_KEY: is shorter than 8 characters", 0},
		{"blank ticket", nil, nil, "", []string{"--ticket", " ", "--text", "hi"}, exitUsage, "gleap: invalid --ticket: must not be blank", 0},
		{"no text", nil, nil, "", []string{"--ticket", ticketID}, exitUsage, "gleap send: nothing to send", 0},
		{"attachment without a URL", nil, nil, "", []string{"--ticket", ticketID, "--text", "hi", "--attach", "a.pdf"}, exitUsage, "want NAME=URL", 0},
		{"relative attachment URL", nil, nil, "", []string{"--ticket", ticketID, "--text", "hi", "--attach", "a.pdf=files/a.pdf"}, exitUsage, "gleap: invalid URL of --attach #1", 0},
		{"JSON with an unknown field", nil, nil, `{"ticket":"t","colour":"red"}`, []string{"--json", "-"}, exitUsage, `unknown field "colour"`, 0},
		{"JSON without a ticket", nil, nil, `{"type":"COMMENT"}`, []string{"--json", "-"}, exitUsage, "gleap: invalid ticket", 0},
		{"JSON file missing", nil, nil, "", []string{"--json", "/nonexistent/message.json"}, exitUsage, "no such file", 0},
		{"JSON followed by another object", nil, nil, `{"ticket":"t"} {"ticket":"u"}`, []string{"--json", "-"}, exitUsage, "gleap: --json: there is data after the message", 0},
		{"JSON followed by garbage", nil, nil, `{"ticket":"t"}` + "\nrm -rf /", []string{"--json", "-"}, exitUsage, "gleap: --json: there is data after the message", 0},
		{"JSON followed by a stray brace", nil, nil, `{"ticket":"t"}}`, []string{"--json", "-"}, exitUsage, "gleap: --json: there is data after the message", 0},
		{"JSON over the size cap", nil, nil, `{"ticket":"t","messageRef":"` + strings.Repeat("a", maxJSONInputBytes) + `"}`, []string{"--json", "-"}, exitUsage, "gleap: --json: the input is over the 8 MiB limit", 0},
		{"JSON padded over the size cap", nil, nil, `{"ticket":"t"}` + strings.Repeat(" ", maxJSONInputBytes), []string{"--json", "-"}, exitUsage, "gleap: --json: the input is over the 8 MiB limit", 0},
		{"JSON and --text", nil, nil, "", []string{"--json", "-", "--text", "hi"}, exitUsage, "cannot be combined", 0},
		{"bad base URL", nil, map[string]string{"GLEAP_BASE_URL": "api.gleap.io/v3"}, "", []string{"--ticket", ticketID, "--text", "hi"}, exitUsage, "gleap: invalid GLEAP_BASE_URL", 0},
		{"unknown flag", nil, nil, "", []string{"--colour", "red"}, exitUsage, "flag provided but not defined: -colour", 0},
		{"401 from the server", []gleaptest.Fault{{Status: 401}}, nil, "", []string{"--ticket", ticketID, "--text", "hi"}, exitFailure, "401 Unauthorized", 1},
		{"429 after retries", []gleaptest.Fault{{Status: 429}, {Status: 429}}, nil, "", []string{"--ticket", ticketID, "--text", "hi", "--max-retries", "1"}, exitFailure, "429 Too Many Requests: gleaptest: scripted fault (2 attempts)", 2},
		{"503: the outcome is unknown", []gleaptest.Fault{{Status: 503}}, nil, "", []string{"--ticket", ticketID, "--text", "hi"}, exitFailure, "outcome unknown", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t, gleaptest.WithFaults(tc.faults...))
			r := gleap(t, server.URL, tc.stdin, tc.env, append([]string{"send"}, tc.args...)...)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Empty(t, r.stdout)
			cause, hint, _ := strings.Cut(r.stderr, "\n")
			assert.Contains(t, cause, tc.wantErr, "the first line names the cause")
			assert.True(t, hint == "" || hint == "run \"gleap send --help\" for the flags\n", "at most a hint follows: %q", hint)
			assert.Len(t, server.Requests(), tc.requests)
			assert.Empty(t, server.Messages())
		})
	}
}

func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"help"}, {"messages", "send", "--help"}, {"send", "--help"}, {"mock", "--help"}, {"send", "-h"}} {
		r := gleap(t, "", "", nil, args...)
		assert.Equal(t, exitOK, r.code, args)
		assert.Contains(t, r.stdout, "gleap messages send --ticket", args)
	}
	commands := [][]string{{"messages", "send"}, {"messages", "list"}, {"messages", "update"}, {"messages", "delete"},
		{"messages", "search"}, {"messages", "faq"}, {"send"}, {"list"}, {"update"}, {"delete"}, {"mock"}}
	for _, command := range commands {
		r := gleap(t, "", "", nil, slices.Concat(command, []string{"--help"})...)
		assert.Empty(t, r.stderr, "--help of %s writes its help to stdout only", command)
		r = gleap(t, "", "", nil, slices.Concat(command, []string{"--no-such-flag"})...)
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, `run "gleap `+strings.Join(command, " ")+` --help" for the flags`, "the hint names the command as typed")
	}
	examples := map[string]string{"list": "gleap messages list --ticket", "update": "gleap messages update 6752", "delete": "gleap messages delete 6752",
		"search": "gleap messages search refund", "faq": "gleap messages faq 6752"}
	for verb, example := range examples {
		r := gleap(t, "", "", nil, "messages", verb, "--help")
		assert.Equal(t, exitOK, r.code, verb)
		assert.Contains(t, r.stdout, example, verb)
		assert.Contains(t, r.stdout, "-api-key", "%s has the connection flags", verb)
	}
	for _, args := range [][]string{{}, {"publish"}, {"send", "extra-argument"}, {"messages", "send", "extra-argument"}} {
		r := gleap(t, "", "", nil, args...)
		assert.Equal(t, exitUsage, r.code, args)
		assert.NotEmpty(t, r.stderr, args)
	}
}
