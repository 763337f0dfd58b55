package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// seenRequest is what a request to gleaptest was, without what differs between two servers (the port).
type seenRequest struct {
	method, path, query, body string
	status                    int
}

// requestsAfter returns the requests server saw after the first skip.
func requestsAfter(server *gleaptest.Server, skip int) []seenRequest {
	var seen []seenRequest
	for _, r := range server.Requests()[skip:] {
		seen = append(seen, seenRequest{r.Method, r.Path, r.Query.Encode(), string(r.Body), r.Status})
	}
	return seen
}

func TestShortcutsDoWhatTheNounVerbFormsDo(t *testing.T) {
	t.Parallel()
	const missingID = "6752f0c1a4b3c2d1e0f9ffff"
	message := `{"ticket":"` + ticketID + `","comment":{"type":"doc","content":[]},"messageRef":"refund-4711"}`
	cases := []struct {
		name   string
		notes  int // posted before, the first one's id replacing "{id}" in args
		stdin  string
		verb   string
		args   []string
		wantOK bool
	}{
		{"send a text", 0, "", "send", []string{"--ticket", ticketID, "--text", "Deployed the fix.", "--note"}, true},
		{"send JSON", 0, message, "send", []string{"--json", "-"}, true},
		{"send nothing", 0, "", "send", []string{"--ticket", ticketID}, false},
		{"send with a blank ticket", 0, "", "send", []string{"--ticket", " ", "--text", "hi"}, false},
		{"list a ticket", 2, "", "list", []string{"--ticket", ticketID, "--type", "COMMENT"}, true},
		{"list with a bad date", 0, "", "list", []string{"--since", "yesterday"}, false},
		{"update", 1, `{"rating": "5"}`, "update", []string{"{id}", "--json", "-"}, true},
		{"update a missing message", 0, `{"rating": "5"}`, "update", []string{missingID, "--json", "-"}, false},
		{"update without the JSON", 1, "", "update", []string{"{id}"}, false},
		{"delete", 2, "", "delete", []string{"{id}"}, true},
		{"delete a missing message", 0, "", "delete", []string{missingID}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Two servers in the same state, on a clock that stands still, so that they store and answer
			// alike: one for each form of the command.
			now := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
			runOn := func(command ...string) (result, []seenRequest, *gleaptest.Server) {
				server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return now }))
				ids := postedNotes(t, server, tc.notes)
				args := slices.Clone(tc.args)
				for i, arg := range args {
					if arg == "{id}" {
						args[i] = ids[0]
					}
				}
				before := len(server.Requests())
				r := gleap(t, server.URL, tc.stdin, nil, slices.Concat(command, args)...)
				return r, requestsAfter(server, before), server
			}
			long, longRequests, longServer := runOn("messages", tc.verb)
			short, shortRequests, shortServer := runOn(tc.verb)

			assert.Equal(t, tc.wantOK, long.code == exitOK, "the case is what it says: %s", long.stderr)
			assert.Equal(t, long, short, "the same exit code, stdout and stderr")
			assert.Equal(t, longRequests, shortRequests, "the same requests")
			assert.Equal(t, longServer.Messages(), shortServer.Messages(), "the same messages stored")
		})
	}
}

func TestShortcutsShowTheHelpOfTheirNounVerbForm(t *testing.T) {
	t.Parallel()
	for _, n := range nouns {
		for _, v := range n.verbs {
			long := gleap(t, "", "", nil, n.name, v.name, "--help")
			require.Equal(t, exitOK, long.code, v.name)
			assert.True(t, strings.HasPrefix(long.stdout, "Usage:\n  gleap "+n.name+" "+v.name+" "), "the noun-verb form comes first: %s", long.stdout)
			if !v.shortcut {
				assert.NotContains(t, long.stdout, "Shortcut", v.name)
				continue
			}
			assert.Contains(t, long.stdout, "\nShortcut: gleap "+v.name+" runs gleap "+n.name+" "+v.name+", with the same flags.\n")
			short := gleap(t, "", "", nil, v.name, "--help")
			assert.Equal(t, long, short, "gleap %s is gleap %s %s, its help too", v.name, n.name, v.name)
		}
	}
}

func TestUsageAndNounHelpNameEveryVerbAndShortcut(t *testing.T) {
	t.Parallel()
	usage := gleap(t, "", "", nil, "--help")
	require.Equal(t, exitOK, usage.code)
	nounHelp := gleap(t, "", "", nil, "messages", "--help")
	require.Equal(t, exitOK, nounHelp.code)
	assert.Empty(t, nounHelp.stderr)
	assert.True(t, strings.HasPrefix(nounHelp.stdout, "Usage:\n  gleap messages VERB"), nounHelp.stdout)
	assert.Equal(t, nounHelp, gleap(t, "", "", nil, "messages", "help"))

	for _, verb := range []string{"send", "list", "update", "delete", "search", "faq"} {
		assert.Contains(t, usage.stdout, "\n  gleap messages "+verb+" ", verb)
		assert.Regexp(t, "\n  "+verb+" +[a-z]", nounHelp.stdout, "the noun's help lists %s", verb)
	}
	for _, verb := range []string{"send", "list", "update", "delete"} {
		assert.Regexp(t, "\n  gleap "+verb+" +is gleap messages "+verb+"\n", usage.stdout)
		assert.Regexp(t, "\n  "+verb+" .*\\(shortcut: gleap "+verb+"\\)\n", nounHelp.stdout)
	}
	assert.Less(t, strings.Index(usage.stdout, "gleap messages send"), strings.Index(usage.stdout, "gleap send"),
		"the noun-verb form comes before the shortcut")
	for line := range strings.Lines(usage.stdout + nounHelp.stdout) {
		assert.False(t, strings.HasSuffix(line, " \n"), "no line ends in a space: %q", line)
	}
}

func TestUnknownNounsAndVerbsAreNamed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		args      []string
		wantFirst string // the first line of stderr
		wantHelp  string // what follows it
	}{
		{"a noun to come", []string{"sessions", "list"}, `gleap: unknown command "sessions"`, "Usage:\n  gleap messages send"},
		{"a verb without a shortcut", []string{"search", "refund"}, `gleap: unknown command "search"`, "Usage:\n  gleap messages send"},
		{"an unknown verb", []string{"messages", "publish"}, `gleap messages: unknown verb "publish"`, "Usage:\n  gleap messages VERB"},
		{"a command that is no verb", []string{"messages", "mock"}, `gleap messages: unknown verb "mock"`, "Usage:\n  gleap messages VERB"},
		{"a flag for a verb", []string{"messages", "--ticket", ticketID}, `gleap messages: unknown verb "--ticket"`, "Usage:\n  gleap messages VERB"},
		{"the noun alone", []string{"messages"}, "Usage:", "  gleap messages VERB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			r := gleap(t, server.URL, "", nil, tc.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Empty(t, r.stdout, "the help goes to stderr")
			first, rest, _ := strings.Cut(r.stderr, "\n")
			assert.Equal(t, tc.wantFirst, first)
			assert.Contains(t, rest, tc.wantHelp)
			assert.Empty(t, server.Requests(), "nothing is sent")
		})
	}
}

func TestHintsNameTheCommandAsTyped(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"messages", "send", "--colour", "red"}, "run \"gleap messages send --help\" for the flags\n"},
		{[]string{"send", "--colour", "red"}, "run \"gleap send --help\" for the flags\n"},
		{[]string{"messages", "update", "--json", "-"}, "gleap messages update: name the message: gleap messages update MESSAGE_ID\n"},
		{[]string{"update", "--json", "-"}, "gleap update: name the message: gleap update MESSAGE_ID\n"},
		{[]string{"messages", "list", "extra"}, "gleap messages list: unexpected argument \"extra\"\n"},
		{[]string{"list", "extra"}, "gleap list: unexpected argument \"extra\"\n"},
	}
	for _, tc := range cases {
		r := gleap(t, "", "", nil, tc.args...)
		assert.Equal(t, exitUsage, r.code, tc.args)
		assert.True(t, strings.HasSuffix(r.stderr, tc.want), "%v: %q", tc.args, r.stderr)
	}
}
