package bulk

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// operation is what a run does with each request of its input, of type T: Send's create of a message,
// Upsert's upsert of a contact. The engine (run) is the same for all: the concurrency, the pacing, the
// journal, resuming, the outcomes and the cancel.
type operation[T any] struct {
	// journal is the header's "journal" of its journals: a journal of one operation is refused by another.
	journal string
	// do carries request req out through client, giving opt to each of its calls, and returns the id of
	// what it stored, as the server gave it.
	do func(ctx context.Context, client *wrapper.Client, req T, opt wrapper.Option) (id string, err error)
	// idempotent: carrying a request out twice leaves what once does. A request of unknown outcome is
	// then simply carried out again by the next run, WithResendUnknown has no use, and an answer of
	// success that cannot be read is of unknown outcome (do may make several calls: it may have been a
	// lookup). Otherwise such an answer means the request was carried out, and lookFor settles the
	// requests of unknown outcome.
	idempotent bool
	// repeated returns an *InputError for the first request of requests that a resumed run could not
	// tell from an earlier one (nil: none does), checked before anything is sent with a journal.
	repeated func(requests iter.Seq2[int, T]) error
	// lookFor settles the requests that an earlier run left of unknown outcome, on the server, before
	// anything is sent: nil for an idempotent operation.
	lookFor func(ctx context.Context, s *sender[T]) error
}

// run carries out every request of requests with op: the body of Send and Upsert, whose documentation
// says what it does.
func run[T any](ctx context.Context, client *wrapper.Client, requests iter.Seq2[int, T], op operation[T], opts []Option) (Summary, error) {
	cfg, err := newConfig(opts)
	switch {
	case err != nil:
		return Summary{}, err
	case ctx == nil:
		return Summary{}, &wrapper.ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	case client == nil:
		return Summary{}, &wrapper.ValidationError{Field: "client", Problem: "must not be nil"}
	case requests == nil:
		return Summary{}, &wrapper.ValidationError{Field: "requests", Problem: "must not be nil"}
	case op.idempotent && cfg.resendUnknown:
		return Summary{}, &wrapper.ValidationError{Field: "resendUnknown", Problem: "has no use here: a request of unknown outcome is always carried out again, which is safe"}
	}
	// The run decides whether to send a request again after an unknown outcome, not the client.
	policy := client.RetryPolicy()
	policy.RetryUnknownOutcome = false
	s := &sender[T]{client: client, cfg: cfg, op: op, input: requests, postOnce: wrapper.WithRetryPolicy(policy)}
	if cfg.journalPath != "" {
		if err := s.openJournal(); err != nil {
			return s.summary, err
		}
		defer s.journal.close()
		if s.reportErr != nil {
			return s.summary, s.reportErr
		}
		if err := s.settle(ctx); err != nil {
			return s.summary, err
		}
	}
	err = s.sendAll(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.summary.Unjournaled = int(s.unjournaled.Load())
	return s.summary, err
}

// settle settles the requests an earlier run left of unknown outcome, before anything is sent: with
// op.lookFor, or, for an idempotent operation, by carrying them out again.
func (s *sender[T]) settle(ctx context.Context) error {
	if s.op.lookFor != nil {
		return s.op.lookFor(ctx, s)
	}
	for number, state := range s.states {
		if uncertain(state) {
			s.states[number] = stateNew
		}
	}
	return nil
}

// sender is one run of an operation.
type sender[T any] struct {
	client *wrapper.Client
	cfg    config
	op     operation[T]
	input  iter.Seq2[int, T]
	// postOnce is the option of every post: the client's retry policy without RetryUnknownOutcome.
	postOnce wrapper.Option
	// journal, states and readings are nil without a journal; states holds a byte for each number of the
	// input, and readings checks each reading of it against the first.
	journal  *journal
	states   []lineState
	readings *readings

	// mu makes the reports one at a time, and guards summary and reportErr.
	mu        sync.Mutex
	summary   Summary
	reportErr error // the first error of cfg.onOutcome, wrapped with ErrReportFailed
	// unjournaled counts the requests sent whose outcome the journal could not record.
	unjournaled atomic.Int64
	// traced: the client's transport has reported a request's progress (net/http's does).
	traced atomic.Bool
}

// report counts outcome and hands it to the caller; the caller's error, which stops the run, is
// returned wrapped with ErrReportFailed, so that one such as context.Canceled is not taken for a cancel.
func (s *sender[T]) report(outcome Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.summary.count(outcome.Status)
	if s.cfg.onOutcome == nil {
		return nil
	}
	err := s.cfg.onOutcome(outcome)
	if err == nil {
		return nil
	}
	err = fmt.Errorf("bulk: %w: %w", ErrReportFailed, err)
	if s.reportErr == nil {
		s.reportErr = err
	}
	return err
}

// pending is a request on its way to a worker.
type pending[T any] struct {
	number int
	req    T
}

// sendAll sends every request still to be sent, s.cfg.concurrency at a time, in input order. Requests are
// taken until taking ends: ctx ending, or a journal or a report that fails. The requests in flight are
// finished with a context of their own, inFlight, so that a cancel does not cut a request off midway and
// leave its outcome unknown; should one hang, it is cut off wrapper.DefaultTimeout after the stop.
func (s *sender[T]) sendAll(ctx context.Context) error {
	taking, stopTaking := context.WithCancel(ctx)
	defer stopTaking()
	// stopped is why the run stopped taking requests, other than ctx: the journal or a report failed.
	var stopped error
	var stopping sync.Once
	stop := func(err error) {
		stopping.Do(func() { stopped = err })
		stopTaking()
	}
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

	lines := make(chan pending[T])
	var workers sync.WaitGroup
	for range s.cfg.concurrency {
		workers.Go(func() {
			for line := range lines {
				s.sendOne(taking, inFlight, stop, line)
			}
		})
	}
	var inputErr error
	for number, req := range s.numbered(&inputErr) {
		if s.states != nil && s.states[number] != stateNew {
			continue
		}
		select {
		case lines <- pending[T]{number: number, req: req}:
			continue
		case <-taking.Done():
		}
		break
	}
	close(lines)
	workers.Wait()
	switch {
	case inputErr != nil:
		return inputErr
	case stopped != nil:
		return stopped // the journal or a report failed, with or without a cancel as well
	}
	return ctx.Err()
}

// sendOne sends one request: "started" goes to the journal, on disk, before the request, and the outcome
// after it, before the request is reported. A request taken after the stop is left for the next run,
// and so is one that was still waiting for its turn under the rate limit when the run stopped.
func (s *sender[T]) sendOne(taking, inFlight context.Context, stop func(error), line pending[T]) {
	if taking.Err() != nil {
		return
	}
	if s.journal != nil {
		if err := s.journal.record(journalRecord{Line: line.number, Status: statusStarted}); err != nil {
			stop(err)
			return
		}
	}
	call, dropped, done := lineContext(taking, inFlight, &s.traced)
	id, err := s.op.do(call, s.client, line.req, s.postOnce)
	done()
	outcome := s.outcomeOf(line.number, id, err)
	// Dropped while it waited, it failed with the cancel. Dropped between its turn and the transport's
	// first step, the client calls its outcome unknown, unable to tell it from a request sent through a
	// transport that reports no progress: once this one has reported some, it was not sent either.
	notSent := dropped() && (outcome.Status == Failed || outcome.Status == Unknown && s.traced.Load())
	if notSent {
		// As a request never taken: not reported, and the journal says it is to be sent.
		outcome = Outcome{Number: line.number, Status: Failed, Err: errors.New("interrupted before it was sent")}
	}
	if s.journal != nil {
		if err := s.journal.record(recordOf(outcome)); err != nil {
			// Only what the journal holds is reported: a request reported but not journaled would be sent
			// again by the next run. The journal says "started", so the next run settles it first.
			if !notSent {
				s.unjournaled.Add(1)
			}
			stop(err)
			return
		}
	}
	if notSent {
		return
	}
	if err := s.report(outcome); err != nil {
		stop(err)
	}
}

// lineContext returns the context of one request: inFlight, which a cancel does not end, except that the
// end of taking drops the request while it has not started on its way (it waits for its turn under the
// rate limit, or for the pause another request's 429 started). It starts when the transport asks for a
// connection; from then on it is in flight and finishes, retries included. dropped reports whether
// taking's end dropped it before the transport wrote any of it; done releases the context once the call
// has returned. GetConn sets traced: the transport reports its progress.
func lineContext(taking, inFlight context.Context, traced *atomic.Bool) (call context.Context, dropped func() bool, done func()) {
	const waiting, started, stopped = 0, 1, 2
	var state atomic.Int32
	var wrote atomic.Bool
	call, cancel := context.WithCancel(inFlight)
	unwatch := context.AfterFunc(taking, func() {
		if state.CompareAndSwap(waiting, stopped) {
			cancel()
		}
	})
	// The wrapper adds its own trace on top: both are called.
	call = httptrace.WithClientTrace(call, &httptrace.ClientTrace{
		GetConn: func(string) {
			traced.Store(true)
			state.CompareAndSwap(waiting, started)
		},
		WroteHeaders: func() { wrote.Store(true) },
	})
	return call, func() bool { return state.Load() == stopped && !wrote.Load() }, func() {
		unwatch()
		cancel()
	}
}

// outcomeOf tells what carrying a request out did: id is that of what it stored, when err is nil.
func (s *sender[T]) outcomeOf(number int, id string, err error) Outcome {
	outcome := Outcome{Number: number, Err: err}
	switch {
	case err == nil:
		outcome.Status, outcome.ID = Sent, s.client.Redact(id)
	case errors.Is(err, wrapper.ErrInvalidResponse) && !s.op.idempotent:
		// Gleap answered its one request with success: it was carried out, only its id is not known.
		outcome.Status = Sent
	case errors.Is(err, wrapper.ErrOutcomeUnknown), errors.Is(err, wrapper.ErrInvalidResponse):
		outcome.Status = Unknown
	default:
		// Refused (a 4xx, a 429 past the retries) or never sent: provably not carried out, so a next run
		// with the journal sends it again.
		outcome.Status = Failed
	}
	return outcome
}
