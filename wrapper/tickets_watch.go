package wrapper

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"
)

// watchOverlap is how far before the last change it yielded a watch looks again on every page: a change
// Gleap stamped a moment before another but stored after it (two writes racing) still shows up once.
// The cursor remembers the changes it yielded within this window, so none is yielded twice.
const watchOverlap = 2 * time.Second

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

// WatchCursor is where a watch stands: the updatedAt of the last change it yielded, and the changes it
// yielded from shortly before it (see watchOverlap), each as a digest of the ticket's id and one of the
// ticket as it was yielded. Its zero value starts from the first ticket. It is text (String,
// ParseWatchCursor, MarshalText, UnmarshalText) so that it can be stored; it holds no text the server
// sent, only digests and times, so that whatever a server puts in a ticket (the API key, say) stays
// out of where the cursor is stored.
type WatchCursor struct {
	updatedAt time.Time
	// floor is the time WatchSince was given: no change before it is yielded.
	floor time.Time
	// seen maps the digest of the id of each ticket yielded at updatedAt-watchOverlap or later to its
	// change.
	seen map[string]seenChange
}

// seenChange is a change of one ticket a watch yielded: its updatedAt and the digest of the ticket.
type seenChange struct {
	updatedAt time.Time
	digest    string
}

// WatchSince returns the cursor of a watch that yields every ticket changed (or created) at or after
// since.
func WatchSince(since time.Time) WatchCursor {
	return WatchCursor{updatedAt: since.UTC(), floor: since.UTC()}
}

// UpdatedAt is the updatedAt of the last change the cursor stands after (or the time WatchSince was
// given).
func (c WatchCursor) UpdatedAt() time.Time {
	return c.updatedAt
}

// cursorVersion starts the text of every cursor, so that a later format can tell it apart.
const cursorVersion = "v1"

// String is the cursor as text to store: "v1 <updatedAt> <since>" followed by
// " <id digest>@<updatedAt>=<digest>" for each change it remembers.
func (c WatchCursor) String() string {
	var text strings.Builder
	text.WriteString(cursorVersion + " " + formatCursorTime(c.updatedAt) + " " + formatCursorTime(c.floor))
	for _, id := range slices.Sorted(maps.Keys(c.seen)) {
		change := c.seen[id]
		fmt.Fprintf(&text, " %s@%s=%s", id, formatCursorTime(change.updatedAt), change.digest)
	}
	return text.String()
}

// MarshalText is String, for encoding/json and the like.
func (c WatchCursor) MarshalText() ([]byte, error) {
	return []byte(c.String()), nil
}

// UnmarshalText reads a cursor String wrote; anything else is a *ValidationError.
func (c *WatchCursor) UnmarshalText(text []byte) error {
	parsed, err := ParseWatchCursor(string(text))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// ParseWatchCursor reads a cursor String wrote. Anything else is a *ValidationError.
func ParseWatchCursor(text string) (WatchCursor, error) {
	invalid := &ValidationError{Field: "cursor", Problem: "is not a watch cursor (WatchCursor.String writes one)"}
	fields := strings.Fields(text)
	if len(fields) < 3 || fields[0] != cursorVersion {
		return WatchCursor{}, invalid
	}
	updatedAt, err1 := parseCursorTime(fields[1])
	floor, err2 := parseCursorTime(fields[2])
	if err1 != nil || err2 != nil {
		return WatchCursor{}, invalid
	}
	c := WatchCursor{updatedAt: updatedAt, floor: floor}
	for _, field := range fields[3:] {
		id, rest, ok1 := strings.Cut(field, "@")
		at, digest, ok2 := strings.Cut(rest, "=")
		changed, err := parseCursorTime(at)
		if !ok1 || !ok2 || err != nil || !isDigest(id) || !isDigest(digest) {
			return WatchCursor{}, invalid
		}
		if c.seen == nil {
			c.seen = make(map[string]seenChange)
		}
		c.seen[id] = seenChange{updatedAt: changed, digest: digest}
	}
	return c, nil
}

// formatCursorTime and parseCursorTime write and read a time in a cursor: RFC 3339 in UTC, with as
// many fractional digits as it has, "-" for the zero time.
func formatCursorTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseCursorTime(text string) (time.Time, error) {
	if text == "-" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, text)
}

// remember notes a change of the ticket ticketID that the watch yielded. The caller moves updatedAt
// first.
func (c *WatchCursor) remember(ticketID string, change seenChange) {
	if c.seen == nil {
		c.seen = make(map[string]seenChange)
	}
	c.seen[digestOf([]byte(ticketID))] = change
}

// yielded reports whether the cursor remembers yielding this very change of the ticket ticketID.
func (c *WatchCursor) yielded(ticketID string, change seenChange) bool {
	seen, ok := c.seen[digestOf([]byte(ticketID))]
	return ok && !change.updatedAt.After(seen.updatedAt) && (change.updatedAt.Before(seen.updatedAt) || seen.digest == change.digest)
}

// advance moves the cursor to a change yielded at updatedAt, forgetting the changes before its window.
func (c *WatchCursor) advance(updatedAt time.Time) {
	if !updatedAt.After(c.updatedAt) {
		return
	}
	c.updatedAt = updatedAt
	for id, change := range c.seen {
		if change.updatedAt.Before(updatedAt.Add(-watchOverlap)) {
			delete(c.seen, id)
		}
	}
}

// from is where a page of the watch starts: lookBack before the last change yielded, not before the
// time the watch was asked to start from; zero for every ticket.
func (c *WatchCursor) from(lookBack time.Duration) time.Time {
	if c.updatedAt.IsZero() {
		return c.floor
	}
	from := c.updatedAt.Add(-lookBack)
	if from.Before(c.floor) {
		return c.floor
	}
	return from
}

// clone returns a copy of c that shares nothing with it.
func (c WatchCursor) clone() WatchCursor {
	c.seen = maps.Clone(c.seen)
	return c
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
// ticket's updatedAt and a digest of the ticket as sent, so two changes of one ticket in the same
// millisecond are two changes. Each page looks a little further back than the last change (2 seconds),
// for a change Gleap stored after a later one; that one comes out of order, but it comes.
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
		// Gleap keeps times to the millisecond: a page from a finer time would hold tickets before it.
		from := w.cursor.from(lookBack).Truncate(time.Millisecond)
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
		raw := w.tickets.engine.redact.body(page.raw[i])
		change := seenChange{updatedAt: ticket.UpdatedAt, digest: digestOf(raw)}
		if w.cursor.yielded(id, change) {
			continue
		}
		w.cursor.advance(ticket.UpdatedAt)
		w.cursor.remember(id, change)
		changes = append(changes, &TicketChange{Ticket: ticket, Raw: raw, Cursor: w.cursor.clone()})
	}
	return changes, nil
}

// digestOf returns a short digest of raw (a ticket's id, or the ticket compacted: the same ticket sent
// with other whitespace has the same digest), 16 hexadecimal digits.
func digestOf(raw []byte) string {
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		compact.Reset()
		compact.Write(raw)
	}
	sum := sha256.Sum256(compact.Bytes())
	return hex.EncodeToString(sum[:8])
}

// isDigest reports whether text is a digest as digestOf writes it.
func isDigest(text string) bool {
	decoded, err := hex.DecodeString(text)
	return err == nil && len(decoded) == 8
}
