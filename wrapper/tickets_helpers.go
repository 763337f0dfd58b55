package wrapper

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrTicketNotFound is wrapped by the error of Resolve, and of the helpers that resolve a ticket, when no
// ticket has the number or share token given.
var ErrTicketNotFound = errors.New("no such ticket")

// ErrTicketMismatch is wrapped by the error of Resolve, and of the helpers, when the server answered with
// another ticket than the one named: a listing by number or share token that holds a ticket with another
// number or token (a server that does not know the filter answers with the project's tickets), or a read
// of the id that answers with another id. Nothing is written to a ticket then. It wraps
// ErrInvalidResponse.
var ErrTicketMismatch = fmt.Errorf("%w: the server answered with another ticket than the one named", ErrInvalidResponse)

// ErrChangeNotKept is wrapped by the error of a helper that read the ticket back after changing it and
// found the change missing: another writer changed the ticket in between, or Gleap did not take it.
var ErrChangeNotKept = errors.New("the ticket read back does not hold the change")

// TicketRef names a ticket by its id, its number (bugId, as people name tickets) or its share token.
// The helpers (AssignUser, SetStatus, AddTags, ...) take one and resolve it to the id when the write
// needs it; Resolve does it alone.
type TicketRef struct {
	id         string
	number     int
	shareToken string
}

// TicketID names the ticket with the id ticketID.
func TicketID(ticketID string) TicketRef { return TicketRef{id: ticketID} }

// TicketNumber names the ticket with the number (bugId) number, as Gleap shows it, such as 42 for #42.
func TicketNumber(number int) TicketRef { return TicketRef{number: number} }

// TicketShareToken names the ticket whose share link holds token.
func TicketShareToken(token string) TicketRef { return TicketRef{shareToken: token} }

// String names the ticket as a person would: its id, #number or share token.
func (r TicketRef) String() string {
	switch {
	case r.number > 0:
		return fmt.Sprintf("#%d", r.number)
	case r.shareToken != "":
		return "share token " + r.shareToken
	}
	return r.id
}

// Resolve returns the id of the ticket ref names: the id itself, or the id of the one ticket with that
// number or share token, found by listing (GET /tickets?bugId=… or ?shareToken=…). The ticket listed
// must have that number or share token: one that has another is a *RequestError wrapping
// ErrTicketMismatch, never taken for it. No such ticket is a *RequestError wrapping ErrTicketNotFound,
// more than one wraps ErrInvalidResponse.
func (t *TicketsService) Resolve(ctx context.Context, ref TicketRef, opts ...Option) (string, error) {
	filter := TicketFilter{PageSize: 2}
	switch {
	case ref.number < 0 || ref == (TicketRef{}):
		return "", &ValidationError{Field: "ticket", Problem: "names no ticket: use TicketID, TicketNumber (from 1) or TicketShareToken"}
	case ref.number > 0:
		filter.number = &ref.number
	case ref.shareToken != "":
		filter.shareToken = ref.shareToken
	default:
		return ref.id, checkID("ticketID", ref.id)
	}
	page, err := t.ListPage(ctx, filter, 0, opts...)
	if err != nil {
		return "", err
	}
	for i := range page.Tickets {
		if !ref.names(&page.Tickets[i]) {
			return "", &RequestError{Op: "resolve ticket", Attempts: 1, Err: fmt.Errorf(
				"%w: asked for %s, it listed %s: does it filter by bugId and shareToken?", ErrTicketMismatch, ref, ref.otherThan(&page.Tickets[i]))}
		}
	}
	switch len(page.Tickets) {
	case 0:
		return "", &RequestError{Op: "resolve ticket", Attempts: 1, Err: fmt.Errorf("%w: %s", ErrTicketNotFound, ref)}
	case 1:
		if id := idOf(&page.Tickets[0]); id != "" {
			return id, nil
		}
		return "", &RequestError{Op: "resolve ticket", Attempts: 1, Err: fmt.Errorf("%w: the ticket %s has no id", ErrInvalidResponse, ref)}
	}
	return "", &RequestError{Op: "resolve ticket", Attempts: 1, Err: fmt.Errorf("%w: more than one ticket is %s", ErrInvalidResponse, ref)}
}

// names reports whether ticket is the one the number or share token of r names.
func (r TicketRef) names(ticket *Ticket) bool {
	if r.number > 0 {
		return ticket.Number == r.number
	}
	return ticket.ShareToken == r.shareToken
}

// otherThan names ticket, which r does not name, for an error: by its number, which is no text the
// server wrote (a share token could be anything, the API key included).
func (r TicketRef) otherThan(ticket *Ticket) string {
	switch {
	case ticket.Number > 0:
		return fmt.Sprintf("#%d", ticket.Number)
	case r.number > 0:
		return "a ticket without a number"
	}
	return "a ticket of another share token"
}

// idOf returns a ticket's id, from "id" or else "_id".
func idOf(ticket *Ticket) string {
	if ticket.ID != "" {
		return ticket.ID
	}
	return ticket.DocumentID
}

// AssignUser assigns the ticket to the team member userID, and returns the ticket read back after the
// change. The change is sent alone (PUT with processingUser only), then the ticket is read back: one
// that is not assigned to userID then is a *RequestError wrapping ErrChangeNotKept.
func (t *TicketsService) AssignUser(ctx context.Context, ticket TicketRef, userID string, opts ...Option) (*Ticket, error) {
	if err := checkID("userID", userID); err != nil {
		return nil, err
	}
	return t.changeAndCheck(ctx, "assign ticket", ticket, opts,
		func(*Ticket) (UpdateTicketRequest, bool) { return UpdateTicketRequest{ProcessingUser: &userID}, true },
		func(now *Ticket) bool { return now.ProcessingUser.ID == userID })
}

// AssignTeam assigns the ticket to the team teamID, as AssignUser assigns it to a person.
func (t *TicketsService) AssignTeam(ctx context.Context, ticket TicketRef, teamID string, opts ...Option) (*Ticket, error) {
	if err := checkID("teamID", teamID); err != nil {
		return nil, err
	}
	return t.changeAndCheck(ctx, "assign ticket", ticket, opts,
		func(*Ticket) (UpdateTicketRequest, bool) { return UpdateTicketRequest{ProcessingTeam: &teamID}, true },
		func(now *Ticket) bool { return now.ProcessingTeam.ID == teamID })
}

// SetStatus moves the ticket to the status lane status, and returns it read back. Integrators have seen
// a status change clear the assignee: SetStatus reads the ticket first, sends the status alone, reads it
// back, and gives the ticket its assignee (person and team) again, in a change of its own, when the
// status change took it away. A ticket that then lacks the status or the assignee is a *RequestError
// wrapping ErrChangeNotKept.
func (t *TicketsService) SetStatus(ctx context.Context, ticket TicketRef, status string, opts ...Option) (*Ticket, error) {
	if err := checkText("status", status); err != nil {
		return nil, err
	}
	var before *Ticket
	now, err := t.changeAndCheck(ctx, "set ticket status", ticket, opts,
		func(current *Ticket) (UpdateTicketRequest, bool) {
			before = current
			return UpdateTicketRequest{Status: &status}, current.Status != status
		},
		func(now *Ticket) bool { return now.Status == status })
	if err != nil {
		return nil, err
	}
	restore := UpdateTicketRequest{}
	if user := before.ProcessingUser.ID; user != "" && now.ProcessingUser.ID != user {
		restore.ProcessingUser = &user
	}
	if team := before.ProcessingTeam.ID; team != "" && now.ProcessingTeam.ID != team {
		restore.ProcessingTeam = &team
	}
	if restore.ProcessingUser == nil && restore.ProcessingTeam == nil {
		return now, nil
	}
	return t.changeAndCheck(ctx, "set ticket status", TicketID(idOf(now)), opts,
		func(*Ticket) (UpdateTicketRequest, bool) { return restore, true },
		func(now *Ticket) bool {
			return now.Status == status && (restore.ProcessingUser == nil || now.ProcessingUser.ID == *restore.ProcessingUser) &&
				(restore.ProcessingTeam == nil || now.ProcessingTeam.ID == *restore.ProcessingTeam)
		})
}

// Close moves the ticket to the status lane DONE, Gleap's closed lane, as SetStatus does.
func (t *TicketsService) Close(ctx context.Context, ticket TicketRef, opts ...Option) (*Ticket, error) {
	return t.SetStatus(ctx, ticket, TicketStatusDone, opts...)
}

// AddTags gives the ticket tags, keeping the tags it has, and returns it read back. Gleap replaces a
// ticket's tags whole, so AddTags reads them, sends them with tags added (nothing when it has them all),
// and reads the ticket back: one without every tag of tags then is a *RequestError wrapping
// ErrChangeNotKept. A null or blank tag in the ticket as read, which Gleap's tags should not hold and
// Update cannot send, is left out of the tags sent.
//
// What a concurrent writer can still do: a tag another writer adds or removes between AddTags' read and
// its write is undone by the write (Gleap has no conditional update). The read-back proves that the tags
// AddTags added are there, not that no other writer's change was lost; keep tag writes to one writer at a
// time per ticket when that matters.
func (t *TicketsService) AddTags(ctx context.Context, ticket TicketRef, tags []string, opts ...Option) (*Ticket, error) {
	return t.changeTags(ctx, "add ticket tags", ticket, tags, opts, true)
}

// RemoveTags takes tags off the ticket, keeping its other tags, and returns it read back, as AddTags does
// (and with the same limit when another writer changes the tags at once).
func (t *TicketsService) RemoveTags(ctx context.Context, ticket TicketRef, tags []string, opts ...Option) (*Ticket, error) {
	return t.changeTags(ctx, "remove ticket tags", ticket, tags, opts, false)
}

// changeTags adds tags to the ticket's (add) or takes them off.
func (t *TicketsService) changeTags(ctx context.Context, op string, ticket TicketRef, tags []string, opts []Option, add bool) (*Ticket, error) {
	if len(tags) == 0 {
		return nil, &ValidationError{Field: "tags", Problem: "names no tag"}
	}
	for i, tag := range tags {
		if err := checkText(fmt.Sprintf("tags[%d]", i), tag); err != nil {
			return nil, err
		}
	}
	holds := func(ticket *Ticket) bool {
		for _, tag := range tags {
			if slices.Contains(ticket.Tags, tag) != add {
				return false
			}
		}
		return true
	}
	return t.changeAndCheck(ctx, op, ticket, opts,
		func(current *Ticket) (UpdateTicketRequest, bool) {
			// A null or blank tag the server sent is no tag Update can send back: it is left out.
			changed := slices.DeleteFunc(slices.Clone(current.Tags), func(tag string) bool {
				return isBlank(tag) || !add && slices.Contains(tags, tag)
			})
			for _, tag := range tags {
				if add && !slices.Contains(changed, tag) {
					changed = append(changed, tag)
				}
			}
			if changed == nil {
				changed = []string{} // no tag left: sent as an empty list, which removes them all
			}
			return UpdateTicketRequest{Tags: &changed}, !holds(current)
		},
		holds)
}

// changeAndCheck resolves ticket, reads it, has change say what to send (and whether anything needs
// sending), sends it alone and reads the ticket back, which kept must accept. It returns the ticket read
// back, or the ticket as read when there was nothing to send.
func (t *TicketsService) changeAndCheck(ctx context.Context, op string, ticket TicketRef, opts []Option,
	change func(current *Ticket) (UpdateTicketRequest, bool), kept func(now *Ticket) bool) (*Ticket, error) {
	ticketID, err := t.Resolve(ctx, ticket, opts...)
	if err != nil {
		return nil, err
	}
	current, err := t.getSame(ctx, op, ticketID, opts)
	if err != nil {
		return nil, err
	}
	req, needed := change(current)
	if !needed {
		return current, nil
	}
	if _, err := t.Update(ctx, ticketID, req, opts...); err != nil {
		return nil, err
	}
	now, err := t.getSame(ctx, op, ticketID, opts)
	if err != nil {
		return nil, err
	}
	if !kept(now) {
		return nil, &RequestError{Op: op, Attempts: 1, Err: fmt.Errorf("%w: ticket %s", ErrChangeNotKept, ticket)}
	}
	return now, nil
}

// getSame reads the ticket ticketID, which must be the ticket answered: one with another id is a
// *RequestError wrapping ErrTicketMismatch, so that a helper never takes another ticket's state for it.
func (t *TicketsService) getSame(ctx context.Context, op, ticketID string, opts []Option) (*Ticket, error) {
	ticket, err := t.Get(ctx, ticketID, opts...)
	if err != nil {
		return nil, err
	}
	if id := idOf(ticket); id != "" && id != ticketID {
		return nil, &RequestError{Op: op, Attempts: 1, Err: fmt.Errorf("%w: read ticket %s, it answered with another id", ErrTicketMismatch, ticketID)}
	}
	return ticket, nil
}
