package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// contactsInputOf returns an input of n lines, line i upserting "user-<i>" with its e-mail address, except
// the line numbers in blank (left blank).
func contactsInputOf(n int, blank ...int) string {
	var input strings.Builder
	for number := 1; number <= n; number++ {
		if !slices.Contains(blank, number) {
			fmt.Fprintf(&input, `{"userId":"user-%d","email":"user-%d@example.com","plan":"Pro"}`, number, number)
		}
		input.WriteByte('\n')
	}
	return input.String()
}

// contactIDsByUserID returns the ids of the contacts server holds, by user id, failing t on a user id
// held twice.
func contactIDsByUserID(t *testing.T, server *gleaptest.Server) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, contact := range server.Contacts() {
		_, twice := ids[contact.UserID]
		assert.False(t, twice, "user id %s is held by two contacts", contact.UserID)
		ids[contact.UserID] = contact.ID
	}
	return ids
}

// isCreate reports whether request creates a contact.
func isCreate(request gleaptest.Request) bool {
	return request.Method == http.MethodPost && strings.HasSuffix(request.Path, "/sessions")
}

func TestImportUpsertsEveryLineAndReportsItsContact(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	identified(t, server, `{"userId":"user-2","name":"Grace","plan":"Free"}`) // known already: updated
	dir := t.TempDir()
	args := []string{"contacts", "import", writeInput(t, dir, contactsInputOf(12, 5)), "--rate-limit", "0", "--journal", filepath.Join(dir, "contacts.journal")}

	r := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `^gleap contacts import: sent 11, failed 0, unknown 0, skipped 0; [0-9.hmµs]+, [0-9]+\.[0-9]+ contacts/s\n$`, r.stderr)
	byLine := outcomes(t, r.stdout)
	require.Len(t, byLine, 11, "one outcome per line that is not blank")
	ids := contactIDsByUserID(t, server)
	require.Len(t, ids, 11)
	for number, outcome := range byLine {
		assert.Equal(t, statusSent, outcome.Status)
		assert.Equal(t, ids[fmt.Sprintf("user-%d", number)], outcome.ID, "line %d has the id of its contact", number)
	}
	for _, contact := range server.Contacts() {
		assert.Equal(t, contact.UserID+"@example.com", contact.Email)
		require.NotNil(t, contact.Plan)
		assert.Equal(t, "Pro", *contact.Plan, "the field of the line replaces the one stored")
		if contact.UserID == "user-2" {
			assert.Equal(t, "Grace", contact.Name, "a field the line leaves out stays")
		}
	}

	before := len(server.Requests())
	again := gleap(t, server.URL, "", nil, args...)

	require.Equal(t, exitOK, again.code, again.stderr)
	assert.Len(t, server.Requests(), before, "every line was done: nothing to send")
	assert.Equal(t, map[int]string{1: statusSkipped, 2: statusSkipped, 3: statusSkipped, 4: statusSkipped, 6: statusSkipped, 7: statusSkipped,
		8: statusSkipped, 9: statusSkipped, 10: statusSkipped, 11: statusSkipped, 12: statusSkipped}, statuses(outcomes(t, again.stdout)))
}

func TestImportRefusesBadLinesAndSendsNothing(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	lines := []string{
		`{"userId":"user-1","email":"ada@example.com"}`,
		`{"email":"grace@example.com"}`,             // 2: no user id
		`{"userId":"user-3","colour":"red"}`,        // 3: unknown field
		`{"userId":"user-4","email":"not-an-addr"}`, // 4: the client's check
		``,
		`{"userId":"user-1","plan":"Pro"}`, // 6: user-1 again, looked for once every line is good
		`{"userId":"user-7"} {"userId":"user-8"}`,                // 7: two contacts on one line
		`{"userId":"user-8","customData":[1]}`,                   // 8: customData not an object
		`{"userId":"` + strings.Repeat("u", 100) + `","sla":-1}`, // 9: a negative SLA
		`{"userId":".."}`, // 10: a user id no URL path can hold
		`{"userId":"` + strings.Repeat("u", 1025) + `"}`, // 11: one whose lookup URL servers refuse
	}
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "contacts.journal")
	input := writeInput(t, dir, strings.Join(lines, "\n"))

	r := gleap(t, server.URL, "", nil, "contacts", "import", input, "--journal", journalPath)

	assert.Equal(t, exitUsage, r.code)
	assert.Empty(t, r.stdout)
	first, rest, _ := strings.Cut(r.stderr, "\n")
	assert.Equal(t, "gleap contacts import: 8 bad lines (2, 3, 4, 7, 8, 9, 10, 11); nothing was sent", first)
	for _, want := range []string{
		"line 2: gleap: invalid userId: must be set on every line",
		`line 3: not a contact: json: unknown field "colour"`,
		"line 4: gleap: invalid email",
		"line 7: there is data after the contact",
		"line 8: gleap: invalid customData",
		"line 9: gleap: invalid sla",
		"line 10: gleap: invalid userID: is not an id",
		"line 11: gleap: invalid userID: is longer than 1024 bytes",
	} {
		assert.Contains(t, rest, "  "+want)
	}
	assert.Empty(t, server.Requests(), "nothing is sent")
	assert.NoFileExists(t, journalPath, "nor is a journal started")

	// Once the lines are good, a user id repeated is refused with a journal, and named.
	repeated := writeInput(t, dir, contactsInputOf(3)+`{"userId":"user-2","plan":"Pro"}`+"\n")
	r = gleap(t, server.URL, "", nil, "contacts", "import", repeated, "--journal", journalPath)

	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "gleap contacts import: 1 bad line (4); nothing was sent\n"+
		`  line 4: userId "user-2" repeats line 2: with --journal each contact must be on one line`+"\n", r.stderr)
	assert.Empty(t, server.Requests())

	dryRun := gleap(t, server.URL, "", nil, "contacts", "import", repeated, "--dry-run")
	assert.Equal(t, exitOK, dryRun.code, "without a journal a user id may repeat")
	assert.Equal(t, "gleap contacts import: the 4 contacts on 4 lines are valid; nothing was sent (--dry-run)\n", dryRun.stderr)
	assert.Empty(t, server.Requests())
}

func TestImportReadsStandardInputAndRefusesASendJournal(t *testing.T) {
	t.Parallel()
	server := publishedServer(t)
	dir := t.TempDir()
	messagesJournal := filepath.Join(dir, "notes.journal")
	notes := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, dir, batchInputOf(2, nil, nil)), "--rate-limit", "0", "--journal", messagesJournal)
	require.Equal(t, exitOK, notes.code, notes.stderr)
	before := len(server.Requests())

	refused := gleap(t, server.URL, contactsInputOf(2), nil, "contacts", "import", "-", "--journal", messagesJournal)

	assert.Equal(t, exitUsage, refused.code)
	assert.Contains(t, refused.stderr, "gleap contacts import: --journal "+messagesJournal+": the journal belongs to another run: it is a journal of gleap send --batch, not of gleap contacts import")
	assert.Len(t, server.Requests(), before, "nothing is sent")

	imported := gleap(t, server.URL, contactsInputOf(2), nil, "contacts", "import", "--rate-limit", "0", "-")
	require.Equal(t, exitOK, imported.code, imported.stderr)
	assert.Len(t, contactIDsByUserID(t, server), 2)
}

func TestImportStaysUnderTheRateLimit(t *testing.T) {
	t.Parallel()
	// 40 requests a half second for the mock: 30 contacts are 60 requests, which eight at a time unpaced
	// would send well within it. The CLI is paced 10 % under it, as the client's own 2 % (10 ms here)
	// is less than a loaded machine can delay a request on its way; BenchmarkUpsertAtGleapsRateLimit
	// runs at the very limit, a minute wide.
	server := publishedServer(t, gleaptest.WithRateLimit(40, 500*time.Millisecond))

	r := gleap(t, server.URL, "", nil, "contacts", "import", writeInput(t, t.TempDir(), contactsInputOf(30)), "--concurrency", "8", "--rate-limit", "40/550ms")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Zero(t, countOf(server.Requests(), func(request gleaptest.Request) bool { return request.Status == http.StatusTooManyRequests }),
		"no request is answered 429")
	assert.Len(t, contactIDsByUserID(t, server), 30)
}

// TestImportSurvivesKill9 runs contacts import --journal in a real process, kills it with SIGKILL after a
// random number of requests three times, then lets a run finish: each contact is created once, and the
// last run skips the lines done before it.
func TestImportSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI four times in a subprocess")
	}
	t.Parallel()
	const lines, kills = 60, 3
	var kill killer
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(kill.log))
	dir := t.TempDir()
	input := writeInput(t, dir, contactsInputOf(lines))

	// At most 20 requests, 10 contacts, a run.
	stdout, requests := kill.runUntilDone(t, server, kills, 20,
		"contacts", "import", input, "--journal", filepath.Join(dir, "contacts.journal"), "--concurrency", "4", "--rate-limit", "0")

	ids := contactIDsByUserID(t, server)
	assert.Len(t, ids, lines, "every contact is stored once")
	assert.Equal(t, lines, countOf(server.Requests(), isCreate), "each contact is created once across all the runs")
	byLine := outcomes(t, stdout)
	require.Len(t, byLine, lines, "the last run reports every line")
	skipped := 0
	for number, outcome := range byLine {
		assert.Equal(t, ids[fmt.Sprintf("user-%d", number)], outcome.ID)
		if outcome.Status == statusSkipped {
			skipped++
		}
	}
	assert.Positive(t, skipped, "the lines done by the killed runs are skipped")
	assert.Equal(t, int64(2*(lines-skipped)), requests, "the last run sends a lookup and an upsert for each line left, none for those done")
}
