package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// What a batch run holds in memory whatever the size of its input: the README promises a bound.

// liveHeap returns the bytes of the heap still in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return stats.HeapAlloc
}

// bytesPerLine is the growth from small to large, in bytes per line of the difference, clamped at 0.
func bytesPerLine(small, large uint64, smallLines, largeLines int) float64 {
	if large < small {
		return 0
	}
	return float64(large-small) / float64(largeLines-smallLines)
}

// repeatedRefInput writes an input of n lines into one ticket, every one with the same messageRef ref.
func repeatedRefInput(t *testing.T, dir string, n int, ref string) string {
	t.Helper()
	line := fmt.Sprintf(`{"ticket":%q,"isNote":true,"messageRef":%q}`+"\n", batchTickets[0], ref)
	path := filepath.Join(dir, fmt.Sprintf("repeated-%d.jsonl", n))
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat(line, n)), 0o600))
	return path
}

func TestBatchNamesBadLinesWithoutQuotingLongValuesWhole(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	longRef := strings.Repeat("r", 64<<10)
	repeated := repeatedRefInput(t, dir, 20, longRef)
	longName := writeInput(t, dir, `{"ticket":"`+batchTickets[0]+`","`+strings.Repeat("n", 256<<10)+`":1}`+"\n")

	r := gleap(t, server.URL, "", nil, "send", "--batch", repeated, "--journal", filepath.Join(dir, "journal.jsonl"))

	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "gleap send: --batch: 19 bad lines (2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 9 more); nothing was sent\n")
	assert.Contains(t, r.stderr, "  line 2: messageRef \"rrrr")
	assert.Contains(t, r.stderr, "repeats line 1 in ticket "+batchTickets[0])
	assert.Less(t, len(r.stderr), 4<<10, "a messageRef of 64 KiB is named by its start, not quoted whole ten times")

	r = gleap(t, server.URL, "", nil, "send", "--batch", longName, "--dry-run")

	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `line 1: not a message: json: unknown field "nnnn`)
	assert.Less(t, len(r.stderr), 4<<10, "an unknown member of 256 KiB is named by its start")
	assert.Empty(t, server.Requests())
}

// Not parallel: it measures the heap.
func TestBatchCheckKeepsOnlyTheBadLinesItNames(t *testing.T) {
	dir := t.TempDir()
	ref := "incident-42-update-" + strings.Repeat("x", 200)
	check := func(lines int) uint64 {
		input, bad, badCount, err := openBatchInput(context.Background(), messagesBatch, repeatedRefInput(t, dir, lines, ref), nil, true)
		require.NoError(t, err)
		require.Nil(t, input)
		require.Equal(t, lines-1, badCount, "every line but the first repeats it")
		require.Len(t, bad, maxBadLinesShown)
		heap := liveHeap()
		runtime.KeepAlive(bad)
		return heap
	}
	const small, large = 1_000, 11_000
	check(small) // warms up what the first call allocates once
	perLine := bytesPerLine(check(small), check(large), small, large)
	t.Logf("%.1f bytes a line", perLine)

	assert.Less(t, perLine, 8.0, "the bad lines are counted, only the first %d kept", maxBadLinesShown)
}

// unknownOutcomeRun writes an input of n lines with messageRefs of some 300 bytes into batchTickets, and
// a journal for server that records every line's outcome as unknown, and returns the arguments of the
// run that resumes it.
func unknownOutcomeRun(t *testing.T, server *gleaptest.Server, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var input strings.Builder
	records := make([]string, n)
	for number := 1; number <= n; number++ {
		input.WriteString(batchLine(number, fmt.Sprintf("incident-42-line-%d-%s", number, strings.Repeat("x", 300))))
		input.WriteByte('\n')
		records[number-1] = fmt.Sprintf(`{"line":%d,"status":"unknown","error":"gleap: create message: 503 Service Unavailable"}`, number)
	}
	journalPath := filepath.Join(dir, "journal.jsonl")
	writeJournal(t, journalPath, input.String(), server, records...)
	return []string{"send", "--batch", writeInput(t, dir, input.String()), "--rate-limit", "0", "--journal", journalPath}
}

// Not parallel: it measures the heap.
func TestBatchLooksForLinesOfUnknownOutcomeInFixedSpaceALine(t *testing.T) {
	lookFor := func(lines int) uint64 {
		ctx, interrupt := context.WithCancel(context.Background())
		defer interrupt()
		var heap atomic.Uint64
		var first sync.Once
		server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(gleaptest.Request) {
			first.Do(func() { // the first ticket's listing, then Ctrl-C
				heap.Store(liveHeap())
				interrupt()
			})
		}))
		args := unknownOutcomeRun(t, server, lines)

		r := gleapContext(ctx, t, server.URL, "", nil, args...)

		require.Equal(t, exitFailure, r.code, r.stderr)
		require.Len(t, server.Requests(), 1, "the run stops at the first ticket's listing")
		require.Zero(t, posts(server.Requests()))
		require.NotZero(t, heap.Load())
		return heap.Load()
	}
	const small, large = 1_000, 11_000
	lookFor(small) // warms up what the first run allocates once
	perLine := bytesPerLine(lookFor(small), lookFor(large), small, large)
	t.Logf("%.1f bytes a line", perLine)

	assert.Less(t, perLine, 64.0, "a line to look for is held by digests, whatever the length of its ticket and messageRef")
}
