package bulk

import (
	"context"
	"iter"

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
	return run(ctx, client, requests, messages, opts)
}

// messages is the operation of Send: a message posted once a run, settled by its messageRef.
var messages = operation[wrapper.CreateMessageRequest]{
	journal: messagesJournal,
	do: func(ctx context.Context, client *wrapper.Client, req wrapper.CreateMessageRequest, opt wrapper.Option) (string, error) {
		message, err := client.Messages.Create(ctx, req, opt)
		return messageID(message), err
	},
	repeated: func(requests iter.Seq2[int, wrapper.CreateMessageRequest]) error {
		return firstRepeated(requests, refKey, "its ticket and messageRef are those of request %d: with a journal a messageRef must name one message of its ticket")
	},
	lookFor: func(ctx context.Context, s *sender[wrapper.CreateMessageRequest]) error {
		return byRef{s}.reconcile(ctx)
	},
}

// messageID is the id of a stored message (nil: none).
func messageID(message *wrapper.Message) string {
	switch {
	case message == nil:
		return ""
	case message.ID != "":
		return message.ID
	}
	return message.DocumentID
}
