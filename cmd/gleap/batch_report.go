package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// batchReport writes one JSON line per input line on stdout, as the outcomes arrive, counts them, and
// draws the progress bar when stderr is a terminal. Workers share it.
type batchReport struct {
	mu     sync.Mutex
	out    io.Writer
	counts map[string]int
	bar    *progressbar.ProgressBar // nil unless stderr is a terminal
	// failed is the first error writing stdout: the run cannot report, so it fails.
	failed error
}

// newBatchReport reports to out, for an input of messages lines. isTerminal says whether errOut is a
// terminal, which gets the progress bar.
func newBatchReport(out, errOut io.Writer, messages int, isTerminal bool) *batchReport {
	r := &batchReport{out: out, counts: make(map[string]int)}
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
			r.failed = fmt.Errorf("gleap send: writing the outcome of line %d: %w", outcome.Line, err)
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
	total := 0
	for _, n := range r.counts {
		total += n
	}
	return total
}

// summary clears the progress bar and returns the one-line summary, as in
// "sent 998, failed 1, unknown 1, skipped 0".
func (r *batchReport) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		_ = r.bar.Exit()
		_ = r.bar.Clear()
	}
	return fmt.Sprintf("sent %d, failed %d, unknown %d, skipped %d",
		r.counts[statusSent], r.counts[statusFailed], r.counts[statusUnknown], r.counts[statusSkipped])
}
