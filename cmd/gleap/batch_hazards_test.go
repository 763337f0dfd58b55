package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// What a batch run survives besides crashes: an input that changes or cannot be read twice, Ctrl-C while
// lines wait for their turn, a broken stdout. What bulk guarantees (a journal in use, a ticket of long
// messages, the key sent back as an id) is tested in package bulk.

func TestBatchStopsWhenTheInputGrowsDuringTheRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := writeInput(t, dir, batchInputOf(3, nil, nil))
	var appended atomic.Bool
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(gleaptest.Request) {
		if appended.CompareAndSwap(false, true) {
			file, err := os.OpenFile(input, os.O_APPEND|os.O_WRONLY, 0)
			if assert.NoError(t, err) {
				_, err = file.WriteString(batchInputOf(6, nil, nil)[len(batchInputOf(3, nil, nil)):])
				assert.NoError(t, err)
				assert.NoError(t, file.Close())
			}
		}
	}))

	r := gleap(t, server.URL, "", nil, "send", "--batch", input, "--concurrency", "1", "--rate-limit", "0",
		"--journal", filepath.Join(dir, "journal.jsonl"))

	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "the input file was written to during the run")
	assert.Len(t, server.Messages(), 3, "the lines added after the check are not sent")
}

func TestBatchReadsAPipeOnceAndLeavesNoCopy(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the copy of the pipe goes
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "input.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	go func() {
		// As <(command) does: the input is written once, into a pipe.
		if file, err := os.OpenFile(fifo, os.O_WRONLY, 0); assert.NoError(t, err) {
			_, err = file.WriteString(batchInputOf(3, nil, nil))
			assert.NoError(t, err)
			assert.NoError(t, file.Close())
		}
	}()

	r := gleap(t, server.URL, "", nil, "send", "--batch", fifo, "--rate-limit", "0",
		"--journal", filepath.Join(dir, "journal.jsonl"))

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Len(t, storedByRef(t, server), 3)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	assert.Empty(t, entries, "the copy of the input is gone")
}

func TestBatchCtrlCDropsTheLinesWaitingForTheirTurn(t *testing.T) {
	t.Parallel()
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(request gleaptest.Request) {
		if request.Method == http.MethodPost {
			interrupt() // Ctrl-C once the first message is stored: the other lines wait for an hour
		}
	}))
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "journal.jsonl")
	args := []string{"send", "--batch", writeInput(t, dir, batchInputOf(4, nil, nil)), "--concurrency", "4",
		"--rate-limit", "1/1h", "--journal", journalPath}

	r := gleapContext(ctx, t, server.URL, "", nil, args...)

	assert.Equal(t, exitFailure, r.code)
	byLine := outcomes(t, r.stdout)
	require.Len(t, byLine, 1, "the lines waiting were not sent, nor reported")
	for _, outcome := range byLine {
		assert.Equal(t, statusSent, outcome.Status, "the one that had its turn (any of the four workers' lines)")
	}
	assert.Contains(t, r.stderr, "3 lines were not started; run the same command again to send the rest")
	assert.Len(t, server.Messages(), 1)

	rest := gleap(t, server.URL, "", nil, append(args[:len(args)-4], "--rate-limit", "0", "--journal", journalPath)...)

	require.Equal(t, exitOK, rest.code, rest.stderr)
	assert.Len(t, storedByRef(t, server), 4)
	assert.Zero(t, withMethod(server.Requests(), http.MethodGet), "the dropped lines are journaled as not sent: nothing is looked for")
}

func TestBatchStopsWhenStdoutFails(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": server.URL}
	var stderr strings.Builder
	code := run(context.Background(), []string{"send", "--batch", writeInput(t, t.TempDir(), batchInputOf(20, nil, nil)), "--rate-limit", "0", "--concurrency", "1"},
		stdio{strings.NewReader(""), failingWriter{}, &stderr}, func(name string) string { return vars[name] })

	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr.String(), "writing the outcome of line 1: disk full")
	assert.Less(t, len(server.Messages()), 3, "a run that cannot report stops")
}

func TestBatchResumeStopsWhenStdoutFailsOnTheSkippedLines(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	input, journalPath := writeInput(t, dir, batchInputOf(3, nil, nil)), filepath.Join(dir, "journal.jsonl")
	first := gleap(t, server.URL, "", nil, "send", "--batch", input, "--rate-limit", "0", "--journal", journalPath, "--concurrency", "1")
	require.Equal(t, exitOK, first.code, first.stderr)
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	// Keep the header and line 1's two records (started, sent): as far as the journal knows, lines 2 and
	// 3 were never sent, and the resumed run would send them.
	require.NoError(t, os.WriteFile(journalPath, bytes.Join(bytes.SplitAfter(journal, []byte("\n"))[:3], nil), 0o600))
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": server.URL}
	var stderr strings.Builder

	code := run(context.Background(), []string{"send", "--batch", input, "--rate-limit", "0", "--journal", journalPath},
		stdio{strings.NewReader(""), failingWriter{}, &stderr}, func(name string) string { return vars[name] })

	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr.String(), "writing the outcome of line 1: disk full")
	assert.Equal(t, 3, len(server.Messages()), "a run that cannot report the lines it skips sends nothing")
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestBatchAcceptsAByteOrderMarkOnTheFirstLine(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)

	r := gleap(t, server.URL, "", nil, "send", "--batch", writeInput(t, t.TempDir(), "\ufeff"+batchInputOf(2, nil, nil)), "--rate-limit", "0")

	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Len(t, storedByRef(t, server), 2)
}

func TestBatchCtrlCStopsTheCheckInsideAnEndlessLine(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	ctx, interrupt := context.WithCancel(context.Background())
	// An input with no line break that never ends, as /dev/zero: Ctrl-C once the check is well into it.
	endless := &interruptingReader{after: 64 << 20, interrupt: interrupt}

	var stdout, stderr strings.Builder
	vars := map[string]string{"GLEAP_API_KEY": testKey, "GLEAP_PROJECT": testProject, "GLEAP_BASE_URL": server.URL}
	code := run(ctx, []string{"send", "--batch", "-"}, stdio{endless, &stdout, &stderr}, func(name string) string { return vars[name] })

	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "gleap send: interrupted while checking the input; nothing was sent\n", stderr.String())
	assert.Less(t, endless.read, int64(80<<20), "reading stopped soon after Ctrl-C")
	assert.Empty(t, server.Requests())
}

// interruptingReader reads as endless zeros and calls interrupt once it has given after bytes.
type interruptingReader struct {
	after, read int64
	interrupt   func()
}

func (r *interruptingReader) Read(p []byte) (int, error) {
	clear(p)
	r.read += int64(len(p))
	if r.read >= r.after {
		r.interrupt()
	}
	return len(p), nil
}

func TestBatchNeverSendsALineChangedDuringTheRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Lines 2 and 3 are long, so that line 4 is past what the run has read ahead when line 1 is posted.
	long := func(number int) string {
		ref := fmt.Sprintf("ref-%d", number)
		return strings.Replace(batchLine(number, ref), fmt.Sprintf("line %d", number), strings.Repeat("x", 100_000), 1)
	}
	original := batchLine(1, "ref-1") + "\n" + long(2) + "\n" + long(3) + "\n" + batchLine(4, "ref-4") + "\n"
	input := writeInput(t, dir, original)
	var changed atomic.Bool
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(gleaptest.Request) {
		if changed.CompareAndSwap(false, true) {
			// Another valid line in place of line 4, as an editor saving the file would leave it.
			edited := strings.Replace(original, batchLine(4, "ref-4"), batchLine(4, "ref-edited"), 1)
			assert.NoError(t, os.WriteFile(input, []byte(edited), 0o600))
		}
	}))

	r := gleap(t, server.URL, "", nil, "send", "--batch", input, "--concurrency", "1", "--rate-limit", "0",
		"--journal", filepath.Join(dir, "journal.jsonl"))

	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "the input file was written to during the run")
	stored := storedByRef(t, server)
	assert.NotContains(t, stored, "ref-edited", "text that was never checked is never sent")
	assert.NotEmpty(t, stored)
	for ref := range stored {
		assert.Contains(t, []string{"ref-1", "ref-2", "ref-3"}, ref)
	}
}

func TestAWriteToTheInputFailsTheNextRead(t *testing.T) {
	t.Parallel()
	path := writeInput(t, t.TempDir(), "first line\n")
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	info, err := file.Stat()
	require.NoError(t, err)
	reader := unchangedReader{file, versionOf(info)}
	buf := make([]byte, 4)
	_, err = reader.Read(buf)
	require.NoError(t, err, "the file as it was opened")

	// A write of the same size: only the modification time tells. Set it apart explicitly, as a clock
	// tick may not have passed since the file was written.
	require.NoError(t, os.WriteFile(path, []byte("FIRST LINE\n"), 0o600))
	require.NoError(t, os.Chtimes(path, info.ModTime(), info.ModTime().Add(time.Second)))

	n, err := reader.Read(buf)
	assert.ErrorIs(t, err, errInputChanged)
	assert.Zero(t, n, "bytes read after the write are not passed on")
}
