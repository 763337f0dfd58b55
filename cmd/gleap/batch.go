package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/wrapper"
)

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
		concurrency: flags.Int("concurrency", bulk.DefaultConcurrency,
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
	case *b.concurrency < 1 || *b.concurrency > bulk.MaxConcurrency:
		return fmt.Errorf("gleap send: --concurrency must be from 1 to %d, got %d", bulk.MaxConcurrency, *b.concurrency)
	case *b.resendUnknown && *b.journal == "":
		return errors.New("gleap send: --resend-unknown goes with --journal: without a journal no outcome is unknown from an earlier run")
	case *b.progressEvery < 0:
		return fmt.Errorf("gleap send: --progress-every must not be negative, got %v", *b.progressEvery)
	}
	return nil
}

// sendBatch runs send --batch: it checks every line, then has bulk.Send send them, with the journal
// bound to the input's digest and count of lines, reporting each outcome on stdout.
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
	// get as long to finish (bulk.Send): the one must not outlast the other.
	client, _, err := conn.resolve(getenv, rate.option(), wrapper.WithTimeout(wrapper.DefaultTimeout))
	if err != nil {
		return std.fail(exitUsage, err)
	}
	report := newBatchReport(std.out, std.err, input.messages, terminal(std.err), time.Now)
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
	summary, err := bulk.Send(ctx, client, input.requests(&inputErr), opts...)
	if report.failed != nil && errors.Is(err, report.failed) {
		err = nil // finishBatch tells it
	}
	var refused *bulk.JournalError
	if errors.As(err, &refused) {
		report.summary()
		return std.fail(exitUsage, fmt.Errorf("gleap send: --journal %s: %w", refused.Path, refused.Err))
	}
	return finishBatch(ctx, std.err, report, *flags.journal != "", input.messages, summary, errors.Join(inputErr, cliError(err)))
}

// cliError is the error of bulk.Send as the CLI tells it: in its own terms, and none for Ctrl-C, which
// the summary tells.
func cliError(err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, bulk.ErrJournalWrite):
		return fmt.Errorf("gleap send: --journal: %w", err)
	}
	return fmt.Errorf("gleap send: %w", err)
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
	fmt.Fprintf(errOut, "gleap send: %s; %s\n", counts, report.pace())
	if summary.Unjournaled > 0 {
		fmt.Fprintf(errOut, "gleap send: not journaled: %d lines were sent but their outcome is not in the journal, so it is not reported; once the journal can be written, run the same command again: it looks for them first\n", summary.Unjournaled)
	}
	if ctx.Err() != nil {
		advice := ""
		if journaled {
			advice = "; run the same command again to send the rest"
		}
		fmt.Fprintf(errOut, "gleap send: interrupted: the lines in flight were finished, %d lines were not started%s\n", notReported, advice)
	}
	done := report.count(string(bulk.Sent)) + report.count(string(bulk.Skipped))
	if runErr != nil || report.failed != nil || done != messages {
		return exitFailure
	}
	return exitOK
}
