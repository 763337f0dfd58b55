package bulk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testJournalHeader is the header of a journal for an input of lines lines, for tests that open one
// without a run.
func testJournalHeader(lines int) journalHeader {
	return journalHeader{Journal: messagesJournal, Input: "sha256:00", Lines: lines, Project: "p", BaseURL: "http://127.0.0.1:1/v3"}
}

func TestJournalRecordsAreReadBackAsLineStates(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	header := testJournalHeader(6)
	j, states, err := openJournal(path, header, func(int, string) { t.Error("a new journal has no line sent") })
	require.NoError(t, err)
	assert.Equal(t, make([]lineState, 7), states)
	var writers sync.WaitGroup
	for _, record := range []journalRecord{
		{Line: 1, Status: statusStarted},
		{Line: 2, Status: string(Sent), ID: "a"},
		{Line: 3, Status: string(Failed), Error: "400"},
		{Line: 4, Status: string(Unknown), Error: "503"},
		{Line: 5, Status: string(Sent), ID: "b", Found: true},
	} {
		writers.Go(func() { assert.NoError(t, j.record(record)) })
	}
	writers.Wait()
	require.NoError(t, j.record(journalRecord{Line: 5, Status: statusStarted}))
	require.NoError(t, j.close())

	sent := map[int]string{}
	j, states, err = openJournal(path, header, func(line int, id string) { sent[line] = id })
	require.NoError(t, err)
	require.NoError(t, j.close())
	assert.Equal(t, []lineState{stateNew, stateStarted, stateSent, stateNew, stateUnknown, stateSent, stateNew}, states)
	assert.Equal(t, map[int]string{2: "a", 5: "b"}, sent, "sent is final: a later record does not undo it")
}

func TestJournalRefusesWhatItCannotTrust(t *testing.T) {
	t.Parallel()
	header := testJournalHeader(2)
	good := `{"journal":"gleap send --batch","version":1,"input":"sha256:00","lines":2,"project":"p","baseURL":"http://127.0.0.1:1/v3"}` + "\n"
	cases := map[string]struct{ journal, wantErr string }{
		"another version":          {strings.Replace(good, `"version":1`, `"version":2`, 1), "of version 2"},
		"a line out of the input":  {good + `{"line":3,"status":"sent"}` + "\n", "line 2 is damaged (line 3 is not a line of the input)"},
		"an unknown status":        {good + `{"line":1,"status":"posted"}` + "\n", `unknown status "posted"`},
		"an unknown field":         {good + `{"line":1,"status":"sent","colour":1}` + "\n", `unknown field "colour"`},
		"a file that is not JSON":  {"hello\n", "its first line is not a journal header"},
		"a torn line of no header": {`{"ticket":`, "its first line is not a journal header"},
		"a line before the first":  {good + `{"line":-1,"status":"sent"}` + "\n", "line -1 is not a line of the input"},
		// Read one way by the first reading and another by the second, such a record was once taken as
		// sent and then never reported.
		"data after a record": {good + `{"line":1,"status":"sent","id":"x"}junk` + "\n" + `{"line":0,"status":"failed","error":"400"}` + "\n",
			"line 2 is damaged (there is data after the record)"},
		"two records on a line": {good + `{"line":1,"status":"sent","id":"x"}{"line":2,"status":"started"}` + "\n",
			"line 2 is damaged (there is data after the record)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(tc.journal), 0o600))
			_, _, err := openJournal(path, header, func(int, string) {})
			assert.ErrorContains(t, err, tc.wantErr)
			var journalErr *JournalError
			assert.ErrorAs(t, err, &journalErr)
			after, readErr := os.ReadFile(path)
			require.NoError(t, readErr)
			assert.Equal(t, tc.journal, string(after), "a journal that is refused is left as it was")
		})
	}
}

// BenchmarkJournalRecord measures a record written and synced: the cost --journal adds to each line
// twice ("started" and the outcome), alone and with four writers, as --concurrency 4 has, sharing syncs.
// Run it where journals are kept (JOURNAL_BENCH_DIR), not on a tmpfs.
func BenchmarkJournalRecord(b *testing.B) {
	for _, writers := range []int{1, 4} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			dir := os.Getenv("JOURNAL_BENCH_DIR")
			if dir == "" {
				dir = b.TempDir()
			}
			path := filepath.Join(dir, "bench-journal.jsonl")
			_ = os.Remove(path)
			defer os.Remove(path)
			j, _, err := openJournal(path, journalHeader{Journal: messagesJournal, Input: "sha256:00", Lines: MaxNumber}, func(int, string) {})
			require.NoError(b, err)
			defer j.close()
			record := journalRecord{Line: 12345, Status: string(Sent), ID: "6752f0c1a4b3c2d1e0f98765"}
			b.ResetTimer()
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := w; i < b.N; i += writers {
						if err := j.record(record); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

func TestJournalMustBeARegularFile(t *testing.T) {
	t.Parallel()
	header := testJournalHeader(1)
	_, _, err := openJournal(os.DevNull, header, func(int, string) {}) // or /dev/zero, which never ends
	assert.ErrorContains(t, err, "not a regular file")
}

func TestJournalIsRefusedWhileAnotherRunUsesIt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	header := testJournalHeader(1)
	first, _, err := openJournal(path, header, func(int, string) {})
	require.NoError(t, err)

	_, _, err = openJournal(path, header, func(int, string) {})
	require.ErrorIs(t, err, ErrJournalInUse, "two runs on one journal would both send every request")

	require.NoError(t, first.close())
	again, _, err := openJournal(path, header, func(int, string) {})
	require.NoError(t, err, "the journal is free once the run that held it ends")
	require.NoError(t, again.close())
}
