package wrapper

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// watchOverlap is how far before the last change it yielded a watch looks again on every page: a change
// Gleap stamped a moment before another but stored after it (two writes racing) still shows up once.
// The cursor remembers the changes it yielded within this window, so none is yielded twice.
const watchOverlap = 2 * time.Second

// maxRememberedChanges is how many changes a cursor remembers from before the millisecond of its last
// change, so that its text stays small (about 3 KB) however many tickets change within watchOverlap.
// Past it the cursor forgets the oldest and no longer looks back as far (see WatchCursor).
const maxRememberedChanges = 100

// WatchCursor is where a watch stands: the updatedAt of the last change it yielded, and the changes it
// yielded from shortly before it (see watchOverlap), each as a digest of the ticket's id and content.
// Its zero value starts from the first ticket. It is text (String, ParseWatchCursor, MarshalText,
// UnmarshalText) so that it can be stored; it holds no text the server sent, only digests and times, so
// that whatever a server puts in a ticket (the API key, say) stays out of where the cursor is stored.
//
// It stays small: it keeps every change of the last change's millisecond (which a watch needs to page
// through tickets that share an updatedAt) and at most 100 from before it. When more changed within the
// look-back, it forgets the oldest and looks back no further than the newest it kept: a change stored
// late and stamped before those is then missed, which only a burst of more than 100 changes in 2
// seconds can bring about.
type WatchCursor struct {
	updatedAt time.Time
	// floor is the earliest time a change is yielded from: the time WatchSince was given, raised when
	// the cursor forgets changes to stay small.
	floor time.Time
	// seen maps the digest of each change yielded from the start of the look-back (floor at the
	// earliest) to its updatedAt.
	seen map[string]time.Time
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

// cursorVersion starts the text of every cursor String writes, so that a later format can tell it apart;
// oldCursorVersion starts the text of the cursors written before, which ParseWatchCursor still reads.
const (
	cursorVersion    = "v2"
	oldCursorVersion = "v1"
)

// String is the cursor as text to store: "v2 <updatedAt> <floor>" followed by " <digest>@<age>" for
// each change it remembers, its age the nanoseconds from its updatedAt to the cursor's.
func (c WatchCursor) String() string {
	var text strings.Builder
	text.WriteString(cursorVersion + " " + formatCursorTime(c.updatedAt) + " " + formatCursorTime(c.floor))
	for _, digest := range c.digestsNewestFirst() {
		fmt.Fprintf(&text, " %s@%d", digest, c.updatedAt.Sub(c.seen[digest]))
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

// ParseWatchCursor reads a cursor String wrote. Anything else is a *ValidationError. A cursor of the
// format before (v1) is read without the changes it remembers, whose digests were made otherwise: a
// watch resumed from it may yield the changes of its last 2 seconds once more.
func ParseWatchCursor(text string) (WatchCursor, error) {
	invalid := &ValidationError{Field: "cursor", Problem: "is not a watch cursor (WatchCursor.String writes one)"}
	fields := strings.Fields(text)
	if len(fields) < 3 || fields[0] != cursorVersion && fields[0] != oldCursorVersion {
		return WatchCursor{}, invalid
	}
	updatedAt, err1 := parseCursorTime(fields[1])
	floor, err2 := parseCursorTime(fields[2])
	if err1 != nil || err2 != nil {
		return WatchCursor{}, invalid
	}
	c := WatchCursor{updatedAt: updatedAt, floor: floor}
	if fields[0] == oldCursorVersion {
		return c, nil
	}
	for _, field := range fields[3:] {
		digest, age, found := strings.Cut(field, "@")
		nanoseconds, err := strconv.ParseInt(age, 10, 64)
		if !found || err != nil || nanoseconds < 0 || !isDigest(digest) || updatedAt.IsZero() {
			return WatchCursor{}, invalid
		}
		c.remember(digest, updatedAt.Add(-time.Duration(nanoseconds)))
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

// changeDigest returns the digest of a change: of the ticket's id and of its content, the ticket as sent
// read as JSON, so that neither whitespace nor the order of its members makes a repeat a new change.
func changeDigest(ticketID string, raw []byte) string {
	content := raw
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	var value any
	if decoder.Decode(&value) == nil {
		if canonical, err := json.Marshal(value); err == nil {
			content = canonical // members in order, numbers as sent
		}
	}
	sum := sha256.New()
	sum.Write([]byte(ticketID))
	sum.Write([]byte{0})
	sum.Write(content)
	return hex.EncodeToString(sum.Sum(nil)[:8])
}

// isDigest reports whether text is a digest as changeDigest writes it.
func isDigest(text string) bool {
	decoded, err := hex.DecodeString(text)
	return err == nil && len(decoded) == 8
}

// yielded reports whether the cursor remembers yielding the change of digest.
func (c *WatchCursor) yielded(digest string) bool {
	_, found := c.seen[digest]
	return found
}

// remember notes a change the watch yielded.
func (c *WatchCursor) remember(digest string, updatedAt time.Time) {
	if c.seen == nil {
		c.seen = make(map[string]time.Time)
	}
	c.seen[digest] = updatedAt
}

// advance moves the cursor to a change it yielded at updatedAt (it stays when the change is older than
// the last), then forgets the changes it no longer needs: those before the look-back, and the oldest
// beyond maxRememberedChanges, raising the floor past them.
func (c *WatchCursor) advance(updatedAt time.Time) {
	if updatedAt.After(c.updatedAt) {
		c.updatedAt = updatedAt
	}
	lastMillisecond := c.updatedAt.Truncate(time.Millisecond)
	if len(c.seen) > maxRememberedChanges {
		// Gleap keeps milliseconds, so a floor on one keeps or forgets a millisecond's changes together.
		newestForgotten := c.seen[c.digestsNewestFirst()[maxRememberedChanges]]
		floor := newestForgotten.Truncate(time.Millisecond).Add(time.Millisecond)
		if floor.After(lastMillisecond) {
			floor = lastMillisecond // every change of the last millisecond is kept
		}
		c.floor = later(c.floor, floor)
	}
	start := c.lookBackStart()
	maps.DeleteFunc(c.seen, func(_ string, changed time.Time) bool { return changed.Before(start) })
}

// lookBackStart is the earliest change the cursor must remember: watchOverlap before its last change,
// down to the millisecond (the page starts there), not before the floor.
func (c *WatchCursor) lookBackStart() time.Time {
	return later(c.floor, c.updatedAt.Add(-watchOverlap).Truncate(time.Millisecond))
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// digestsNewestFirst returns the digests of the changes the cursor remembers, the newest first (and in
// digest order within a time), so that String is the same for the same cursor.
func (c *WatchCursor) digestsNewestFirst() []string {
	return slices.SortedFunc(maps.Keys(c.seen), func(a, b string) int {
		return cmp.Or(c.seen[b].Compare(c.seen[a]), strings.Compare(a, b))
	})
}

// from is where a page of the watch starts: lookBack before the last change yielded, not before the
// floor; the floor for a cursor that yielded nothing. Gleap keeps times to the millisecond, so it is
// down to the millisecond, and a page from there may hold changes before the floor, which the watch
// leaves out.
func (c *WatchCursor) from(lookBack time.Duration) time.Time {
	if c.updatedAt.IsZero() {
		return c.floor.Truncate(time.Millisecond)
	}
	return later(c.floor, c.updatedAt.Add(-lookBack)).Truncate(time.Millisecond)
}

// clone returns a copy of c that shares nothing with it.
func (c WatchCursor) clone() WatchCursor {
	c.seen = maps.Clone(c.seen)
	return c
}
