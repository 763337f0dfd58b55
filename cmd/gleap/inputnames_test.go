package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// TestErrorsNameWhatTheUserTyped runs every command line whose input the client refuses: the error names
// the flag, the environment variable or the argument the user gave, never the Go name the client knows
// it by, nor a Go option.
func TestErrorsNameWhatTheUserTyped(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	const message = "6752f0c1a4b3c2d1e0f98765"
	const insecure = "uses http:// on a host other than loopback, which would send the API key unencrypted; use https:// or opt in with --insecure-http"
	cases := []struct {
		name  string
		env   map[string]string
		stdin string
		args  []string
		want  string
	}{
		{"a blank --ticket", nil, "", []string{"send", "--ticket", " ", "--text", "hi"}, "gleap: invalid --ticket: must not be blank"},
		{"--text not UTF-8", nil, "", []string{"send", "--ticket", ticketID, "--text", "\xff"}, "gleap: invalid --text: is not valid UTF-8"},
		{"--text too long", nil, "", []string{"send", "--ticket", ticketID, "--text", strings.Repeat("x", 70_000)}, "gleap: invalid --text: is 70000 bytes, more than the 65536 accepted"},
		{"a relative --attach URL", nil, "", []string{"send", "--ticket", ticketID, "--text", "hi", "--attach", "a.pdf=https://files.example.com/a.pdf", "--attach", "b.pdf=files/b.pdf"},
			"gleap: invalid URL of --attach #2: must be an absolute http(s) URL, such as https://example.com/file.pdf"},
		{"a blank --attach name", nil, "", []string{"send", "--ticket", ticketID, "--text", "hi", "--attach", " =https://files.example.com/a.pdf", "--dry-run"},
			"gleap: invalid NAME of --attach #1: must not be blank"},
		{"a malformed GLEAP_API_KEY", map[string]string{"GLEAP_API_KEY": "two words"}, "", []string{"send", "--ticket", ticketID, "--text", "hi"},
			"gleap: invalid GLEAP_API_KEY: must hold only visible ASCII characters (no spaces, line breaks or control characters)"},
		{"a malformed --api-key", nil, "", []string{"list", "--api-key", "two words"}, "gleap: invalid --api-key: must hold only visible ASCII"},
		{"a malformed GLEAP_PROJECT", map[string]string{"GLEAP_PROJECT": "two words"}, "", []string{"delete", message}, "gleap: invalid GLEAP_PROJECT: must hold only visible ASCII"},
		{"a malformed --project", nil, "", []string{"send", "--ticket", ticketID, "--text", "hi", "--project", "two words"}, "gleap: invalid --project: must hold only visible ASCII"},
		{"GLEAP_BASE_URL without a scheme", map[string]string{"GLEAP_BASE_URL": "api.gleap.io/v3"}, "", []string{"list"}, "gleap: invalid GLEAP_BASE_URL: must start with https:// or http://"},
		{"--base-url with credentials", nil, "", []string{"send", "--ticket", ticketID, "--text", "hi", "--base-url", "https://user:secret@api.gleap.io/v3"},
			"gleap: invalid --base-url: must not hold credentials; the API key comes from GLEAP_API_KEY or --api-key"},
		{"plain http to another host in GLEAP_BASE_URL", map[string]string{"GLEAP_BASE_URL": "http://10.1.2.3:4010/v3"}, "", []string{"send", "--ticket", ticketID, "--text", "hi"},
			"gleap: invalid GLEAP_BASE_URL: " + insecure},
		{"plain http to another host in --base-url, in a batch", nil, "", []string{"send", "--batch", "-", "--base-url", "http://10.1.2.3:4010/v3"},
			"gleap: invalid --base-url: " + insecure},
		{"a negative --max-retries", nil, `{"rating":"5"}`, []string{"update", message, "--json", "-", "--max-retries", "-1"}, "gleap: invalid --max-retries: must not be negative"},
		{"a blank --ticket for list", nil, "", []string{"list", "--ticket", " "}, "gleap: invalid --ticket: must not be blank when it is set"},
		{"a blank --type", nil, "", []string{"list", "--type", "COMMENT,"}, "gleap: invalid --type #2: must be a type name, not blank and without a comma"},
		{"update: the id ..", nil, `{"rating":"5"}`, []string{"update", "..", "--json", "-"}, "gleap: invalid MESSAGE_ID: is not an id"},
		{"delete: the id ..", nil, "", []string{"delete", ".."}, "gleap: invalid MESSAGE_ID: is not an id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := gleap(t, server.URL, tc.stdin, tc.env, tc.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.True(t, strings.HasPrefix(r.stderr, tc.want), "got %q", r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			for _, goName := range []string{"ticketID", "Types[", "RetryPolicy", "apiKey", "projectID", "baseURL", "messageID", "attachments[", "With", " New"} {
				assert.NotContains(t, r.stderr, goName)
			}
		})
	}
	assert.Empty(t, server.Requests(), "nothing was sent")
}

func TestInsecureHTTPAllowsPlainHTTPToAnotherHost(t *testing.T) {
	t.Parallel()
	args := []string{"send", "--ticket", ticketID, "--text", "hi", "--base-url", "http://10.1.2.3:4010/v3", "--dry-run"}

	refused := gleap(t, "", "", nil, args...)
	allowed := gleap(t, "", "", nil, append(args, "--insecure-http")...)

	assert.Equal(t, exitUsage, refused.code)
	assert.Equal(t, exitOK, allowed.code, allowed.stderr)
	assert.Contains(t, allowed.stdout, "POST http://10.1.2.3:4010/v3/messages\n")
}
