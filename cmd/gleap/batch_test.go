package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

const testProject = "64f1c2d3e4a5b6c7d8e9f999"

// The statuses of a line on stdout and in the journal, which alone has "started".
const (
	statusSent    = string(bulk.Sent)
	statusFailed  = string(bulk.Failed)
	statusUnknown = string(bulk.Unknown)
	statusSkipped = string(bulk.Skipped)
	statusStarted = "started"
)

// batchTickets are the tickets the batch inputs of the tests post into.
var batchTickets = []string{"6752e9a8b7c6d5e4f3a21098", "6752e9a8b7c6d5e4f3a21099", "6752e9a8b7c6d5e4f3a2109a"}

// batchLine is a valid line of --batch: a note into one of batchTickets, with messageRef ref unless ref
// is "". The text names the line, so that a message can be traced back to it without a messageRef.
func batchLine(number int, ref string) string {
	line := map[string]any{
		"ticket":  batchTickets[number%len(batchTickets)],
		"type":    "COMMENT",
		"isNote":  true,
		"comment": json.RawMessage(fmt.Sprintf(`{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"line %d"}]}]}`, number)),
	}
	if ref != "" {
		line["messageRef"] = ref
	}
	encoded, _ := json.Marshal(line)
	return string(encoded)
}

// batchInputOf returns an input of n lines, every one with the messageRef "ref-<line number>", except
// the line numbers in blank (left blank) and in noRef (without messageRef).
func batchInputOf(n int, blank, noRef []int) string {
	var input strings.Builder
	for number := 1; number <= n; number++ {
		switch {
		case slices.Contains(blank, number):
			input.WriteString("  ")
		case slices.Contains(noRef, number):
			input.WriteString(batchLine(number, ""))
		default:
			input.WriteString(batchLine(number, fmt.Sprintf("ref-%d", number)))
		}
		input.WriteByte('\n')
	}
	return input.String()
}

// writeInput writes input to a file in dir and returns its path.
func writeInput(t *testing.T, dir, input string) string {
	t.Helper()
	path := filepath.Join(dir, "input.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(input), 0o600))
	return path
}

// outcomes parses the output of send --batch, failing t unless each line is reported at most once.
func outcomes(t *testing.T, stdout string) map[int]lineOutcome {
	t.Helper()
	byLine := map[int]lineOutcome{}
	lines := bufio.NewScanner(strings.NewReader(stdout))
	for lines.Scan() {
		var outcome lineOutcome
		decoder := json.NewDecoder(strings.NewReader(lines.Text()))
		decoder.DisallowUnknownFields()
		require.NoError(t, decoder.Decode(&outcome), "each line of stdout is one outcome: %q", lines.Text())
		_, twice := byLine[outcome.Line]
		require.False(t, twice, "line %d is reported twice", outcome.Line)
		byLine[outcome.Line] = outcome
	}
	return byLine
}

// statuses returns the status of each reported line.
func statuses(byLine map[int]lineOutcome) map[int]string {
	got := map[int]string{}
	for number, outcome := range byLine {
		got[number] = outcome.Status
	}
	return got
}

// posts counts the POST requests among requests.
func posts(requests []gleaptest.Request) int {
	return withMethod(requests, http.MethodPost)
}

// withMethod counts the requests made with method.
func withMethod(requests []gleaptest.Request, method string) int {
	return countOf(requests, func(request gleaptest.Request) bool { return request.Method == method })
}

// countOf counts the requests that match.
func countOf(requests []gleaptest.Request, match func(gleaptest.Request) bool) int {
	n := 0
	for _, request := range requests {
		if match(request) {
			n++
		}
	}
	return n
}

// storedByRef returns the ids of the messages server stored, by messageRef, failing t on a messageRef
// stored twice.
func storedByRef(t *testing.T, server *gleaptest.Server) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, message := range server.Messages() {
		if message.MessageRef == nil {
			continue
		}
		_, twice := ids[*message.MessageRef]
		assert.False(t, twice, "messageRef %s is stored twice", *message.MessageRef)
		ids[*message.MessageRef] = message.ID
	}
	return ids
}

func TestBatchRefusesBadLinesAndSendsNothing(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	good := batchLine(1, "ref-1")
	lines := []string{
		good,
		`{"ticket":"` + batchTickets[0] + `","colour":"red"}`, // 2: unknown field
		"",
		`{"ticket":"` + batchTickets[0] + `","type":"COMMENT"`,                                      // 4: cut short
		`{"type":"COMMENT","comment":{"type":"doc"}}`,                                               // 5: no ticket
		`{"ticket":"` + batchTickets[0] + `","attachments":[{"name":"a.pdf","url":"files/a.pdf"}]}`, // 6: the client's check
		good + " " + good, // 7: two messages on one line
		`{"ticket":"` + batchTickets[0] + `","comment":"` + strings.Repeat("x", wrapper.MaxRequestBytes) + `"}`, // 8: over the body cap
		`{"ticket":"` + batchTickets[0] + `","messageRef":"` + strings.Repeat("y", maxBatchLineBytes) + `"}`,    // 9: over the line cap
	}
	for range 12 {
		lines = append(lines, `[]`) // 10-21: not an object
	}
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.jsonl")

	r := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, dir, strings.Join(lines, "\n")), "--journal", journalPath)

	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	first, rest, _ := strings.Cut(r.stderr, "\n")
	assert.Equal(t, "gleap send: --batch: 19 bad lines (2, 4, 5, 6, 7, 8, 9, 10, 11, 12 and 9 more); nothing was sent", first)
	for _, want := range []string{
		`line 2: not a message: json: unknown field "colour"`,
		"line 4: not a message: unexpected EOF",
		"line 5: gleap: invalid ticket: must be set on every line",
		"line 6: gleap: invalid attachments[0].url",
		"line 7: there is data after the message",
		"line 8: gleap: invalid request: encodes to",
		"line 9: longer than 8 MiB",
		"line 10: not a message: json: cannot unmarshal array",
	} {
		assert.Contains(t, rest, "  "+want)
	}
	assert.Equal(t, maxBadLinesShown+1, strings.Count(r.stderr, "\n"), "the first bad lines are named, the rest counted")
	assert.Empty(t, server.Requests(), "nothing is sent")
	assert.NoFileExists(t, journalPath, "nor is a journal started")
}

func TestBatchReportsEveryLineOnceWithTheStoredID(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	input := batchInputOf(30, []int{1, 10, 30}, []int{7})

	r := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, t.TempDir(), input), "--concurrency", "4", "--rate-limit", "0")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `^gleap send: sent 27, failed 0, unknown 0, skipped 0; [0-9.hms]+, [0-9]+\.[0-9]+ messages/s\n$`, r.stderr,
		"no progress bar off a terminal, no progress line in a run this short: one summary line, with the time and the rate")
	byLine := outcomes(t, r.stdout)
	require.Len(t, byLine, 27, "one outcome per line that is not blank")
	stored := storedByRef(t, server)
	require.Len(t, server.Messages(), 27)
	for number, outcome := range byLine {
		assert.NotContains(t, []int{1, 10, 30}, number, "blank lines are skipped")
		assert.Equal(t, statusSent, outcome.Status)
		assert.Empty(t, outcome.Error)
		if number != 7 {
			assert.Equal(t, stored[fmt.Sprintf("ref-%d", number)], outcome.ID, "line %d has the id the server gave its message", number)
		}
	}
	for _, message := range server.Messages() {
		if message.MessageRef == nil {
			assert.Equal(t, byLine[7].ID, message.ID)
			assert.Contains(t, string(message.Comment), `"line 7"`)
		}
	}
}

func TestBatchReportsRefusedLinesFailedAndServerErrorsUnknown(t *testing.T) {
	t.Parallel()
	// One line at a time, so that the scripted answers meet the lines in order.
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 400}, gleaptest.Fault{Status: 503}))
	dir := t.TempDir()
	input := writeInput(t, dir, batchInputOf(4, nil, nil))
	journalPath := filepath.Join(dir, "journal.jsonl")
	args := []string{"send", "--batch", input, "--concurrency", "1", "--rate-limit", "0", "--journal", journalPath}

	first := gleap(t, server.URL, "", nil, args...)

	assert.Equal(t, exitFailure, first.code)
	byLine := outcomes(t, first.stdout)
	assert.Equal(t, map[int]string{1: statusFailed, 2: statusUnknown, 3: statusSent, 4: statusSent}, statuses(byLine))
	assert.Contains(t, byLine[1].Error, "400 Bad Request")
	assert.Contains(t, byLine[2].Error, "503 Service Unavailable")
	assert.Contains(t, byLine[2].Error, "outcome unknown")
	assert.Empty(t, byLine[1].ID+byLine[2].ID)
	assert.Equal(t, 4, posts(server.Requests()), "a POST answered 503 is not retried")
	assert.Contains(t, first.stderr, "gleap send: sent 2, failed 1, unknown 1, skipped 0; ")

	// Again: the failed line was provably not posted and is sent again; the unknown one is looked for
	// first (the 503 stored nothing) and then sent; the sent ones are skipped.
	before := len(server.Requests())
	second := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, second.code, second.stderr)
	byLine = outcomes(t, second.stdout)
	assert.Equal(t, map[int]string{1: statusSent, 2: statusSent, 3: statusSkipped, 4: statusSkipped}, statuses(byLine))
	again := server.Requests()[before:]
	require.Len(t, again, 3)
	assert.Equal(t, http.MethodGet, again[0].Method, "the line of unknown outcome is looked for before anything is sent")
	assert.Equal(t, batchTickets[2], again[0].Query.Get("ticket"))
	assert.Equal(t, 2, posts(again))
	assert.Len(t, storedByRef(t, server), 4)
}

func TestBatchJournalSkipsConfirmedLinesOnTheNextRun(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	args := []string{"send", "--batch", writeInput(t, dir, batchInputOf(12, []int{5}, []int{3})), "--rate-limit", "0", "--journal", filepath.Join(dir, "journal.jsonl")}
	first := gleap(t, server.URL, "", nil, args...)
	require.Equal(t, exitOK, first.code, first.stderr)
	before := len(server.Requests())

	second := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, second.code, second.stderr)
	assert.Len(t, server.Requests(), before, "no request at all: nothing to send, nothing to look for")
	assert.Regexp(t, `^gleap send: sent 0, failed 0, unknown 0, skipped 11; [0-9.hms]+, 0\.00 messages/s\n$`, second.stderr)
	sent, skipped := outcomes(t, first.stdout), outcomes(t, second.stdout)
	require.Len(t, skipped, 11)
	for number, outcome := range skipped {
		assert.Equal(t, statusSkipped, outcome.Status)
		assert.Equal(t, sent[number].ID, outcome.ID, "a skipped line has the id it was sent with")
	}
}

// writeJournal writes a journal for input, sending to server, with the given records after its header:
// the journal's format is bulk's contract, written out here as a user's tool would.
func writeJournal(t *testing.T, path, input string, server *gleaptest.Server, records ...string) {
	t.Helper()
	digest := sha256.Sum256([]byte(input))
	header, err := json.Marshal(map[string]any{"journal": "gleap send --batch", "version": 1, "input": "sha256:" + hex.EncodeToString(digest[:]),
		"lines": strings.Count(input, "\n"), "project": testProject, "baseURL": server.URL})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(string(header)+"\n"+strings.Join(records, "\n")+"\n"), 0o600))
}

func TestBatchReconcilesLinesOfUnknownOutcomeBeforeSending(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	text := batchInputOf(4, nil, []int{3})
	input := writeInput(t, dir, text)
	// Line 1 reached the server before the crash; line 2 did not; line 3 has no messageRef; line 4 was
	// never started.
	already := gleap(t, server.URL, strings.Split(text, "\n")[0], nil, "send", "--json", "-")
	require.Equal(t, exitOK, already.code, already.stderr)
	var posted struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(already.stdout), &posted))
	journalPath := filepath.Join(dir, "journal.jsonl")
	writeJournal(t, journalPath, text, server,
		`{"line":1,"status":"started"}`, `{"line":2,"status":"started"}`, `{"line":3,"status":"started"}`,
		`{"line":2,"status":"unknown","error":"gleap: create message: 502 Bad Gateway"}`)
	args := []string{"send", "--batch", input, "--rate-limit", "0", "--journal", journalPath}

	r := gleap(t, server.URL, "", nil, args...)

	assert.Equal(t, exitFailure, r.code, "line 3 is not sent")
	byLine := outcomes(t, r.stdout)
	assert.Equal(t, map[int]string{1: statusSkipped, 2: statusSent, 3: statusUnknown, 4: statusSent}, statuses(byLine))
	assert.Equal(t, posted.ID, byLine[1].ID, "line 1 is the message found on the server")
	assert.Contains(t, byLine[3].Error, "--resend-unknown")
	requests := server.Requests()[1:]
	for _, request := range requests[:2] {
		assert.Equal(t, http.MethodGet, request.Method, "the tickets are looked at before anything is sent")
	}
	assert.Equal(t, 2, posts(requests))
	assert.Len(t, storedByRef(t, server), 3)
	assert.Len(t, server.Messages(), 3)
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	assert.Contains(t, string(journal), `{"line":1,"status":"sent","id":"`+posted.ID+`","found":true}`)

	// --resend-unknown sends line 3; the others are done.
	resent := gleap(t, server.URL, "", nil, append(args, "--resend-unknown")...)

	require.Equal(t, exitOK, resent.code, resent.stderr)
	assert.Equal(t, map[int]string{1: statusSkipped, 2: statusSkipped, 3: statusSent, 4: statusSkipped}, statuses(outcomes(t, resent.stdout)))
	assert.Len(t, server.Messages(), 4)
}

func TestBatchCtrlCFinishesTheLinesInFlightAndTheNextRunTheRest(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	var posted atomic.Int32
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(request gleaptest.Request) {
		if request.Method == http.MethodPost && posted.Add(1) == 5 {
			interrupt() // Ctrl-C after the fifth message is stored
		}
	}))
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.jsonl")
	args := []string{"send", "--batch", writeInput(t, dir, batchInputOf(40, nil, nil)), "--concurrency", "4", "--rate-limit", "0", "--journal", journalPath}

	r := gleapContext(ctx, t, server.URL, "", nil, args...)

	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "gleap send: interrupted: the lines in flight were finished")
	byLine := outcomes(t, r.stdout)
	assert.LessOrEqual(t, len(byLine), 5+4, "after Ctrl-C only the lines in flight, at most --concurrency, finish")
	assert.GreaterOrEqual(t, len(byLine), 5)
	stored := storedByRef(t, server)
	assert.Len(t, stored, len(byLine), "every line sent is reported, and no other")
	for number, outcome := range byLine {
		assert.Equal(t, statusSent, outcome.Status, "line %d finished despite Ctrl-C", number)
		assert.Equal(t, stored[fmt.Sprintf("ref-%d", number)], outcome.ID)
	}
	assertJournalSettled(t, journalPath)

	// The next run sends the rest: one message per line.
	before := posts(server.Requests())
	rest := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, rest.code, rest.stderr)
	assert.Len(t, storedByRef(t, server), 40)
	assert.Len(t, server.Messages(), 40)
	assert.Equal(t, 40-len(byLine), posts(server.Requests())-before)
}

// assertJournalSettled checks that every line the journal at path says was started has an outcome
// after it: nothing was left in flight.
func assertJournalSettled(t *testing.T, path string) {
	t.Helper()
	file, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(file, []byte("\n")), "the journal ends with a whole record")
	last := map[int]string{}
	for i, line := range strings.Split(strings.TrimSuffix(string(file), "\n"), "\n") {
		if i == 0 {
			continue
		}
		var record lineOutcome
		require.NoError(t, json.Unmarshal([]byte(line), &record))
		last[record.Line] = record.Status
	}
	for number, status := range last {
		assert.NotEqual(t, statusStarted, status, "line %d was left in flight", number)
	}
}

func TestBatchJournalDropsATornLastRecord(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.jsonl")
	args := []string{"send", "--batch", writeInput(t, dir, batchInputOf(3, nil, nil)), "--rate-limit", "0", "--journal", journalPath}
	require.Equal(t, exitOK, gleap(t, server.URL, "", nil, args...).code)
	appendTo(t, journalPath, `{"line":2,"status":"sta`) // the crash cut this write short

	r := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, map[int]string{1: statusSkipped, 2: statusSkipped, 3: statusSkipped}, statuses(outcomes(t, r.stdout)))
	assertJournalSettled(t, journalPath)

	t.Run("a torn header", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		dir := t.TempDir()
		journalPath := filepath.Join(dir, "journal.jsonl")
		require.NoError(t, os.WriteFile(journalPath, []byte(`{"journal":"gleap se`), 0o600))
		r := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, dir, batchInputOf(2, nil, nil)), "--rate-limit", "0", "--journal", journalPath)
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Len(t, server.Messages(), 2)
		assertJournalSettled(t, journalPath)
	})
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = file.WriteString(text)
	require.NoError(t, err)
	require.NoError(t, file.Close())
}

func TestBatchJournalIsRefusedForAnotherRun(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.jsonl")
	first := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, dir, batchInputOf(2, nil, nil)), "--rate-limit", "0", "--journal", journalPath)
	require.Equal(t, exitOK, first.code, first.stderr)
	before := len(server.Requests())
	otherInput := filepath.Join(dir, "other.jsonl")
	require.NoError(t, os.WriteFile(otherInput, []byte(batchInputOf(3, nil, nil)), 0o600))
	otherServer := gleaptest.NewServer(t)
	damaged := filepath.Join(dir, "damaged.jsonl")
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	// A line damaged before the last: after the records of lines sent, which are not reported either.
	records := bytes.SplitAfter(journal, []byte("\n"))
	records = append(records[:len(records)-2:len(records)-2], []byte(`{"line":2,"status":"sen`+"\n"), records[len(records)-2])
	require.NoError(t, os.WriteFile(damaged, bytes.Join(records, nil), 0o600))

	cases := []struct {
		name, baseURL, input, journal, wantErr string
	}{
		{"another input", server.URL, otherInput, journalPath, "the journal belongs to another run: it records an input of 2 lines"},
		{"another server", otherServer.URL, writeInput(t, dir, batchInputOf(2, nil, nil)), journalPath, "the journal belongs to another run: it records sending to project"},
		{"not a journal: the input itself", server.URL, otherInput, otherInput, "the file is not a journal that can be trusted: its first line is not a journal header"},
		{"a damaged record before others", server.URL, writeInput(t, dir, batchInputOf(2, nil, nil)), damaged, "line 5 is damaged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			unchanged, err := os.ReadFile(tc.journal)
			require.NoError(t, err)
			r := gleap(t, tc.baseURL, "", nil, "send", "--batch", tc.input, "--rate-limit", "0", "--journal", tc.journal)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tc.wantErr)
			assert.Empty(t, r.stdout)
			now, err := os.ReadFile(tc.journal)
			require.NoError(t, err)
			assert.Equal(t, unchanged, now, "the file is left as it was")
		})
	}
	assert.Len(t, server.Requests(), before, "nothing is sent")
	assert.Empty(t, otherServer.Requests())
}

func TestBatchWithAJournalRefusesARepeatedMessageRefInATicket(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	// The same messageRef in three tickets is fine (an incident note into many tickets); twice in one
	// ticket, a resumed run could not tell the two lines apart.
	var lines []string
	for number := 1; number <= 4; number++ {
		lines = append(lines, batchLine(number, "incident-42"))
	}
	input := writeInput(t, dir, strings.Join(lines, "\n"))

	r := gleap(t, server.URL, "", nil, "send", "--batch", input, "--journal", filepath.Join(dir, "journal.jsonl"))

	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "gleap send: --batch: 1 bad line (4); nothing was sent\n")
	assert.Contains(t, r.stderr, `line 4: messageRef "incident-42" repeats line 1 in ticket `+batchTickets[1])
	assert.Empty(t, server.Requests())

	withoutJournal := gleap(t, server.URL, "", nil, "send", "--batch", input, "--rate-limit", "0")
	require.Equal(t, exitOK, withoutJournal.code, withoutJournal.stderr)
	assert.Len(t, server.Messages(), 4)
}

func TestBatchWithAJournalRefusesMoreLinesThanAJournalKeeps(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	// Blank lines count: a line's number is its key in the journal. Line 1 and MaxNumber blank ones.
	input := writeInput(t, dir, batchLine(1, "incident-42")+strings.Repeat("\n", bulk.MaxNumber+1))

	r := gleap(t, server.URL, "", nil, "send", "--batch", input, "--journal", filepath.Join(dir, "journal.jsonl"))

	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, fmt.Sprintf("gleap send: --batch: the input has %d lines, more than the %d a --journal keeps", bulk.MaxNumber+1, bulk.MaxNumber))
	assert.Empty(t, server.Requests())
}

func TestBatchFromStandardInputResumesWithTheSameInput(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 400}))
	input := batchInputOf(3, nil, nil)
	args := []string{"send", "--batch", "-", "--concurrency", "1", "--rate-limit", "0", "--journal", filepath.Join(t.TempDir(), "journal.jsonl")}

	first := gleap(t, server.URL, input, nil, args...)
	second := gleap(t, server.URL, input, nil, args...)

	assert.Equal(t, exitFailure, first.code)
	assert.Equal(t, map[int]string{1: statusFailed, 2: statusSent, 3: statusSent}, statuses(outcomes(t, first.stdout)))
	require.Equal(t, exitOK, second.code, second.stderr)
	assert.Equal(t, map[int]string{1: statusSent, 2: statusSkipped, 3: statusSkipped}, statuses(outcomes(t, second.stdout)))
	assert.Len(t, storedByRef(t, server), 3)
}

func TestBatchFlagsAreChecked(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	input := writeInput(t, t.TempDir(), batchInputOf(2, nil, nil))
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"--batch and --text", []string{"--batch", input, "--text", "hi"}, "--batch cannot be combined with --text"},
		{"--batch and --ticket", []string{"--batch", input, "--ticket", ticketID}, "--batch cannot be combined with --ticket"},
		{"--journal without --batch", []string{"--ticket", ticketID, "--text", "hi", "--journal", "j"}, "--journal goes with --batch"},
		{"--concurrency without --batch", []string{"--ticket", ticketID, "--text", "hi", "--concurrency", "2"}, "--concurrency goes with --batch"},
		{"--concurrency 0", []string{"--batch", input, "--concurrency", "0"}, "--concurrency must be from 1 to 64, got 0"},
		{"--concurrency 2000000", []string{"--batch", input, "--concurrency", "2000000"}, "--concurrency must be from 1 to 64"},
		{"--resend-unknown without --journal", []string{"--batch", input, "--resend-unknown"}, "--resend-unknown goes with --journal"},
		{"--progress-every without --batch", []string{"--ticket", ticketID, "--text", "hi", "--progress-every", "1m"}, "--progress-every goes with --batch"},
		{"a negative --progress-every", []string{"--batch", input, "--progress-every", "-1s"}, "--progress-every must not be negative, got -1s"},
		{"a bad rate limit", []string{"--batch", input, "--rate-limit", "fast"}, "N/DURATION"},
		{"a missing file", []string{"--batch", "/nonexistent/input.jsonl"}, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := gleap(t, server.URL, "", nil, append([]string{"send"}, tc.args...)...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tc.wantErr)
		})
	}

	dryRun := gleap(t, server.URL, "", nil, "send", "--batch", input, "--dry-run")
	assert.Equal(t, exitOK, dryRun.code, dryRun.stderr)
	assert.Equal(t, "gleap send: --batch: the 2 messages on 2 lines are valid; nothing was sent (--dry-run)\n", dryRun.stderr)
	assert.Empty(t, server.Requests())
}

func TestBatchCtrlCWhileCheckingSendsNothing(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	ctx, interrupt := context.WithCancel(context.Background())
	interrupt()

	r := gleapContext(ctx, t, server.URL, "", nil, "send", "--batch", writeInput(t, t.TempDir(), batchInputOf(3, nil, nil)))

	assert.Equal(t, exitFailure, r.code)
	assert.Equal(t, "gleap send: interrupted while checking the input; nothing was sent\n", r.stderr)
	assert.Empty(t, server.Requests())
}

func TestBatchIsPacedToTheRateLimit(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var arrivals []time.Time
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(gleaptest.Request) {
		mu.Lock()
		defer mu.Unlock()
		arrivals = append(arrivals, time.Now())
	}))

	input := writeInput(t, t.TempDir(), batchInputOf(5, nil, nil))
	start := time.Now()
	r := gleap(t, server.URL, "", nil, "send", "--batch", input, "--concurrency", "5", "--rate-limit", "20/1s")

	require.Equal(t, exitOK, r.code, r.stderr)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, arrivals, 5)
	// 20 a second is one every 50 ms (and 2 %), whatever the concurrency: the fifth request cannot be
	// sent before four turns have passed since the run began. A bound from the start, not between two
	// arrivals, which a slow first request could bring closer together.
	assert.GreaterOrEqual(t, arrivals[4].Sub(start), 4*50*time.Millisecond)
}

func TestBatchDrawsAProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	var out, bar bytes.Buffer
	report := newBatchReport(&out, &bar, messagesBatch.batchWords, 3, true, time.Now)
	for number := 1; number <= 3; number++ {
		report.line(lineOutcome{Line: number, Status: statusSent, ID: "6752f0c1a4b3c2d1e0f9876" + fmt.Sprint(number)})
	}
	assert.Equal(t, "sent 3, failed 0, unknown 0, skipped 0", report.summary())
	assert.Contains(t, bar.String(), "sending")
	assert.Contains(t, bar.String(), "/3, ", "with the count of lines")
	assert.Equal(t, 3, strings.Count(out.String(), "\n"))
	assert.False(t, terminal(&bar))
}

func TestBatchLinesAreCheckedAsTheClientChecksThem(t *testing.T) {
	t.Parallel()
	_, err := parseBatchLine([]byte(batchLine(1, "ref-1")))
	assert.NoError(t, err)
	_, err = parseBatchLine([]byte(`{"ticket":"` + batchTickets[0] + `","comment":{"type":"doc"},"channel":{"id":" "}}`))
	assert.ErrorContains(t, err, "gleap: invalid channel.id")
}

// fakeClock is a clock for reports that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock d ahead.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncWriter is a writer that the progress lines and the rest of a run may write at once, and that
// closes seen the first time what it holds contains want, so that a test can wait for a line.
type syncWriter struct {
	mu   sync.Mutex
	text strings.Builder
	want string
	seen chan struct{}
}

// Write appends p, and closes seen once the text holds want.
func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.text.String(), w.want)
	w.text.Write(p)
	if !had && strings.Contains(w.text.String(), w.want) {
		close(w.seen)
	}
	return len(p), nil
}

// String returns what was written so far.
func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.text.String()
}

func TestBatchWritesAProgressLineOffATerminal(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)}
	ticks := make(chan time.Time)
	const progress = "gleap send: 4 of 10 done (sent 3, failed 1, unknown 0, skipped 0); 10s, 0.30 messages/s\n"
	stderr := &syncWriter{want: progress, seen: make(chan struct{})}
	var out bytes.Buffer
	report := newBatchReport(&out, stderr, messagesBatch.batchWords, 10, false, clock.Now)
	report.showProgress(ticks)
	for number := 1; number <= 3; number++ {
		require.NoError(t, report.line(lineOutcome{Line: number, Status: statusSent, ID: "6752f0c1a4b3c2d1e0f9876" + fmt.Sprint(number)}))
	}
	require.NoError(t, report.line(lineOutcome{Line: 4, Status: statusFailed, Error: "400 Bad Request"}))
	clock.Advance(10 * time.Second)

	select {
	case ticks <- clock.Now():
	case <-time.After(defaultWait):
		require.FailNow(t, "the report does not take the ticks of its clock")
	}
	select {
	case <-stderr.seen:
	case <-time.After(defaultWait):
		require.FailNow(t, "no progress line", "stderr: %q", stderr.String())
	}

	assert.Equal(t, progress, stderr.String(), "one progress line per tick")
	clock.Advance(2*time.Minute + 5*time.Second)
	assert.Equal(t, "sent 3, failed 1, unknown 0, skipped 0", report.summary())
	assert.Equal(t, "2m15s, 0.02 messages/s", report.pace(), "three messages in 135 s")
	select {
	case ticks <- clock.Now():
		t.Error("the progress lines stop with the summary")
	default:
	}
	assert.Equal(t, progress, stderr.String())
	assert.Equal(t, 4, strings.Count(out.String(), "\n"), "stdout has the outcomes only")
}

func TestBatchOffATerminalWritesProgressLinesWhileItRuns(t *testing.T) {
	t.Parallel()
	stderr := &syncWriter{want: "gleap send: 0 of 3 done (sent 0, failed 0, unknown 0, skipped 0); ", seen: make(chan struct{})}
	// The first message is answered only once a progress line has said that nothing is done yet.
	hold := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-stderr.seen
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: hold}))
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": server.URL}
	var stdout strings.Builder

	code := run(context.Background(), []string{"send", "--batch", writeInput(t, t.TempDir(), batchInputOf(3, nil, nil)),
		"--concurrency", "1", "--rate-limit", "0", "--progress-every", "1ms"},
		stdio{strings.NewReader(""), &stdout, stderr}, func(name string) string { return vars[name] })

	assert.Equal(t, exitFailure, code, "the first line's outcome is unknown")
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, stderr.String())
	for _, line := range lines[:len(lines)-1] {
		assert.Regexp(t, `^gleap send: [0-3] of 3 done \(sent [0-2], failed 0, unknown [01], skipped 0\); [0-9.hmµs]+, [0-9]+\.[0-9]+ messages/s$`, line)
	}
	assert.Regexp(t, `^gleap send: sent 2, failed 0, unknown 1, skipped 0; [0-9.hmµs]+, [0-9]+\.[0-9]+ messages/s$`, lines[len(lines)-1], "the summary comes last")
	assert.Equal(t, map[int]string{1: statusUnknown, 2: statusSent, 3: statusSent}, statuses(outcomes(t, stdout.String())))
}
