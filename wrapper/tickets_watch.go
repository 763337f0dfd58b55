package wrapper

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"
)

// TicketChange is one change a watch yields: the ticket as it is after the change.
type TicketChange struct {
	// Ticket is the ticket, decoded.
	Ticket Ticket
	// Raw is the ticket as the server sent it, every field included, with the API key taken out.
	Raw json.RawMessage
	// Cursor resumes the watch right after this change: store it (its String or MarshalText) once the
	// change is handled, and a watch started from it yields every later change, and none it yielded.
	Cursor WatchCursor
}

// Watch yields every change to the project's tickets after since (a cursor: WatchSince(t) for the
// changes at or after t, or the Cursor of a change yielded before), each once, in the order of their
// updatedAt: the tickets created or changed since, as they are now. With every 0 it stops once it has
// caught up; otherwise it looks again every interval, for as long as ctx lasts or the loop goes on, its
// requests paced under the client's rate limit like any other. A deleted ticket is not reported.
//
// Unlike List, a watch neither skips nor repeats a ticket when tickets change while it reads them: it
// pages by updatedAt rather than by skipping (GET /tickets?updatedAt>=…&sort=updatedAt), so a ticket
// that changes moves behind the ones it has yet to yield. A change is told from one it yielded by the
// ticket's id and a digest of its content (the ticket as sent, whatever the order of its members), so
// two changes of one ticket in the same millisecond are two changes, and the same ticket sent again is
// none. Each page looks a little further back than the last change (2 seconds), for a change Gleap
// stored after a later one, of another ticket or of the same; that one comes out of order, but it comes
// (within the limit WatchCursor states for a burst of changes).
//
// A failure is yielded once, as the last item: a *ValidationError for a bad argument, a *RequestError
// otherwise (wrapping ErrInvalidResponse when the server does not sort by updatedAt, or when more than
// MaxTicketPageSize tickets share one updatedAt, which a watch cannot page through). Store each change's
// Cursor after handling it to resume there after a restart.
func (t *TicketsService) Watch(ctx context.Context, since WatchCursor, every time.Duration, opts ...Option) iter.Seq2[*TicketChange, error] {
	return func(yield func(*TicketChange, error) bool) {
		s, err := t.engine.prepare(ctx, opts)
		if err == nil && every < 0 {
			err = &ValidationError{Field: "every", Problem: "must not be negative: 0 stops once the watch has caught up"}
		}
		if err != nil {
			yield(nil, err)
			return
		}
		w := watch{tickets: t, ctx: ctx, opts: opts, cursor: since.clone(), pageSize: t.watchPageSize}
		if w.pageSize == 0 {
			w.pageSize = DefaultTicketPageSize
		}
		for {
			if !w.catchUp(yield) || every == 0 {
				return
			}
			if err := s.sleep(ctx, every); err != nil {
				yield(nil, &RequestError{Op: "watch tickets", Err: err})
				return
			}
		}
	}
}

// watch is one run of Watch.
type watch struct {
	tickets  *TicketsService
	ctx      context.Context
	opts     []Option
	cursor   WatchCursor
	pageSize int
}

// catchUp yields every change after the cursor, page by page, and reports whether to go on: false once
// the loop stopped or a failure was yielded. A page that holds only changes already yielded (more than a
// page of them fell within the look-back) is asked for again, twice as large up to MaxTicketPageSize,
// then without the look-back.
func (w *watch) catchUp(yield func(*TicketChange, error) bool) bool {
	pageSize, lookBack := w.pageSize, watchOverlap
	for {
		from := w.cursor.from(lookBack)
		page, err := w.tickets.ListPage(w.ctx, TicketFilter{Sort: "updatedAt", PageSize: pageSize, UpdatedFrom: from}, 0, w.opts...)
		if err != nil {
			yield(nil, err)
			return false
		}
		fresh, err := w.fresh(page, from)
		if err != nil {
			yield(nil, &RequestError{Op: "watch tickets", Attempts: 1, Err: w.tickets.engine.redact.redactError(err)})
			return false
		}
		for _, change := range fresh {
			if !yield(change, nil) {
				return false
			}
		}
		switch {
		case len(page.Tickets) < pageSize:
			return true // caught up
		case len(fresh) > 0:
			pageSize, lookBack = w.pageSize, watchOverlap
		case pageSize < MaxTicketPageSize:
			pageSize = min(2*pageSize, MaxTicketPageSize)
		case lookBack > 0:
			lookBack = 0
		default:
			yield(nil, &RequestError{Op: "watch tickets", Attempts: 1, Err: fmt.Errorf(
				"%w: more than %d tickets have the updatedAt %s, more than a watch can page through",
				ErrInvalidResponse, MaxTicketPageSize, formatCursorTime(w.cursor.updatedAt))})
			return false
		}
	}
}

// fresh returns the changes of page the watch has not yielded, each with the cursor after it, and moves
// the watch's cursor past them. The page, asked for from from on, must be in updatedAt order and start
// there.
func (w *watch) fresh(page *TicketPage, from time.Time) ([]*TicketChange, error) {
	var changes []*TicketChange
	previous := from
	for i, ticket := range page.Tickets {
		if ticket.UpdatedAt.Before(previous) {
			return nil, fmt.Errorf("%w: the tickets are not in updatedAt order from %s on (ticket %d of the page)",
				ErrInvalidResponse, formatCursorTime(from), i)
		}
		previous = ticket.UpdatedAt
		id := ticket.ID
		if id == "" {
			id = ticket.DocumentID
		}
		if id == "" || ticket.UpdatedAt.IsZero() {
			return nil, fmt.Errorf("%w: ticket %d of the page has no id or no updatedAt, which a watch needs", ErrInvalidResponse, i)
		}
		if ticket.UpdatedAt.Before(w.cursor.floor) {
			continue // in the page's first millisecond, before the time the watch starts from
		}
		raw := w.tickets.engine.redact.body(page.raw[i])
		digest := changeDigest(id, raw)
		if w.cursor.yielded(digest) {
			continue
		}
		w.cursor.remember(digest, ticket.UpdatedAt)
		w.cursor.advance(ticket.UpdatedAt)
		changes = append(changes, &TicketChange{Ticket: ticket, Raw: raw, Cursor: w.cursor.clone()})
	}
	return changes, nil
}
