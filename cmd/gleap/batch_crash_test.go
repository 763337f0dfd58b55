package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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

func TestBatchCrashHelperProcess(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "1" {
		t.Skip("the subprocess of TestBatchSurvivesKill9")
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

// TestBatchSurvivesKill9 runs send --batch --journal in a real process, kills it with SIGKILL after a
// random number of requests five times, then lets a run finish: the server holds exactly one message
// per line, each with its messageRef.
func TestBatchSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the CLI six times in a subprocess")
	}
	t.Parallel()
	const lines, kills = 100, 5
	var child atomic.Pointer[os.Process]
	var requests, killAt atomic.Int64
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(gleaptest.Request) {
		// Killed right after the server answered: the child may not have read the answer, nor journaled
		// it, so that the next run has to look the line up.
		if requests.Add(1) == killAt.Load() {
			if process := child.Load(); process != nil {
				_ = process.Kill()
			}
		}
	}))
	dir := t.TempDir()
	input := writeInput(t, dir, batchInputOf(lines, nil, nil))
	journalPath := filepath.Join(dir, "journal.jsonl")

	killed := 0
	for runs := 1; ; runs++ {
		require.LessOrEqual(t, runs, kills+1, "a run that is not killed finishes")
		requests.Store(0)
		killAt.Store(-1)
		if killed < kills {
			// At most 10 requests a run, so that 5 kills happen before 100 lines are sent.
			killAt.Store(1 + rand.Int64N(10))
		}
		cmd := cliProcess(server, "send", "--batch", input, "--journal", journalPath, "--concurrency", "4", "--rate-limit", "0")
		output, err := os.Create(filepath.Join(dir, fmt.Sprintf("stdout-%d.jsonl", runs)))
		require.NoError(t, err)
		cmd.Stdout, cmd.Stderr = output, output
		require.NoError(t, cmd.Start())
		child.Store(cmd.Process)
		err = cmd.Wait()
		child.Store(nil)
		require.NoError(t, output.Close())
		if status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && status.Signaled() && status.Signal() == syscall.SIGKILL {
			killed++
			// A request the child had sent when it died may still be on its way through the server:
			// the next run must find it stored, as it would find it at Gleap a while later.
			require.Eventually(t, func() bool { return allAnswered(server) }, defaultWait, waitTick)
			continue
		}
		require.NoError(t, err, "the run that is not killed sends every line left")
		break
	}

	assert.Equal(t, kills, killed)
	stored := storedByRef(t, server)
	assert.Len(t, stored, lines, "every line is stored once")
	assert.Len(t, server.Messages(), lines)
	for number := 1; number <= lines; number++ {
		assert.Contains(t, stored, fmt.Sprintf("ref-%d", number))
	}
	assertJournalSettled(t, journalPath)
	journal, err := os.ReadFile(journalPath)
	require.NoError(t, err)
	t.Logf("%d kills; %d lines were found on the server by a resumed run", killed, bytes.Count(journal, []byte(`"found":true`)))
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
