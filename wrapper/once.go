package wrapper

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
)

// maxFindPageBytes caps a page of the listing FindByRef reads, DefaultPageSize messages: a message may be
// up to MaxRequestBytes, so a page of long ones is far over the client's default cap of 4 MiB, and a
// ticket of long messages must not make a message impossible to find.
const maxFindPageBytes = 128 << 20

// FindByRef lists the messages of the ticket ticketID (as List does, page by page) and yields those
// whose messageRef match accepts: how a message whose creation had an unknown outcome is found, since
// Gleap keeps a message's messageRef and nothing else of the request tells it apart. Breaking out of the
// loop asks for no more pages. A failure is yielded once, as the last item, with a nil message; its
// text has the ticket id and the key taken out as List's has. A blank ticketID or a nil match is a
// *ValidationError, and nothing is sent. Pages may be up to 128 MiB, unless opts set
// WithMaxResponseBytes.
//
// It is the lookup behind the bulk package's reconcile of a journal, which looks for many messageRefs
// in one listing of a ticket; CreateOnce looks for one with Gleap's filter by messageRef.
func (m *MessagesService) FindByRef(ctx context.Context, ticketID string, match func(messageRef string) bool, opts ...Option) iter.Seq2[*Message, error] {
	if match == nil {
		return failedListing(&ValidationError{Field: "match", Problem: "must not be nil: it says which messageRefs to yield"})
	}
	return m.find(ctx, MessageFilter{Ticket: ticketID}, match, append([]Option{WithMaxResponseBytes(maxFindPageBytes)}, opts...))
}

// find lists the messages that filter, which names a ticket, keeps and yields those whose messageRef
// match accepts.
func (m *MessagesService) find(ctx context.Context, filter MessageFilter, match func(messageRef string) bool, opts []Option) iter.Seq2[*Message, error] {
	if isBlank(filter.Ticket) {
		return failedListing(&ValidationError{Field: "ticketID", Problem: "must not be blank"})
	}
	listing := m.List(ctx, filter, opts...)
	return func(yield func(*Message, error) bool) {
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

// failedListing is a listing that yields err and ends.
func failedListing(err error) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) { yield(nil, err) }
}

// CreateOnce posts req, which must name its ticket and carry a messageRef, so that the message is
// stored at most once however the attempts fail, and however often CreateOnce is called with the same
// req after an error of any kind (an ErrOutcomeUnknown of Create included): before it posts, it looks
// in the ticket for a message with req's messageRef, and returns the one it finds instead of posting.
// That costs one GET more than Create, filtered by the messageRef (Gleap filters its listing by any
// message property; CreateOnce still checks the messageRef of what it gets).
//
// A post that fails with an unknown outcome (see ErrOutcomeUnknown) is never sent again blindly, also
// when the RetryPolicy has RetryUnknownOutcome, which CreateOnce ignores: it waits the policy's backoff,
// then looks again, and returns the message it finds, as if the post had answered with it. Where there
// is none, it posts again, up to the RetryPolicy's MaxRetries times. When the look finds nothing after
// the last post, the error is that post's *RequestError with OutcomeUnknown false. When a look fails,
// the error is a *RequestError; after a post of unknown outcome it wraps both, ErrOutcomeUnknown
// included, and calling CreateOnce again with the same req is the way to settle it.
//
// The messageRef must name one message of its ticket: any message of the ticket that has it counts as
// req's. The look sees what Gleap lists when it looks. A message that Gleap stores later than that is
// not seen, and is then posted a second time: one still being stored behind a gateway that answered 504
// (or 524) before Gleap did, longer than the backoff; or one of an attempt cut off by its timeout that
// the server still works on, so keep the timeout (30 seconds unless set) far above the time Gleap takes
// to answer. A message stored within the backoff is found.
//
// The call's options apply to the looks too, except two: WithResponseInto receives the answer to the
// last post (its zero value when the first look found the message, and nothing was posted), and a look
// reads answers of up to 128 MiB whatever WithMaxResponseBytes says, which applies to the posts.
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
	if s.responseInto != nil {
		*s.responseInto = Response{}
	}
	postOpts := append(slices.Clip(opts), postingOnce)
	lookOpts := append(slices.Clip(opts), lookingOnce)
	ticketID, ref := *req.Ticket, *req.MessageRef
	// A call before this one may have posted it without learning so.
	if found, err := m.findOne(ctx, ticketID, ref, lookOpts); found != nil || err != nil {
		return found, err
	}
	for round := 0; ; round++ {
		message, err := m.Create(ctx, req, postOpts...)
		if !errors.Is(err, ErrOutcomeUnknown) {
			return message, err
		}
		s.pauseBeforeLooking(ctx, round, err)
		found, lookErr := m.findOne(ctx, ticketID, ref, lookOpts)
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

// postingOnce is the last option of CreateOnce's posts: it alone decides whether to post again after an
// unknown outcome, so the engine never does.
func postingOnce(s *settings) error {
	s.retry.RetryUnknownOutcome = false
	return nil
}

// lookingOnce is the last option of CreateOnce's looks: the caller's WithResponseInto is for the posts'
// answers and WithMaxResponseBytes for the posts' (see maxFindPageBytes).
func lookingOnce(s *settings) error {
	s.responseInto = nil
	s.maxResponseBytes = maxFindPageBytes
	return nil
}

// pauseBeforeLooking waits, after post number round+1 failed with err of unknown outcome, as the retry
// policy would before retrying it (also after the last post): a message Gleap is still storing, behind a
// gateway that has given up on it, is then found by the look rather than posted again. A pause that
// would outlast ctx's deadline is not taken, and a cancel ends it, which the look then reports.
func (s *settings) pauseBeforeLooking(ctx context.Context, round int, err error) {
	pause, accepted := s.retry.pause(round+2, err)
	if !accepted { // a Retry-After longer than the policy accepts
		pause = s.retry.MaxRetryAfter
	}
	if pause > 0 && fitsDeadline(ctx, pause) {
		_ = s.sleep(ctx, pause)
	}
}

// findOne returns the first message of the ticket with messageRef ref, or nil when it holds none.
func (m *MessagesService) findOne(ctx context.Context, ticketID, ref string, opts []Option) (*Message, error) {
	filter := MessageFilter{Ticket: ticketID, MessageRef: ref}
	for message, err := range m.find(ctx, filter, func(messageRef string) bool { return messageRef == ref }, opts) {
		return message, err
	}
	return nil, nil
}

// notPosted turns the error of an attempt of unknown outcome into that of an attempt known not to have
// posted anything, as the look after it showed.
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
