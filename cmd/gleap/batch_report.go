package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gleap-community/gleap-go/bulk"
)

// lineOutcome is what happened to one line, as a line of the output.
type lineOutcome struct {
	Line   int    `json:"line"`
	Status string `json:"status"`
	ID     string `json:"id,omitempty"`
	Error  string `json:"error,omitempty"`
}

// outcome reports one outcome of a bulk run, in the words of the CLI.
func (r *batchReport) outcome(outcome bulk.Outcome) error {
	line := lineOutcome{Line: outcome.Number, Status: string(outcome.Status), ID: outcome.ID}
	switch {
	case errors.Is(outcome.Err, bulk.ErrUnknownWithoutRef):
		line.Error = "an earlier run sent it without learning the outcome, and it has no messageRef to look for: --resend-unknown sends it again"
	case outcome.Err != nil:
		line.Error = outcome.Err.Error()
	}
	return r.line(line)
}

// batchReport writes one JSON line per input line on stdout, as the outcomes arrive, counts them, and
// shows the progress on stderr: a progress bar on a terminal, else a line now and then. Workers share it.
type batchReport struct {
	mu       sync.Mutex
	words    batchWords
	out      io.Writer
	errOut   io.Writer
	messages int
	counts   map[string]int
	bar      *progressbar.ProgressBar // nil unless stderr is a terminal
	// failed is the first error writing stdout: the run cannot report, so it fails.
	failed error

	now     func() time.Time
	started time.Time
	// stopProgress stops the progress lines and returns once none is being written; nil without them.
	// Only the goroutine that runs the batch calls showProgress and summary, which set it.
	stopProgress func()
}

// newBatchReport reports to out, in words, for an input of messages lines; its elapsed time starts now
// (now tells the time: time.Now, or a test's clock). isTerminal says whether errOut is a terminal,
// which gets the progress bar.
func newBatchReport(out, errOut io.Writer, words batchWords, messages int, isTerminal bool, now func() time.Time) *batchReport {
	r := &batchReport{words: words, out: out, errOut: errOut, messages: messages, counts: make(map[string]int), now: now, started: now()}
	if isTerminal && messages > 0 {
		r.bar = progressbar.NewOptions(messages,
			progressbar.OptionSetWriter(errOut),
			progressbar.OptionSetDescription("sending"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("lines"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	return r
}

// showProgress writes a progress line on errOut at each of ticks (every --progress-every), until the
// summary, unless errOut has the progress bar or there is nothing to send.
func (r *batchReport) showProgress(ticks <-chan time.Time) {
	if r.bar != nil || r.messages == 0 {
		return
	}
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-ticks:
			case <-done:
				return
			}
			r.mu.Lock()
			fmt.Fprintf(r.errOut, "%s: %d of %d done (%s); %s\n", r.words.command, r.reportedLocked(), r.messages, r.countsLocked(), r.paceLocked())
			r.mu.Unlock()
		}
	}()
	r.stopProgress = func() {
		close(done)
		<-stopped
	}
}

// terminal reports whether w is a terminal.
func terminal(w io.Writer) bool {
	file, ok := w.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// line reports one line's outcome. It returns the first error writing stdout, then and on every later
// call: the run cannot report, so it stops.
func (r *batchReport) line(outcome lineOutcome) error {
	encoded, err := json.Marshal(outcome)
	if err != nil {
		panic(err) // strings and ints only
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts[outcome.Status]++
	if r.failed == nil {
		// One write per line, so that a reader of a pipe never sees half a line.
		if _, err := r.out.Write(append(encoded, '\n')); err != nil {
			r.failed = fmt.Errorf("%s: writing the outcome of line %d: %w", r.words.command, outcome.Line, err)
		}
	}
	if r.bar != nil {
		_ = r.bar.Add(1)
	}
	return r.failed
}

// count returns how many lines were reported with status.
func (r *batchReport) count(status string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[status]
}

// reported returns how many lines were reported.
func (r *batchReport) reported() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reportedLocked()
}

func (r *batchReport) reportedLocked() int {
	total := 0
	for _, n := range r.counts {
		total += n
	}
	return total
}

// summary ends the progress display (the bar, or the progress lines) and returns the counts for the
// summary line, as in "sent 998, failed 1, unknown 1, skipped 0".
func (r *batchReport) summary() string {
	if r.stopProgress != nil {
		r.stopProgress() // before taking the lock, which a progress line being written holds
		r.stopProgress = nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		_ = r.bar.Exit()
		_ = r.bar.Clear()
	}
	return r.countsLocked()
}

func (r *batchReport) countsLocked() string {
	return fmt.Sprintf("sent %d, failed %d, unknown %d, skipped %d",
		r.counts[string(bulk.Sent)], r.counts[string(bulk.Failed)], r.counts[string(bulk.Unknown)], r.counts[string(bulk.Skipped)])
}

// pace returns the time since the report began and the rate of lines sent in it, as in
// "1m0.5s, 16.5 messages/s".
func (r *batchReport) pace() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.paceLocked()
}

func (r *batchReport) paceLocked() string {
	elapsed := r.now().Sub(r.started)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(r.counts[string(bulk.Sent)]) / elapsed.Seconds()
	}
	decimals := 1
	if rate < 1 {
		decimals = 2 // 0.02 messages/s rather than 0.0
	}
	precision := 100 * time.Millisecond
	if elapsed < time.Second {
		precision = time.Millisecond
	}
	return fmt.Sprintf("%s, %s %s/s", elapsed.Round(precision), strconv.FormatFloat(rate, 'f', decimals, 64), r.words.noun)
}
