package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptrace"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// reconcileMaxPageBytes caps a page of the listings that look for lines of unknown outcome, each
// wrapper.DefaultPageSize messages: a message may be up to 1 MiB (wrapper.MaxRequestBytes), so a page of
// large ones is far over the client's default cap of 4 MiB, and a resume must not fail on a ticket of
// long messages.
const reconcileMaxPageBytes = 128 << 20

// maxConcurrency bounds --concurrency: Gleap allows 17 requests a second, so more lines at once only
// wait, each with a goroutine and a connection.
const maxConcurrency = 64

// batchFlags are the flags of send that go with --batch.
type batchFlags struct {
	file          *string
	concurrency   *int
	journal       *string
	resendUnknown *bool
	progressEvery *time.Duration
}

func addBatchFlags(flags *flag.FlagSet) *batchFlags {
	return &batchFlags{
		file: flags.String("batch", "", "send every line of `FILE` (- for standard input): JSON Lines, one CreateMessageRequest per line"),
		concurrency: flags.Int("concurrency", 4,
			"with --batch: send up to `N` lines at once (the rate limit still holds)"),
		journal: flags.String("journal", "", "with --batch: record each line's outcome in `FILE`; run the same command again to resume, exactly once"),
		resendUnknown: flags.Bool("resend-unknown", false,
			"with --journal: send again the lines without messageRef whose outcome is unknown (they may be posted twice)"),
		progressEvery: flags.Duration("progress-every", 10*time.Second,
			"with --batch, when stderr is not a terminal (which gets a progress bar): write a progress line on stderr every `DURATION`; 0 for none"),
	}
}

// checkBatchFlags refuses flags that make no sense with, or without, --batch.
func checkBatchFlags(flags *flag.FlagSet, b *batchFlags) error {
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *b.file == "" {
		for _, name := range []string{"concurrency", "journal", "resend-unknown", "progress-every"} {
			if set[name] {
				return fmt.Errorf("gleap send: --%s goes with --batch", name)
			}
		}
		return nil
	}
	for _, name := range []string{"ticket", "text", "note", "bot", "attach", "json"} {
		if set[name] {
			return fmt.Errorf("gleap send: --batch cannot be combined with --%s: each line of the input is a whole message, ticket included", name)
		}
	}
	switch {
	case *b.concurrency < 1 || *b.concurrency > maxConcurrency:
		return fmt.Errorf("gleap send: --concurrency must be from 1 to %d, got %d", maxConcurrency, *b.concurrency)
	case *b.resendUnknown && *b.journal == "":
		return errors.New("gleap send: --resend-unknown goes with --journal: without a journal no outcome is unknown from an earlier run")
	case *b.progressEvery < 0:
		return fmt.Errorf("gleap send: --progress-every must not be negative, got %v", *b.progressEvery)
	}
	return nil
}

// batch is one run of send --batch.
type batch struct {
	client *wrapper.Client
	apiKey string // only to keep it out of what the batch writes
	input  *batchInput
	report *batchReport
	// journal and states are nil without --journal.
	journal       *journal
	states        []lineState
	concurrency   int
	resendUnknown bool
	// unjournaled counts the lines sent whose outcome the journal could not record: they are not
	// reported, and the next run looks for them.
	unjournaled atomic.Int64
}

// sendBatch runs send --batch: it checks every line, then, with a journal, skips the lines sent before
// and reconciles those of unknown outcome, then sends the rest, concurrency lines at a time.
func sendBatch(ctx context.Context, flags *batchFlags, conn *connection, rate rateFlag, dryRun bool, std stdio, getenv func(string) string) int {
	input, bad, badCount, err := openBatchInput(ctx, *flags.file, std.in, *flags.journal != "")
	if input != nil {
		defer input.close()
	}
	switch {
	case ctx.Err() != nil:
		return std.fail(exitFailure, errors.New("gleap send: interrupted while checking the input; nothing was sent"))
	case err != nil:
		return std.fail(exitUsage, err)
	}
	if badCount > 0 {
		reportBadLines(std.err, bad, badCount)
		return exitUsage
	}
	if dryRun {
		fmt.Fprintf(std.err, "gleap send: --batch: the %d messages on %d lines are valid; nothing was sent (--dry-run)\n", input.messages, input.lines)
		return exitOK
	}
	// Each attempt gets wrapper.DefaultTimeout, given explicitly because the lines in flight after Ctrl-C
	// get as long to finish (sendAll): the one must not outlast the other.
	client, resolved, err := conn.resolve(getenv, rate.option(), wrapper.WithTimeout(wrapper.DefaultTimeout))
	if err != nil {
		return std.fail(exitUsage, err)
	}
	b := &batch{client: client, apiKey: resolved.apiKey, input: input, concurrency: *flags.concurrency, resendUnknown: *flags.resendUnknown,
		report: newBatchReport(std.out, std.err, input.messages, terminal(std.err), time.Now)}
	if *flags.journal != "" {
		header := journalHeader{Input: input.digest, Lines: input.lines, Project: resolved.project, BaseURL: resolved.baseURL}
		b.journal, b.states, err = openJournal(*flags.journal, header, func(line int, id string) {
			_ = b.report.line(lineOutcome{Line: line, Status: statusSkipped, ID: id}) // a failed write stays in b.report.failed
		})
		if err != nil {
			return std.fail(exitUsage, err)
		}
		defer b.journal.close()
		if b.report.failed != nil {
			return b.finish(ctx, std.err, nil)
		}
	}

	// A reader of stdout that goes away (gleap send --batch … | head) would otherwise kill the process
	// with SIGPIPE, requests in flight and no summary: a failed write stops the run like any other.
	signal.Ignore(syscall.SIGPIPE)
	if *flags.progressEvery > 0 {
		progress := time.NewTicker(*flags.progressEvery)
		defer progress.Stop()
		b.report.showProgress(progress.C) // finish stops it
	}
	err = b.reconcile(ctx)
	if err == nil {
		err = b.sendAll(ctx)
	}
	return b.finish(ctx, std.err, err)
}

// reportBadLines names the first bad lines on w, and counts them all.
func reportBadLines(w io.Writer, bad []badLine, count int) {
	noun := "lines"
	if count == 1 {
		noun = "line"
	}
	numbers := make([]string, len(bad))
	for i, line := range bad {
		numbers[i] = fmt.Sprint(line.number)
	}
	more := ""
	if count > len(bad) {
		more = fmt.Sprintf(" and %d more", count-len(bad))
	}
	fmt.Fprintf(w, "gleap send: --batch: %d bad %s (%s%s); nothing was sent\n", count, noun, strings.Join(numbers, ", "), more)
	for _, line := range bad {
		fmt.Fprintf(w, "  line %d: %v\n", line.number, line.err)
	}
}

// finish writes the summary, with the time since the input was checked and the rate of messages sent,
// and returns the exit code: 0 when every line was sent, now or before.
func (b *batch) finish(ctx context.Context, errOut io.Writer, runErr error) int {
	summary := b.report.summary()
	if runErr != nil {
		fmt.Fprintln(errOut, runErr)
	}
	if b.report.failed != nil && !errors.Is(runErr, b.report.failed) {
		fmt.Fprintln(errOut, b.report.failed)
	}
	unjournaled := int(b.unjournaled.Load())
	notReported := b.input.messages - b.report.reported() - unjournaled
	if unjournaled > 0 {
		summary += fmt.Sprintf(", not journaled %d", unjournaled)
	}
	if notReported > 0 {
		summary += fmt.Sprintf(", not sent %d", notReported)
	}
	fmt.Fprintf(errOut, "gleap send: %s; %s\n", summary, b.report.pace())
	if unjournaled > 0 {
		fmt.Fprintf(errOut, "gleap send: not journaled: %d lines were sent but their outcome is not in the journal, so it is not reported; once the journal can be written, run the same command again: it looks for them first\n", unjournaled)
	}
	if ctx.Err() != nil {
		advice := ""
		if b.journal != nil {
			advice = "; run the same command again to send the rest"
		}
		fmt.Fprintf(errOut, "gleap send: interrupted: the lines in flight were finished, %d lines were not started%s\n", notReported, advice)
	}
	done := b.report.count(statusSent) + b.report.count(statusSkipped)
	if runErr != nil || b.report.failed != nil || done != b.input.messages {
		return exitFailure
	}
	return exitOK
}

// pendingLine is a line on its way to a worker.
type pendingLine struct {
	number int
	req    wrapper.CreateMessageRequest
}

// errStopped ends the reading of the input once the run is stopped.
var errStopped = errors.New("stopped")

// sendAll sends every line still to be sent, b.concurrency at a time, in input order. Lines are taken
// until taking ends: Ctrl-C (ctx ending), or a journal or stdout that cannot be written. The lines in
// flight are finished with a context of their own, inFlight, so that Ctrl-C does not cut a request off
// midway and leave its outcome unknown; should one hang, it is cut off wrapper.DefaultTimeout after the
// stop, the timeout of each of its attempts.
func (b *batch) sendAll(ctx context.Context) error {
	taking, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	inFlight, cutOff := context.WithCancel(context.WithoutCancel(ctx))
	defer cutOff()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-taking.Done():
		case <-finished:
			return
		}
		select {
		case <-time.After(wrapper.DefaultTimeout):
			cutOff()
		case <-finished:
		}
	}()

	lines := make(chan pendingLine)
	var workers sync.WaitGroup
	for range b.concurrency {
		workers.Go(func() {
			for line := range lines {
				b.sendLine(taking, inFlight, stop, line)
			}
		})
	}
	err := b.input.each(func(number int, line []byte) error {
		if b.states != nil && b.states[number] != stateNew {
			return nil
		}
		req, err := parseBatchLine(line)
		if err != nil {
			return changedLine(number, err)
		}
		select {
		case lines <- pendingLine{number: number, req: req}:
			return nil
		case <-taking.Done():
			return errStopped
		}
	})
	close(lines)
	workers.Wait()
	if errors.Is(err, errStopped) {
		err = nil
	}
	if cause := context.Cause(taking); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause // the journal or stdout failed, with or without a Ctrl-C as well
	}
	return err
}

// sendLine sends one line: "started" goes to the journal, on disk, before the request, and the outcome
// after it, before the line is reported. A line taken after the stop is left for the next run, and so is
// one that was still waiting for its turn under the rate limit when the run stopped.
func (b *batch) sendLine(taking, inFlight context.Context, stop context.CancelCauseFunc, line pendingLine) {
	if taking.Err() != nil {
		return
	}
	if b.journal != nil {
		if err := b.journal.record(journalRecord{lineOutcome: lineOutcome{Line: line.number, Status: statusStarted}}); err != nil {
			stop(err)
			return
		}
	}
	call, dropped, done := lineContext(taking, inFlight)
	message, err := b.client.Messages.Create(call, line.req)
	done()
	outcome := outcomeOf(line.number, b.idOf(message), err)
	notSent := dropped() && outcome.Status == statusFailed
	if notSent {
		// As a line never taken: not reported, and the journal says it is to be sent.
		outcome.Error = "interrupted before it was sent"
	}
	if b.journal != nil {
		if err := b.journal.record(journalRecord{lineOutcome: outcome}); err != nil {
			// stdout reports only what the journal holds: a line reported but not journaled would be sent
			// again by the next run. The journal says "started", so the next run looks for the message.
			if !notSent {
				b.unjournaled.Add(1)
			}
			stop(err)
			return
		}
	}
	if notSent {
		return
	}
	if err := b.report.line(outcome); err != nil {
		stop(err)
	}
}

// lineContext returns the context of one line's request: inFlight, which Ctrl-C does not end, except that
// the end of taking drops the request while it has not started on its way (it waits for its turn under
// the rate limit, or for the pause another line's 429 started). It starts when the transport asks for a
// connection; from then on it is in flight and finishes, retries included: a line answered 429 itself
// waits out its Retry-After, up to the cut-off, and is then reported failed. dropped reports whether taking's end dropped it; done releases
// the context once the call has returned.
func lineContext(taking, inFlight context.Context) (call context.Context, dropped func() bool, done func()) {
	const waiting, started, stopped = 0, 1, 2
	var state atomic.Int32
	call, cancel := context.WithCancel(inFlight)
	unwatch := context.AfterFunc(taking, func() {
		if state.CompareAndSwap(waiting, stopped) {
			cancel()
		}
	})
	// The wrapper adds its own trace on top: both are called.
	call = httptrace.WithClientTrace(call, &httptrace.ClientTrace{GetConn: func(string) {
		state.CompareAndSwap(waiting, started)
	}})
	return call, func() bool { return state.Load() == stopped }, func() {
		unwatch()
		cancel()
	}
}

// outcomeOf tells what sending a line did: id is the stored message's, when err is nil.
func outcomeOf(number int, id string, err error) lineOutcome {
	outcome := lineOutcome{Line: number}
	switch {
	case err == nil:
		outcome.Status, outcome.ID = statusSent, id
	case errors.Is(err, wrapper.ErrInvalidResponse):
		// Gleap answered with success: the message exists, only its id is not known.
		outcome.Status, outcome.Error = statusSent, err.Error()
	case errors.Is(err, wrapper.ErrOutcomeUnknown):
		outcome.Status, outcome.Error = statusUnknown, err.Error()
	default:
		// Refused (a 4xx, a 429 past the retries) or never sent: provably not posted, so a next run with
		// the journal sends it again.
		outcome.Status, outcome.Error = statusFailed, err.Error()
	}
	return outcome
}

// idOf is the id of a stored message (nil: none), as the batch reports and journals it. The key is taken
// out: the client redacts what a server's errors say, but an id is the server's to choose.
func (b *batch) idOf(message *wrapper.Message) string {
	var id string
	switch {
	case message == nil:
		return ""
	case message.ID != "":
		id = message.ID
	case message.DocumentID != "":
		id = message.DocumentID
	}
	if b.apiKey == "" {
		return id
	}
	return strings.ReplaceAll(id, b.apiKey, "[REDACTED]")
}
