package bulk_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// changingInput yields reqs numbered by their index; from its reading number from on (1 for the first),
// change may alter each request, or leave it out by returning false.
func changingInput(reqs []wrapper.CreateMessageRequest, from int, change func(number int, req *wrapper.CreateMessageRequest) bool) func(func(int, wrapper.CreateMessageRequest) bool) {
	readings := 0
	return func(yield func(int, wrapper.CreateMessageRequest) bool) {
		readings++
		for number, req := range reqs {
			if readings >= from && !change(number, &req) {
				continue
			}
			if !yield(number, req) {
				return
			}
		}
	}
}

// startedJournal writes a journal for an input of lines lines, named "sha256:00", sent to server, in
// which request 0 was started by a run that stopped before its outcome.
func startedJournal(t *testing.T, server *gleaptest.Server, lines int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	header := fmt.Sprintf(`{"journal":"gleap send --batch","version":1,"input":"sha256:00","lines":%d,"project":%q,"baseURL":%q}`, lines, testProject, server.URL)
	require.NoError(t, os.WriteFile(path, []byte(header+"\n"+`{"line":0,"status":"started"}`+"\n"), 0o600))
	return path
}

func TestSendRefusesAnInputThatChangesBetweenReadings(t *testing.T) {
	t.Parallel()
	loseTicket := func(number int, req *wrapper.CreateMessageRequest) bool {
		if number == 0 {
			req.Ticket = nil
		}
		return true
	}
	moveTicket := func(number int, req *wrapper.CreateMessageRequest) bool {
		if number == 0 {
			req.Ticket = wrapper.Ptr(tickets[2])
		}
		return true
	}
	cases := []struct {
		name string
		// started: request 0 has an unknown outcome, from a run that stopped.
		started bool
		from    int
		change  func(number int, req *wrapper.CreateMessageRequest) bool
		// want is the request the error names and what it says; posted how many requests were sent.
		wantNumber int
		want       string
		posted     int
	}{
		{"an uncertain request loses its ticket before it is looked for", true, 3, loseTicket, 0, "its ticket or messageRef changed", 0},
		{"an uncertain request moves to another ticket before it is looked for", true, 3, moveTicket, 0, "its ticket or messageRef changed", 0},
		{"an uncertain request loses its ticket before it is settled", true, 2, loseTicket, 3, "a request up to this one differs from its first reading", 0},
		{"a request is left out of the reading that sends", false, 2, func(number int, _ *wrapper.CreateMessageRequest) bool { return number != 1 },
			1, "it is missing from a later reading of the input", 1},
		{"the last request is left out of the reading that sends", false, 2, func(number int, _ *wrapper.CreateMessageRequest) bool { return number != 3 },
			3, "it is missing from a later reading of the input", 3},
		{"a request's text changes in the reading that sends", false, 2, func(number int, req *wrapper.CreateMessageRequest) bool {
			if number == 2 {
				req.Comment = wrapper.PlainTextDoc("changed")
			}
			return true
		}, 3, "a request up to this one differs from its first reading", 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			journal := filepath.Join(t.TempDir(), "journal.jsonl")
			if tc.started {
				journal = startedJournal(t, server, 3)
			}
			outcomes := collect(t)

			var err error
			require.NotPanics(t, func() {
				_, err = bulk.Send(context.Background(), newClient(t, server), changingInput(notes(t, 4), tc.from, tc.change),
					bulk.WithJournal(journal), bulk.WithInputID("sha256:00", 3), bulk.WithConcurrency(1), outcomes.option())
			})

			var inputErr *bulk.InputError
			require.ErrorAs(t, err, &inputErr)
			assert.Equal(t, tc.wantNumber, inputErr.Number)
			assert.ErrorContains(t, err, tc.want)
			assert.ErrorContains(t, err, "the input must yield the same requests on every reading")
			assert.Equal(t, tc.posted, withMethod(server.Requests(), http.MethodPost))
			assert.Len(t, outcomes.byNumber, tc.posted, "every request sent is reported, none other")
		})
	}
}

func TestSendRefusesARequestAddedToTheReadingThatSends(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	reqs := notes(t, 3)
	readings := 0
	growing := func(yield func(int, wrapper.CreateMessageRequest) bool) {
		readings++
		for number, req := range reqs {
			if number == 1 && readings > 1 {
				if !yield(number, req) {
					return
				}
			} else if number != 1 && !yield(number, req) {
				return
			}
		}
	}

	_, err := bulk.Send(context.Background(), newClient(t, server), growing, bulk.WithJournal(filepath.Join(t.TempDir(), "journal.jsonl")),
		bulk.WithInputID("sha256:00", 2), bulk.WithConcurrency(1))

	var inputErr *bulk.InputError
	require.ErrorAs(t, err, &inputErr)
	assert.Equal(t, 1, inputErr.Number)
	assert.ErrorContains(t, err, "it is not in the first reading of the input")
	assert.Equal(t, 1, withMethod(server.Requests(), http.MethodPost), "request 0 only: no request after the change is sent")
}
