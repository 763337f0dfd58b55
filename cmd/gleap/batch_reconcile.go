package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/gleap-community/gleap-go/wrapper"
)

// uncertainLine is a line of unknown outcome to look for on the server: its ticket and messageRef by
// their digests, so that it is held in a fixed 40 bytes whatever their length.
type uncertainLine struct {
	ticket, ref digest
	number      int
}

// byTicketAndRef orders uncertain lines by ticket, then messageRef, for binary search.
func byTicketAndRef(a, b uncertainLine) int {
	if order := bytes.Compare(a.ticket[:], b.ticket[:]); order != 0 {
		return order
	}
	return bytes.Compare(a.ref[:], b.ref[:])
}

// reconcile settles the lines an earlier run started without learning their outcome, before anything is
// sent: a line with a messageRef that its ticket holds was sent (skipped now); one that it does not hold
// is sent again. A line without messageRef stays unknown, unless --resend-unknown.
//
// The lines to look for are held by digests; the ids of their tickets are read again from the input,
// where the first line of a ticket still to settle has its ticket listed, once.
func (b *batch) reconcile(ctx context.Context) error {
	if b.journal == nil {
		return nil
	}
	lookFor, err := b.uncertainLines()
	if err != nil || len(lookFor) == 0 {
		return err
	}
	return b.input.each(func(number int, line []byte) error {
		if !uncertain(b.states[number]) {
			return nil // settled, also by the listing of its ticket for an earlier line
		}
		req, err := parseBatchLine(line)
		if err != nil {
			return changedLine(number, err)
		}
		return b.lookInTicket(ctx, *req.Ticket, lookFor)
	})
}

// uncertainLines reads the lines of unknown outcome: it settles those without messageRef and returns the
// others, sorted by byTicketAndRef.
func (b *batch) uncertainLines() ([]uncertainLine, error) {
	count := 0
	for _, state := range b.states {
		if uncertain(state) {
			count++
		}
	}
	if count == 0 {
		return nil, nil
	}
	lookFor := make([]uncertainLine, 0, count) // at most one for each: allocated once, not grown
	err := b.input.each(func(number int, line []byte) error {
		if !uncertain(b.states[number]) {
			return nil
		}
		req, err := parseBatchLine(line)
		switch {
		case err != nil:
			return changedLine(number, err)
		case hasRef(req):
			lookFor = append(lookFor, uncertainLine{ticket: digestOf(*req.Ticket), ref: digestOf(*req.MessageRef), number: number})
			return nil
		case b.resendUnknown:
			b.states[number] = stateNew
			return nil
		}
		b.states[number] = stateHeld
		return b.settle(number, lineOutcome{Line: number, Status: statusUnknown,
			Error: "an earlier run sent it without learning the outcome, and it has no messageRef to look for: --resend-unknown sends it again"}, false)
	})
	slices.SortFunc(lookFor, byTicketAndRef)
	return lookFor, err
}

// lookInTicket lists ticket and settles its lines in lookFor: a line whose messageRef it holds was sent,
// and the others are provably not posted, so they are sent now.
func (b *batch) lookInTicket(ctx context.Context, ticket string, lookFor []uncertainLine) error {
	key := uncertainLine{ticket: digestOf(ticket)}
	from, _ := slices.BinarySearchFunc(lookFor, key, byTicketAndRef)
	to := from
	for to < len(lookFor) && lookFor[to].ticket == key.ticket {
		to++
	}
	lines, unsettled := lookFor[from:to], to-from
	listing := b.client.Messages.List(ctx, wrapper.MessageFilter{Ticket: ticket}, wrapper.WithMaxResponseBytes(reconcileMaxPageBytes))
	for message, err := range listing {
		if err != nil {
			return fmt.Errorf("gleap send: looking in ticket %s for the lines whose outcome is unknown, before sending anything: %w",
				abridged(ticket, maxValueQuoted), err)
		}
		if message.MessageRef == nil {
			continue
		}
		key.ref = digestOf(*message.MessageRef)
		i, found := slices.BinarySearchFunc(lines, key, byTicketAndRef)
		if !found || !uncertain(b.states[lines[i].number]) {
			continue // not a line's, or a second message with the messageRef of a line found already
		}
		if err := b.settle(lines[i].number, lineOutcome{Line: lines[i].number, Status: statusSent, ID: b.idOf(message)}, true); err != nil {
			return err
		}
		if unsettled--; unsettled == 0 {
			break
		}
	}
	for _, line := range lines {
		if uncertain(b.states[line.number]) {
			b.states[line.number] = stateNew // not on the server: provably not posted
		}
	}
	return nil
}

// settle records the outcome reconcile found for a line and reports it: a message found on the server
// is reported skipped, as it was not sent by this run.
func (b *batch) settle(number int, outcome lineOutcome, found bool) error {
	if err := b.journal.record(journalRecord{lineOutcome: outcome, Found: found}); err != nil {
		return err
	}
	if found {
		b.states[number] = stateSent
		outcome.Status = statusSkipped
	}
	return b.report.line(outcome)
}

func uncertain(state lineState) bool {
	return state == stateStarted || state == stateUnknown
}
