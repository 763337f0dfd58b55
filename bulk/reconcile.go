package bulk

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/gleap-community/gleap-go/wrapper"
)

// uncertainLine is a request of unknown outcome to look for on the server: its ticket and messageRef by
// their digests, so that it is held in a fixed 40 bytes whatever their length.
type uncertainLine struct {
	ticket, ref digest
	number      int
}

// byTicketAndRef orders uncertain requests by ticket, then messageRef, for binary search.
func byTicketAndRef(a, b uncertainLine) int {
	if order := bytes.Compare(a.ticket[:], b.ticket[:]); order != 0 {
		return order
	}
	return bytes.Compare(a.ref[:], b.ref[:])
}

// uncertainOf is the uncertainLine of request number, req, which has a ticket and a messageRef.
func uncertainOf(number int, req wrapper.CreateMessageRequest) uncertainLine {
	return uncertainLine{ticket: digestOf(*req.Ticket), ref: digestOf(*req.MessageRef), number: number}
}

// byRef is a run of Send settling the requests an earlier run left of unknown outcome, by their
// messageRefs.
type byRef struct {
	*sender[wrapper.CreateMessageRequest]
}

// reconcile settles the requests an earlier run started without learning their outcome, before
// anything is sent: a request with a messageRef that its ticket holds was sent (Skipped now); one that
// it does not hold is sent again. A request without messageRef stays Unknown, unless WithResendUnknown.
//
// The requests to look for are held by digests; the ids of their tickets are read again from the
// input, where the first request of a ticket still to settle has its ticket listed, once. A request to
// look for must read as it did: one whose ticket or messageRef changed ends the run with an *InputError.
func (s byRef) reconcile(ctx context.Context) error {
	lookFor, err := s.uncertainLines()
	if err != nil || len(lookFor) == 0 {
		return err
	}
	var inputErr error
	for number, req := range s.numbered(&inputErr) {
		if !uncertain(s.states[number]) {
			continue // settled, also by the listing of its ticket for an earlier request
		}
		if !lookingFor(lookFor, number, req) {
			return changed(number, "its ticket or messageRef changed since the input was first read, while its outcome is unknown")
		}
		if err := s.lookInTicket(ctx, number, *req.Ticket, lookFor); err != nil {
			return err
		}
	}
	return inputErr
}

// lookingFor reports whether lookFor, sorted, holds request number with req's ticket and messageRef.
func lookingFor(lookFor []uncertainLine, number int, req wrapper.CreateMessageRequest) bool {
	if !hasRef(req) {
		return false
	}
	i, found := slices.BinarySearchFunc(lookFor, uncertainOf(number, req), byTicketAndRef)
	return found && lookFor[i].number == number
}

// uncertainLines reads the requests of unknown outcome: it returns those with a messageRef, sorted by
// byTicketAndRef, and once the reading is whole, settles the others.
func (s byRef) uncertainLines() ([]uncertainLine, error) {
	count := 0
	for _, state := range s.states {
		if uncertain(state) {
			count++
		}
	}
	if count == 0 {
		return nil, nil
	}
	lookFor := make([]uncertainLine, 0, count) // at most one for each: allocated once, not grown
	var held []int
	var inputErr error
	for number, req := range s.numbered(&inputErr) {
		switch {
		case !uncertain(s.states[number]):
		case hasRef(req):
			lookFor = append(lookFor, uncertainOf(number, req))
		case s.cfg.resendUnknown:
			s.states[number] = stateNew
		default:
			s.states[number] = stateHeld
			held = append(held, number)
		}
	}
	if inputErr != nil {
		return nil, inputErr
	}
	if err := s.journal.lastErrors(held, func(number int, recorded string) error {
		return s.report(Outcome{Number: number, Status: Unknown, Err: heldError(recorded)})
	}); err != nil {
		return nil, err
	}
	slices.SortFunc(lookFor, byTicketAndRef)
	return lookFor, nil
}

// heldError is the Err of a request held Unknown: ErrUnknownWithoutRef, with the error the run that sent
// it recorded ("" when that run stopped before it learned anything).
func heldError(recorded string) error {
	if recorded == "" {
		return fmt.Errorf("%w; the run that sent it stopped before its answer", ErrUnknownWithoutRef)
	}
	return fmt.Errorf("%w; the run that sent it recorded: %s", ErrUnknownWithoutRef, recorded)
}

// lookInTicket lists ticket, that of request number, and settles its requests in lookFor: a request
// whose messageRef it holds was sent, and the others are provably not posted, so they are sent now.
func (s byRef) lookInTicket(ctx context.Context, number int, ticket string, lookFor []uncertainLine) error {
	key := uncertainLine{ticket: digestOf(ticket)}
	from, _ := slices.BinarySearchFunc(lookFor, key, byTicketAndRef)
	to := from
	for to < len(lookFor) && lookFor[to].ticket == key.ticket {
		to++
	}
	lines, unsettled := lookFor[from:to], to-from
	// The request whose message holds ref, while it is unsettled: a second message with the messageRef
	// of a request found already is not its.
	requestOf := func(ref string) (int, bool) {
		key.ref = digestOf(ref)
		i, found := slices.BinarySearchFunc(lines, key, byTicketAndRef)
		return i, found && uncertain(s.states[lines[i].number])
	}
	found := s.client.Messages.FindByRef(ctx, ticket, func(ref string) bool {
		_, ok := requestOf(ref)
		return ok
	})
	for message, err := range found {
		if err != nil {
			// The ticket is named by a request's number: an id may be a megabyte long.
			return fmt.Errorf("bulk: looking in the ticket of request %d for the requests whose outcome is unknown, before sending anything: %w", number, err)
		}
		i, _ := requestOf(*message.MessageRef)
		if err := s.settleFound(lines[i].number, s.client.Redact(messageID(message))); err != nil {
			return err
		}
		if unsettled--; unsettled == 0 {
			break
		}
	}
	for _, line := range lines {
		if uncertain(s.states[line.number]) {
			s.states[line.number] = stateNew // not on the server: provably not posted
		}
	}
	return nil
}

// settleFound records that the message of request number, id, was found on the server, and reports the
// request Skipped, as it was not sent by this run.
func (s byRef) settleFound(number int, id string) error {
	if err := s.journal.record(journalRecord{Line: number, Status: string(Sent), ID: id, Found: true}); err != nil {
		return err
	}
	s.states[number] = stateSent
	return s.report(Outcome{Number: number, Status: Skipped, ID: id})
}
