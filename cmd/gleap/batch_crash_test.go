package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// crashHelperEnv makes TestBatchCrashHelperProcess run the CLI with the arguments after "--", as the
// gleap binary would: TestBatchSurvivesKill9 runs this test binary as a subprocess to kill it.
const crashHelperEnv = "GLEAP_TEST_RUN_CLI"

// fileSizeLimitEnv, when set, is the largest file in bytes that TestBatchCrashHelperProcess may write
// (RLIMIT_FSIZE, what `ulimit -f` sets): a write past it fails as on a full disk.
const fileSizeLimitEnv = "GLEAP_TEST_FILE_SIZE_LIMIT"

func TestBatchCrashHelperProcess(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "1" {
		t.Skip("the subprocess of TestBatchSurvivesKill9")
	}
	if limit := os.Getenv(fileSizeLimitEnv); limit != "" {
		bytes, err := strconv.ParseUint(limit, 10, 64)
		require.NoError(t, err)
		require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: bytes, Max: bytes}))
	}
	ctx, stop := interruptible()
	code := run(ctx, flag.Args(), stdio{os.Stdin, os.Stdout, os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}

// cliProcess is the command that runs the CLI with args, against server, in a process of its own.
func cliProcess(server *gleaptest.Server, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestBatchCrashHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), crashHelperEnv+"=1", "GLEAP_BASE_URL="+server.URL,
		"GLEAP_API_KEY="+testKey, "GLEAP_PROJECT="+testProject)
	return cmd
}

// killer runs the CLI in processes of its own and kills each with SIGKILL right after the server
// answered its request number killAt: the child may not have read the answer, nor journaled it, so
// that the next run has to settle the line. Give its log to the server (gleaptest.WithRequestLog).
type killer struct {
	child            atomic.Pointer[os.Process]
	requests, killAt atomic.Int64
}

func (k *killer) log(gleaptest.Request) {
	if k.requests.Add(1) == k.killAt.Load() {
		if process := k.child.Load(); process != nil {
			_ = process.Kill()
		}
	}
}

// runUntilDone runs the CLI with args against server until a run is not killed: each of the first
// kills runs is killed after 1 to most requests. It returns the stdout of the last run, which must
// succeed, and how many requests that run made.
func (k *killer) runUntilDone(t *testing.T, server *gleaptest.Server, kills int, most int64, args ...string) (stdout string, requests int64) {
	t.Helper()
	killed := 0
	for runs := 1; ; runs++ {
		require.LessOrEqual(t, runs, kills+1, "a run that is not killed finishes")
		k.requests.Store(0)
		k.killAt.Store(-1)
		if killed < kills {
			k.killAt.Store(1 + rand.Int64N(most))
		}
		cmd := cliProcess(server, args...)
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		require.NoError(t, cmd.Start())
		k.child.Store(cmd.Process)
		err := cmd.Wait()
		k.child.Store(nil)
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && status.Signaled() && status.Signal() == syscall.SIGKILL {
			killed++
			// A request the child had sent when it died may still be on its way through the server:
			// the next run must find it stored, as it would find it at Gleap a while later.
			require.Eventually(t, func() bool { return allAnswered(server) }, defaultWait, waitTick)
			continue
		}
		require.NoError(t, err, "the run that is not killed does every line left: %s", errOut.String())
		require.Equal(t, kills, killed)
		return out.String(), k.requests.Load()
	}
}

// TestBatchSurvivesKill9 runs send --batch --journal in a real process, kills it with SIGKILL after a
// random number of requests five times, then lets a run finish: the server holds exactly one message
// per line, each with its messageRef.
func TestBatchSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI six times in a subprocess")
	}
	t.Parallel()
	const lines, kills = 100, 5
	var kill killer
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(kill.log))
	dir := t.TempDir()
	input := writeInput(t, dir, batchInputOf(lines, nil, nil))
	journalPath := filepath.Join(dir, "journal.jsonl")

	// At most 10 requests a run, so that 5 kills happen before 100 lines are sent.
	kill.runUntilDone(t, server, kills, 10, "send", "--batch", input, "--journal", journalPath, "--concurrency", "4", "--rate-limit", "0")

	stored := storedByRef(t, server)
	assert.Len(t, stored, lines, "every line is stored once")
	assert.Len(t, server.Messages(), lines)
	for number := 1; number <= lines; number++ {
		assert.Contains(t, stored, fmt.Sprintf("ref-%d", number))
	}
	assertJournalSettled(t, journalPath)
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	t.Logf("%d kills; %d lines were found on the server by a resumed run", kills, bytes.Count(journal, []byte(`"found":true`)))
}

// How long a test waits for the server to answer the requests of a killed child, and how often it looks.
const (
	defaultWait = 5 * time.Second
	waitTick    = 5 * time.Millisecond
)

// allAnswered reports whether server has answered every request it received.
func allAnswered(server *gleaptest.Server) bool {
	for _, request := range server.Requests() {
		if request.Status == 0 {
			return false
		}
	}
	return true
}

// TestASecondCtrlCStopsAtOnce interrupts a batch whose request the server holds: the first SIGINT waits
// for it, as it should; a second one ends the process without waiting.
func TestASecondCtrlCStopsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI in a subprocess")
	}
	t.Parallel()
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	defer close(release)
	hold := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-release
	})
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: hold}))
	input := writeInput(t, t.TempDir(), batchInputOf(3, nil, nil))
	cmd := cliProcess(server, "send", "--batch", input, "--concurrency", "1", "--rate-limit", "0")
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	<-arrived

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	// The first SIGINT may still be on its way when the next is sent, and would then swallow it: send
	// one until the process is gone. Without the second-signal rule it lives until the server answers.
	require.Eventually(t, func() bool {
		select {
		case <-exited:
			return true
		default:
			_ = cmd.Process.Signal(os.Interrupt)
			return false
		}
	}, defaultWait, 20*time.Millisecond, "a second Ctrl-C ends the process")
	status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	assert.True(t, status.Signaled() && status.Signal() == syscall.SIGINT, "killed by the second SIGINT, not exited: %v", cmd.ProcessState)
	assert.Len(t, server.Messages(), 0)
}

// TestBatchSurvivesItsStdoutReaderGoingAway runs a batch whose stdout is a pipe nobody reads any more, as
// in `gleap send --batch … | head -1`: it stops like any run that cannot report, with its summary and
// exit 1, instead of dying of SIGPIPE.
func TestBatchSurvivesItsStdoutReaderGoingAway(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI in a subprocess")
	}
	t.Parallel()
	server := gleaptest.NewServer(t)
	cmd := cliProcess(server, "send", "--batch", writeInput(t, t.TempDir(), batchInputOf(20, nil, nil)),
		"--rate-limit", "0", "--concurrency", "1")
	reader, writer, err := os.Pipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = writer, &stderr
	require.NoError(t, cmd.Start())
	require.NoError(t, writer.Close())
	require.NoError(t, reader.Close()) // the reader is gone before the first outcome is written

	err = cmd.Wait()

	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "it exits, and is not killed: %s", stderr.String())
	assert.Equal(t, exitFailure, exit.ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "broken pipe")
	assert.Contains(t, stderr.String(), "gleap send: sent ")
	assert.Less(t, len(server.Messages()), 3, "a run that cannot report stops")
}

// TestBatchReportsALineOnlyOnceItsOutcomeIsInTheJournal runs send --batch --journal in a process that may
// not write files past a size (ulimit -f): the journal fills up just after the first line's "started"
// record, so that the line is sent but its outcome cannot be recorded. stdout must not report it, the
// run stops with exit 1 and says why, and no other line is sent. The next run, with room on the disk,
// finds the line on the server and sends the rest, each once.
func TestBatchReportsALineOnlyOnceItsOutcomeIsInTheJournal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI in a subprocess")
	}
	t.Parallel()
	const lines, limit = 5, 4096
	server := gleaptest.NewServer(t)
	dir := t.TempDir()
	text := batchInputOf(lines, nil, nil)
	input, journalPath := writeInput(t, dir, text), filepath.Join(dir, "journal.jsonl")
	// A journal of an earlier run in which line 1 failed, padded so that line 1's "started" record of
	// the next run ends exactly at the limit.
	started := `{"line":1,"status":"started"}` + "\n"
	writeJournal(t, journalPath, text, server, `{"line":1,"status":"failed","error":""}`)
	info, err := os.Stat(journalPath)
	require.NoError(t, err)
	padding := strings.Repeat("x", limit-len(started)-int(info.Size()))
	writeJournal(t, journalPath, text, server, `{"line":1,"status":"failed","error":"`+padding+`"}`)
	cmd := cliProcess(server, "send", "--batch", input, "--journal", journalPath, "--concurrency", "1", "--rate-limit", "0")
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", fileSizeLimitEnv, limit))
	var stdout, stderr bytes.Buffer // pipes, which the limit does not apply to
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err = cmd.Run()

	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "it exits, and is not killed: %s", stderr.String())
	assert.Equal(t, exitFailure, exit.ExitCode(), stderr.String())
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	require.Len(t, journal, limit, "the journal filled up")
	require.True(t, strings.HasSuffix(string(journal), started), "line 1 was started")
	journaled := lastRecords(t, journal)
	for number, outcome := range outcomes(t, stdout.String()) {
		assert.Equal(t, outcome.Status, journaled[number], "line %d is reported before its outcome is in the journal", number)
	}
	assert.Contains(t, stderr.String(), "gleap send: --journal: the journal cannot be written, so no more requests are sent: write "+journalPath+": file too large\n")
	assert.Contains(t, stderr.String(), "gleap send: sent 0, failed 0, unknown 0, skipped 0, not journaled 1, not sent 4")
	assert.Len(t, server.Messages(), 1, "no line is sent after the journal failed")

	// With room on the disk, the same command settles line 1 and sends the rest.
	resumed := gleap(t, server.URL, "", nil, "send", "--batch", input, "--journal", journalPath, "--rate-limit", "0")

	require.Equal(t, exitOK, resumed.code, resumed.stderr)
	assert.Equal(t, statusSkipped, outcomes(t, resumed.stdout)[1].Status, "line 1 is found on the server")
	assert.Len(t, storedByRef(t, server), lines)
	assert.Len(t, server.Messages(), lines, "each line once")
}

// lastRecords returns the status of each line's last record in journal.
func lastRecords(t *testing.T, journal []byte) map[int]string {
	t.Helper()
	last := map[int]string{}
	for i, line := range strings.Split(strings.TrimSuffix(string(journal), "\n"), "\n") {
		var record lineOutcome
		if i > 0 && assert.NoError(t, json.Unmarshal([]byte(line), &record)) {
			last[record.Line] = record.Status
		}
	}
	return last
}
