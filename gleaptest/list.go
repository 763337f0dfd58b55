package gleaptest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// defaultPageSize is how many messages a page holds in cursor mode when the query sets no limit.
const defaultPageSize = 50

// listQuery is what a GET /v3/messages asks for: which messages, in which order, and how much of them.
type listQuery struct {
	ticket      *string         // only this ticket's messages
	kinds       map[string]bool // only messages of these types; nil for any type
	ref         *string         // only messages with this messageRef
	bot         *bool           // only bot messages (true) or only people's (false)
	createdFrom *time.Time      // only messages created at or after this time
	createdTo   *time.Time      // only messages created at or before this time
	order       order

	paginated bool   // answer with one page and a cursor rather than a bare array
	before    string // the cursor: the id of the message the page follows; "" for the first page
	limit     int    // at most this many messages; 0 for all of them (without paginated)
	skip      int    // skip this many matching messages first (without paginated)
}

// order is the order messages are listed in: by creation or by last change, oldest or newest first.
// Messages with equal times keep the order they were created in (reversed when newest come first), so
// the order is total and pages neither repeat nor skip a message.
type order struct {
	byUpdate   bool
	descending bool
}

// compare orders a and b.
func (o order) compare(a, b storedMessage) int {
	at, bt := a.createdAt, b.createdAt
	if o.byUpdate {
		at, bt = a.updatedAt, b.updatedAt
	}
	c := at.Compare(bt)
	if c == 0 {
		c = cmp.Compare(a.seq, b.seq)
	}
	if o.descending {
		return -c
	}
	return c
}

// parseOrder reads a sort parameter: createdAt (the default), -createdAt, updatedAt or -updatedAt.
func parseOrder(sort string) (order, error) {
	var o order
	field := sort
	if rest, ok := strings.CutPrefix(sort, "-"); ok {
		o.descending, field = true, rest
	}
	switch field {
	case "", "createdAt":
	case "updatedAt":
		o.byUpdate = true
	default:
		return o, fmt.Errorf("sort %q: gleaptest sorts by createdAt or updatedAt, optionally preceded by -", sort)
	}
	return o, nil
}

// parseListQuery reads the query of a GET /v3/messages. A query that breaks openapi.yaml is refused
// before it gets here, unless the traffic is not checked: the errors are for that case. The filters
// apply when their parameter is present; language and showHistory change nothing here.
func parseListQuery(query url.Values) (listQuery, error) {
	var q listQuery
	var err error
	q.ticket, q.ref = optionalString(query, "ticket"), optionalString(query, "messageRef")
	if query.Has("type") {
		q.kinds = make(map[string]bool)
		for kind := range strings.SplitSeq(query.Get("type"), ",") {
			if kind = strings.TrimSpace(kind); kind != "" {
				q.kinds[kind] = true
			}
		}
	}
	if q.bot, err = optionalBool(query, "bot"); err != nil {
		return q, err
	}
	if q.createdFrom, err = optionalTime(query, "createdAt>"); err != nil {
		return q, err
	}
	if q.createdTo, err = optionalTime(query, "createdAt<"); err != nil {
		return q, err
	}
	if q.order, err = parseOrder(query.Get("sort")); err != nil {
		return q, err
	}
	paginated, err := optionalBool(query, "paginated")
	if err != nil {
		return q, err
	}
	q.paginated = paginated != nil && *paginated
	q.before = query.Get("before")
	if q.limit, err = optionalInt(query, "limit", 1); err != nil {
		return q, err
	}
	if q.limit == 0 && q.paginated {
		q.limit = defaultPageSize
	}
	if q.skip, err = optionalInt(query, "skip", 0); err != nil {
		return q, err
	}
	return q, nil
}

// optionalString reads the parameter name, nil when it is absent.
func optionalString(query url.Values, name string) *string {
	if !query.Has(name) {
		return nil
	}
	value := query.Get(name)
	return &value
}

// optionalBool reads the boolean parameter name, nil when it is absent.
func optionalBool(query url.Values, name string) (*bool, error) {
	if !query.Has(name) {
		return nil, nil
	}
	value, err := strconv.ParseBool(query.Get(name))
	if err != nil {
		return nil, fmt.Errorf("%s %q is not true or false", name, query.Get(name))
	}
	return &value, nil
}

// optionalTime reads the RFC 3339 date-time parameter name, nil when it is absent.
func optionalTime(query url.Values, name string) (*time.Time, error) {
	if !query.Has(name) {
		return nil, nil
	}
	value, err := time.Parse(time.RFC3339, query.Get(name))
	if err != nil {
		return nil, fmt.Errorf("%s %q is not an RFC 3339 date-time", name, query.Get(name))
	}
	return &value, nil
}

// optionalInt reads the integer parameter name, at least least; 0 when it is absent.
func optionalInt(query url.Values, name string, least int) (int, error) {
	if !query.Has(name) {
		return 0, nil
	}
	value, err := strconv.Atoi(query.Get(name))
	if err != nil || value < least {
		return 0, fmt.Errorf("%s %q is not an integer of at least %d", name, query.Get(name), least)
	}
	return value, nil
}

// matches tells whether m passes q's filters.
func (q *listQuery) matches(m storedMessage) bool {
	switch {
	case q.ticket != nil && (m.ticket == nil || *m.ticket != *q.ticket):
		return false
	case q.kinds != nil && (m.kind == nil || !q.kinds[*m.kind]):
		return false
	case q.ref != nil && (m.ref == nil || *m.ref != *q.ref):
		return false
	case q.bot != nil && m.bot != *q.bot:
		return false
	case q.createdFrom != nil && m.createdAt.Before(*q.createdFrom):
		return false
	case q.createdTo != nil && m.createdAt.After(*q.createdTo):
		return false
	}
	return true
}

// messagePage is the answer in cursor mode, as openapi.yaml's MessagePage: NextBefore is null on the
// last page.
type messagePage struct {
	Items      []json.RawMessage `json:"items"`
	HasMore    bool              `json:"hasMore"`
	NextBefore *string           `json:"nextBefore"`
}

// list answers GET /v3/messages as Gleap does: the messages that pass the query's filters, in its
// order, as one page with a cursor (paginated=true: limit messages, 50 by default, after the message
// before names; skip does not apply) or as a bare array (every message, cut by skip and limit; before
// does not apply).
//
// The cursor is the id of the page's last message, and the next page holds the messages after it in
// the same order. A cursor that names no stored message (it was deleted or evicted, or never was) is
// refused with 400: the stand-in cannot tell where such a page would start.
func (s *store) list(query url.Values) answer {
	q, err := parseListQuery(query)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, err.Error())
	}
	messages := s.snapshot()
	slices.SortFunc(messages, q.order.compare)
	if !q.paginated {
		return encodedAnswer(q.cut(messages))
	}
	start := 0
	if q.before != "" {
		at := slices.IndexFunc(messages, func(m storedMessage) bool { return m.id == q.before })
		if at < 0 {
			return errorAnswer(http.StatusBadRequest, fmt.Sprintf(
				"before %q: no stored message has this id (the cursor is the nextBefore of the page before)", q.before))
		}
		start = at + 1
	}
	page := messagePage{Items: []json.RawMessage{}}
	for _, m := range messages[start:] {
		if !q.matches(m) {
			continue
		}
		if len(page.Items) == q.limit {
			page.HasMore = true
			break
		}
		page.Items = append(page.Items, m.answer)
		page.NextBefore = &m.id
	}
	if !page.HasMore {
		page.NextBefore = nil
	}
	return encodedAnswer(page)
}

// cut returns the answers of the messages, in order, that pass q's filters, after the first q.skip of
// them and at most q.limit of them.
func (q *listQuery) cut(messages []storedMessage) []json.RawMessage {
	answers := []json.RawMessage{}
	skipped := 0
	for _, m := range messages {
		switch {
		case q.limit > 0 && len(answers) == q.limit:
			return answers
		case !q.matches(m):
		case skipped < q.skip:
			skipped++
		default:
			answers = append(answers, m.answer)
		}
	}
	return answers
}

// encodedAnswer answers 200 with v encoded, v made of stored answers.
func encodedAnswer(v any) answer {
	body, err := json.Marshal(v)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the answer: "+err.Error())
	}
	return jsonAnswer(http.StatusOK, body)
}
