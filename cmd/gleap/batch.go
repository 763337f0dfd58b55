package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/wrapper"
)

// batchWords are the words of a kind of batch (send --batch, contacts import) in what it writes.
type batchWords struct {
	command string // what its lines on stderr begin with: "gleap send"
	input   string // what the errors of its input begin with: "gleap send: --batch"
	noun    string // what its lines hold, plural: "messages"
}

// batchJob is a kind of batch: how its lines are read and checked, and the bulk run that sends them.
type batchJob[T any] struct {
	batchWords
	// parse reads and checks one line, as the client would check its request.
	parse func(line []byte) (T, error)
	// repeats calls repeated with each request that repeats an earlier one, which a journal refuses
	// (bulk.RepeatedRefs, bulk.RepeatedUserIDs); repeated says why, given that earlier line's number.
	repeats  func(requests iter.Seq2[int, T], repeated func(number, first int, req T) bool)
	repeated func(first int, req T) error
	// run sends the requests: bulk.Send, bulk.Upsert.
	run func(ctx context.Context, client *wrapper.Client, requests iter.Seq2[int, T], opts ...bulk.Option) (bulk.Summary, error)
}

// batchFlags are the flags of a batch run; file is the input, a flag or an argument.
type batchFlags struct {
	file          *string
	concurrency   *int
	journal       *string
	resendUnknown *bool
	progressEvery *time.Duration
}

// addRunFlags adds the flags every batch has to flags; with says what they go with in their usage, as
// in "with --batch" ("" for a command that is all batch).
func (b *batchFlags) addRunFlags(flags *flag.FlagSet, with string) {
	usage := func(sep, text string) string {
		if with == "" {
			return text
		}
		return with + sep + text
	}
	b.concurrency = flags.Int("concurrency", bulk.DefaultConcurrency, usage(": ", "send up to `N` lines at once (the rate limit still holds)"))
	b.journal = flags.String("journal", "", usage(": ", "record each line's outcome in `FILE`; run the same command again to resume, exactly once"))
	b.progressEvery = flags.Duration("progress-every", 10*time.Second,
		usage(", ", "when stderr is not a terminal (which gets a progress bar): write a progress line on stderr every `DURATION`; 0 for none"))
}

// checkRunFlags refuses values of the flags of addRunFlags that make no sense, for command.
func (b *batchFlags) checkRunFlags(command string) error {
	switch {
	case *b.concurrency < 1 || *b.concurrency > bulk.MaxConcurrency:
		return fmt.Errorf("%s: --concurrency must be from 1 to %d, got %d", command, bulk.MaxConcurrency, *b.concurrency)
	case *b.progressEvery < 0:
		return fmt.Errorf("%s: --progress-every must not be negative, got %v", command, *b.progressEvery)
	}
	return nil
}

// runBatch runs a batch of job: it checks every line, then has job.run send them, with the journal bound
// to the input's digest and count of lines, reporting each outcome on stdout.
func runBatch[T any](ctx context.Context, job batchJob[T], flags *batchFlags, conn *connection, rate rateFlag, dryRun bool, std stdio, getenv func(string) string) int {
	input, bad, badCount, err := openBatchInput(ctx, job, *flags.file, std.in, *flags.journal != "")
	if input != nil {
		defer input.close()
	}
	switch {
	case ctx.Err() != nil:
		return std.fail(exitFailure, fmt.Errorf("%s: interrupted while checking the input; nothing was sent", job.command))
	case err != nil:
		return std.fail(exitUsage, err)
	}
	if badCount > 0 {
		reportBadLines(std.err, job.input, bad, badCount)
		return exitUsage
	}
	if dryRun {
		fmt.Fprintf(std.err, "%s: the %d %s on %d lines are valid; nothing was sent (--dry-run)\n", job.input, input.messages, job.noun, input.lines)
		return exitOK
	}
	// Each attempt gets wrapper.DefaultTimeout, given explicitly because the lines in flight after Ctrl-C
	// get as long to finish (bulk): the one must not outlast the other.
	client, _, err := conn.resolve(getenv, rate.option(), wrapper.WithTimeout(wrapper.DefaultTimeout))
	if err != nil {
		return std.fail(exitUsage, err)
	}
	report := newBatchReport(std.out, std.err, job.batchWords, input.messages, terminal(std.err), time.Now)
	opts := []bulk.Option{bulk.WithConcurrency(*flags.concurrency), bulk.WithOutcomes(report.outcome)}
	if *flags.journal != "" {
		opts = append(opts, bulk.WithJournal(*flags.journal), bulk.WithInputID(input.digest, input.lines))
		if *flags.resendUnknown {
			opts = append(opts, bulk.WithResendUnknown())
		}
	}
	// A reader of stdout that goes away (gleap send --batch … | head) would otherwise kill the process
	// with SIGPIPE, requests in flight and no summary: a failed write stops the run like any other.
	signal.Ignore(syscall.SIGPIPE)
	if *flags.progressEvery > 0 {
		progress := time.NewTicker(*flags.progressEvery)
		defer progress.Stop()
		report.showProgress(progress.C) // finish stops it
	}
	var inputErr error
	summary, err := job.run(ctx, client, requestsOf(input, job.parse, &inputErr), opts...)
	if report.failed != nil && errors.Is(err, report.failed) {
		err = nil // finishBatch tells it
	}
	var refused *bulk.JournalError
	if errors.As(err, &refused) {
		report.summary()
		return std.fail(exitUsage, fmt.Errorf("%s: --journal %s: %w", job.command, refused.Path, refused.Err))
	}
	return finishBatch(ctx, std.err, report, *flags.journal != "", input.messages, summary, errors.Join(inputErr, cliError(job.command, err)))
}

// cliError is the error of a bulk run as command tells it: in its own terms, and none for Ctrl-C, which
// the summary tells.
func cliError(command string, err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, bulk.ErrJournalWrite):
		return fmt.Errorf("%s: --journal: %w", command, err)
	}
	return fmt.Errorf("%s: %w", command, err)
}

// reportBadLines names the first bad lines of input on w, and counts them all.
func reportBadLines(w io.Writer, input string, bad []badLine, count int) {
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
	fmt.Fprintf(w, "%s: %d bad %s (%s%s); nothing was sent\n", input, count, noun, strings.Join(numbers, ", "), more)
	for _, line := range bad {
		fmt.Fprintf(w, "  line %d: %v\n", line.number, line.err)
	}
}

// finishBatch writes the summary, with the time since the input was checked and the rate of messages
// sent, and returns the exit code: 0 when every line was sent, now or before.
func finishBatch(ctx context.Context, errOut io.Writer, report *batchReport, journaled bool, messages int, summary bulk.Summary, runErr error) int {
	counts := report.summary()
	if runErr != nil {
		fmt.Fprintln(errOut, runErr)
	}
	if report.failed != nil && !errors.Is(runErr, report.failed) {
		fmt.Fprintln(errOut, report.failed)
	}
	notReported := messages - report.reported() - summary.Unjournaled
	if summary.Unjournaled > 0 {
		counts += fmt.Sprintf(", not journaled %d", summary.Unjournaled)
	}
	if notReported > 0 {
		counts += fmt.Sprintf(", not sent %d", notReported)
	}
	command := report.words.command
	fmt.Fprintf(errOut, "%s: %s; %s\n", command, counts, report.pace())
	if summary.Unjournaled > 0 {
		fmt.Fprintf(errOut, "%s: not journaled: %d lines were sent but their outcome is not in the journal, so it is not reported; once the journal can be written, run the same command again: it settles them first\n", command, summary.Unjournaled)
	}
	if ctx.Err() != nil {
		advice := ""
		if journaled {
			advice = "; run the same command again to send the rest"
		}
		fmt.Fprintf(errOut, "%s: interrupted: the lines in flight were finished, %d lines were not started%s\n", command, notReported, advice)
	}
	done := report.count(string(bulk.Sent)) + report.count(string(bulk.Skipped))
	if runErr != nil || report.failed != nil || done != messages {
		return exitFailure
	}
	return exitOK
}
