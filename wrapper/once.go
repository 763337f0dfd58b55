package wrapper

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// maxFindPageBytes caps a page of the listing FindByRef reads, DefaultPageSize messages: a message may be
// up to MaxRequestBytes, so a page of long ones is far over the client's default cap of 4 MiB, and a
// ticket of long messages must not make a message impossible to find.
const maxFindPageBytes = 128 << 20

// FindByRef lists the messages of the ticket ticketID (as List does, page by page) and yields those
// whose messageRef match accepts: how a message whose creation had an unknown outcome is found, since
// Gleap keeps a message's messageRef and nothing else of the request tells it apart. Breaking out of the
// loop asks for no more pages. A failure is yielded once, as the last item, with a nil message; its
// text has the ticket id and the key taken out as List's has. Pages may be up to 128 MiB, unless opts
// set WithMaxResponseBytes.
//
// It is the one lookup behind CreateOnce and the bulk package's reconcile of a journal.
func (m *MessagesService) FindByRef(ctx context.Context, ticketID string, match func(messageRef string) bool, opts ...Option) iter.Seq2[*Message, error] {
	listing := m.List(ctx, MessageFilter{Ticket: ticketID}, append([]Option{WithMaxResponseBytes(maxFindPageBytes)}, opts...)...)
	return func(yield func(*Message, error) bool) {
		if isBlank(ticketID) {
			yield(nil, &ValidationError{Field: "ticketID", Problem: "must not be blank"})
			return
		}
		for message, err := range listing {
			if err != nil {
				yield(nil, err)
				return
			}
			if message.MessageRef != nil && match(*message.MessageRef) && !yield(message, nil) {
				return
			}
		}
	}
}

// CreateOnce posts req, which must name its ticket and carry a messageRef, so that the message is
// stored at most once however the attempts fail. It is Create, except for a failure of unknown outcome
// (see ErrOutcomeUnknown): CreateOnce then looks for a message with req's messageRef in the ticket
// (FindByRef) and returns the one it finds, as if the attempt had answered with it. Where there is none,
// the message was provably not stored, and it is posted again, up to the RetryPolicy's MaxRetries
// times. When the lookup finds nothing after the last attempt, the error is that attempt's
// *RequestError with OutcomeUnknown false: nothing was posted, and calling CreateOnce again is safe.
// When the lookup itself fails, the error wraps both, ErrOutcomeUnknown included.
//
// The messageRef must name one message of its ticket: any message of the ticket that has it counts as
// req's. The lookup sees what Gleap lists once the failed attempt has ended; an attempt cut off by its
// timeout that the server still works on is not seen, so keep the timeout (30 seconds unless set) far
// above the time Gleap takes to answer.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/create-a-new-message
func (m *MessagesService) CreateOnce(ctx context.Context, req CreateMessageRequest, opts ...Option) (*Message, error) {
	switch {
	case req.Ticket == nil || isBlank(*req.Ticket):
		return nil, &ValidationError{Field: "ticket", Problem: "must be set: CreateOnce looks for the message in it"}
	case req.MessageRef == nil || isBlank(*req.MessageRef):
		return nil, &ValidationError{Field: "messageRef", Problem: "must be set: CreateOnce finds the message of an attempt of unknown outcome by it"}
	}
	s, err := m.engine.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	ticketID, ref := *req.Ticket, *req.MessageRef
	for round := 0; ; round++ {
		message, err := m.Create(ctx, req, opts...)
		if !errors.Is(err, ErrOutcomeUnknown) {
			return message, err
		}
		found, lookErr := m.findOne(ctx, ticketID, ref, opts)
		switch {
		case lookErr != nil:
			return nil, fmt.Errorf("%w; looking for it by its messageRef failed too: %w", err, lookErr)
		case found != nil:
			return found, nil
		case round == s.retry.MaxRetries:
			return nil, notPosted(err)
		}
	}
}

// findOne returns the first message of the ticket with messageRef ref, or nil when it holds none.
func (m *MessagesService) findOne(ctx context.Context, ticketID, ref string, opts []Option) (*Message, error) {
	for message, err := range m.FindByRef(ctx, ticketID, func(messageRef string) bool { return messageRef == ref }, opts...) {
		return message, err
	}
	return nil, nil
}

// notPosted turns the error of an attempt of unknown outcome into that of an attempt known not to have
// posted anything, as the lookup after it showed.
func notPosted(err error) error {
	var requestErr *RequestError
	if !errors.As(err, &requestErr) {
		return err
	}
	settled := *requestErr
	settled.OutcomeUnknown = false
	settled.Err = fmt.Errorf("%w; the ticket holds no message with its messageRef, so nothing was posted", requestErr.Err)
	return &settled
}
