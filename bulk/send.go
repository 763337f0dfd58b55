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

// Send posts every request of requests through client, with client.Messages.Create, up to
// WithConcurrency at once, paced by the client's rate limit, and returns the counts of the outcomes.
// requests yields each request with its number: any number for the caller to know it by (a line
// number, an index: slices.All(reqs) will do), and with a journal the key that binds an outcome to its
// request across runs, so it must be the same number for the same request on every reading.
//
// Without a journal the input is read once, and its numbers are the caller's to choose. With one
// (WithJournal) they must increase, from 0 to at most MaxNumber, and the input is read up to five
// times: to check its numbers and that no messageRef repeats in a ticket (twice when two hashes
// collide), to settle the requests of unknown outcome (twice), and to send. Each reading must yield the
// same requests: Send checks each one against the first, and a reading that differs ends the run with
// an *InputError that names the first request found to differ. A request added or left out is found
// before anything is done with it; a request that reads differently is found only when the reading
// ends, so one changed while the requests are sent is sent as it was read then.
//
// Send posts each request once: the client's RetryPolicy may retry a refusal (a 429) or a request that
// never reached Gleap, but never one of unknown outcome, whatever its RetryUnknownOutcome says. That
// request is Unknown, and a later run with the journal looks for it.
//
// When ctx ends Send stops taking requests, drops those still waiting for their turn under the rate
// limit, finishes those in flight (each for at most wrapper.DefaultTimeout more), records and reports
// them, and returns ctx.Err() (context.Canceled or context.DeadlineExceeded, not the cause of a
// context.WithCancelCause). A request whose outcome is reported is in the journal first.
//
// The errors: a *wrapper.ValidationError for a bad option or a nil ctx, client or requests, a
// *JournalError or an *InputError before anything is sent, an *InputError for an input that changed
// between two readings, an error wrapping ErrJournalWrite when the journal failed during the run, one
// wrapping ErrReportFailed and the first error of WithOutcomes' function when it stopped the run,
// ctx.Err(), or a *wrapper.RequestError when looking for the requests of unknown outcome failed. A
// request that fails is not an error of Send: it is an Outcome.
func Send(ctx context.Context, client *wrapper.Client, requests iter.Seq2[int, wrapper.CreateMessageRequest], opts ...Option) (Summary, error) {
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
	}
	// The run decides whether to send a request again after an unknown outcome, not the client.
	policy := client.RetryPolicy()
	policy.RetryUnknownOutcome = false
	s := &sender{client: client, cfg: cfg, input: requests, postOnce: wrapper.WithRetryPolicy(policy)}
	if cfg.journalPath != "" {
		if err := s.openJournal(); err != nil {
			return s.summary, err
		}
		defer s.journal.close()
		if s.reportErr != nil {
			return s.summary, s.reportErr
		}
		if err := s.reconcile(ctx); err != nil {
			return s.summary, err
		}
	}
	err = s.sendAll(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.summary.Unjournaled = int(s.unjournaled.Load())
	return s.summary, err
}

// sender is one run of Send.
type sender struct {
	client *wrapper.Client
	cfg    config
	input  iter.Seq2[int, wrapper.CreateMessageRequest]
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
func (s *sender) report(outcome Outcome) error {
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
type pending struct {
	number int
	req    wrapper.CreateMessageRequest
}

// sendAll sends every request still to be sent, s.cfg.concurrency at a time, in input order. Requests are
// taken until taking ends: ctx ending, or a journal or a report that fails. The requests in flight are
// finished with a context of their own, inFlight, so that a cancel does not cut a request off midway and
// leave its outcome unknown; should one hang, it is cut off wrapper.DefaultTimeout after the stop.
func (s *sender) sendAll(ctx context.Context) error {
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

	lines := make(chan pending)
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
		case lines <- pending{number: number, req: req}:
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
func (s *sender) sendOne(taking, inFlight context.Context, stop func(error), line pending) {
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
	message, err := s.client.Messages.Create(call, line.req, s.postOnce)
	done()
	outcome := s.outcomeOf(line.number, message, err)
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
			// again by the next run. The journal says "started", so the next run looks for the message.
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

// outcomeOf tells what sending a request did: message is the stored one, when err is nil.
func (s *sender) outcomeOf(number int, message *wrapper.Message, err error) Outcome {
	outcome := Outcome{Number: number, Err: err}
	switch {
	case err == nil:
		outcome.Status, outcome.ID = Sent, s.idOf(message)
	case errors.Is(err, wrapper.ErrInvalidResponse):
		// Gleap answered with success: the message exists, only its id is not known.
		outcome.Status = Sent
	case errors.Is(err, wrapper.ErrOutcomeUnknown):
		outcome.Status = Unknown
	default:
		// Refused (a 4xx, a 429 past the retries) or never sent: provably not posted, so a next run with
		// the journal sends it again.
		outcome.Status = Failed
	}
	return outcome
}

// idOf is the id of a stored message (nil: none), with the key taken out.
func (s *sender) idOf(message *wrapper.Message) string {
	switch {
	case message == nil:
		return ""
	case message.ID != "":
		return s.client.Redact(message.ID)
	}
	return s.client.Redact(message.DocumentID)
}
