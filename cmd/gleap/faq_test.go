package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestFAQAcceptsOrDeclinesAMessage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string // "{id}" is the message's id
		want string   // the body sent
	}{
		{"accept by default", []string{"{id}"}, `{"accept":true}`},
		{"decline", []string{"{id}", "--decline"}, `{"accept":false}`},
		{"decline, the flag first", []string{"--decline", "{id}"}, `{"accept":false}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			id := postedNotes(t, server, 1)[0]
			args := []string{"messages", "faq"}
			for _, arg := range tc.args {
				args = append(args, strings.ReplaceAll(arg, "{id}", id))
			}

			r := gleap(t, server.URL, "", nil, args...)

			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stdout+r.stderr)
			requests := server.Requests()
			last := requests[len(requests)-1]
			assert.Equal(t, http.MethodPost, last.Method)
			assert.Equal(t, "/v3/messages/"+id+"/faq", last.Path)
			assert.JSONEq(t, tc.want, string(last.Body))
			assert.Equal(t, http.StatusNoContent, last.Status)
		})
	}
}

func TestFAQErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
		requests int
	}{
		{"a message that does not exist", []string{"6752f0c1a4b3c2d1e0f9ffff"}, exitFailure, `404 Not Found: Message "6752f0c1a4b3c2d1e0f9ffff" not found.`, 1},
		{"no message", []string{"--decline"}, exitUsage, "gleap messages faq: name the message: gleap messages faq MESSAGE_ID", 0},
		{"a blank message id", []string{" "}, exitUsage, "gleap: invalid MESSAGE_ID: must not be blank", 0},
		{"a value for --decline", []string{"6752f0c1a4b3c2d1e0f98765", "--decline=maybe"}, exitUsage, `invalid boolean value "maybe" for -decline`, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			r := gleap(t, server.URL, "", nil, append([]string{"messages", "faq"}, tc.args...)...)
			assert.Equal(t, tc.wantCode, r.code)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, tc.wantErr)
			assert.Len(t, server.Requests(), tc.requests)
		})
	}
}
