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

	"github.com/gleap-community/gleap-go/api"
)

// maxTicketPage is the most tickets a page holds, as Gleap allows, and the page size without a limit.
const maxTicketPage = 1000

// maxSearchHits is the most tickets a search answers with: Gleap answers about thirty, without paging.
const maxSearchHits = 30

// ticketQuery is what a GET /v3/tickets asks for.
type ticketQuery struct {
	lists       map[string]map[string]bool // type, status, priority: the values kept
	flags       map[string]bool            // archived, isSpam: the value kept
	texts       map[string]string          // processingUser, processingTeam, shareToken: the id or token kept
	number      *int                       // bugId
	ranges      map[string]*time.Time      // createdAt>, createdAt<, updatedAt>, updatedAt<
	ignoreArchv bool
	sortBy      string // createdAt (the default), updatedAt or priority
	descending  bool
	skip, limit int
}

// parseTicketQuery reads the query of a GET /v3/tickets. A query that breaks openapi.yaml is refused
// before it gets here, unless the traffic is not checked: the errors are for that case.
func parseTicketQuery(query url.Values) (ticketQuery, error) {
	q := ticketQuery{lists: map[string]map[string]bool{}, flags: map[string]bool{}, texts: map[string]string{},
		ranges: map[string]*time.Time{}, sortBy: "createdAt", limit: maxTicketPage}
	for _, name := range []string{"type", "status", "priority"} {
		if query.Has(name) {
			q.lists[name] = make(map[string]bool)
			for value := range strings.SplitSeq(query.Get(name), ",") {
				q.lists[name][strings.TrimSpace(value)] = true
			}
		}
	}
	for _, name := range []string{"archived", "isSpam", "ignoreArchived"} {
		value, err := optionalBool(query, name)
		if err != nil {
			return q, err
		}
		if value != nil {
			q.flags[name] = *value
		}
	}
	q.ignoreArchv = q.flags["ignoreArchived"]
	delete(q.flags, "ignoreArchived")
	for _, name := range []string{"processingUser", "processingTeam", "shareToken"} {
		if query.Has(name) {
			q.texts[name] = query.Get(name)
		}
	}
	if query.Has("bugId") {
		number, err := optionalInt(query, "bugId", 0)
		if err != nil {
			return q, err
		}
		q.number = &number
	}
	for _, name := range []string{"createdAt>", "createdAt<", "updatedAt>", "updatedAt<"} {
		bound, err := optionalTime(query, name)
		if err != nil {
			return q, err
		}
		q.ranges[name] = bound
	}
	sort := query.Get("sort")
	sort, q.descending = strings.CutPrefix(sort, "-")
	switch sort {
	case "", "createdAt":
	case "updatedAt", "priority":
		q.sortBy = sort
	default:
		return q, fmt.Errorf("sort %q: gleaptest sorts tickets by createdAt, updatedAt or priority, optionally preceded by -", query.Get("sort"))
	}
	var err error
	if q.skip, err = optionalInt(query, "skip", 0); err != nil {
		return q, err
	}
	if query.Has("limit") {
		if q.limit, err = optionalInt(query, "limit", 1); err != nil {
			return q, err
		}
		q.limit = min(q.limit, maxTicketPage)
	}
	return q, nil
}

// matches tells whether ticket passes q's filters.
func (q *ticketQuery) matches(ticket *api.Ticket) bool {
	values := map[string]string{"type": ticket.Type, "status": ticket.Status, "priority": string(ticket.Priority),
		"processingUser": ticket.ProcessingUser.ID, "processingTeam": ticket.ProcessingTeam.ID, "shareToken": ticket.ShareToken}
	for name, kept := range q.lists {
		if !kept[values[name]] {
			return false
		}
	}
	for name, want := range q.texts {
		if values[name] != want {
			return false
		}
	}
	spam := ticket.IsSpam != nil && *ticket.IsSpam
	if archived, ok := q.flags["archived"]; ok && ticket.Archived != archived || q.ignoreArchv && ticket.Archived {
		return false
	}
	if isSpam, ok := q.flags["isSpam"]; ok && spam != isSpam || q.number != nil && ticket.Number != *q.number {
		return false
	}
	for name, bound := range q.ranges {
		at := ticket.CreatedAt
		if strings.HasPrefix(name, "updatedAt") {
			at = ticket.UpdatedAt
		}
		if bound != nil && (strings.HasSuffix(name, ">") && at.Before(*bound) || strings.HasSuffix(name, "<") && at.After(*bound)) {
			return false
		}
	}
	return true
}

// priorityRank orders priorities from LOW to HIGH; another string comes first.
var priorityRank = map[api.TicketPriority]int{api.LOW: 1, api.MEDIUM: 2, api.HIGH: 3}

// compare orders a and b as q asks; equal ones keep the order they were created in.
func (q *ticketQuery) compare(a, b storedTicket) int {
	var c int
	switch q.sortBy {
	case "updatedAt":
		c = a.ticket.UpdatedAt.Compare(b.ticket.UpdatedAt)
	case "priority":
		c = cmp.Compare(priorityRank[a.ticket.Priority], priorityRank[b.ticket.Priority])
	default:
		c = a.ticket.CreatedAt.Compare(b.ticket.CreatedAt)
	}
	if q.descending {
		c = -c
	}
	if c == 0 {
		c = cmp.Compare(a.seq, b.seq)
	}
	return c
}

// ticketPage is the answer to listing tickets, as openapi.yaml's TicketList.
type ticketPage struct {
	Tickets    []json.RawMessage `json:"tickets"`
	Count      int               `json:"count"`
	TotalCount int               `json:"totalCount"`
}

// list answers GET /v3/tickets as Gleap does: the tickets that pass the query's filters, in its order,
// after the first skip of them and at most limit (1000 at most, and without a limit), with how many the
// page holds and how many match in all.
func (s *ticketStore) list(query url.Values) answer {
	q, err := parseTicketQuery(query)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, err.Error())
	}
	tickets := slices.DeleteFunc(s.snapshot(), func(t storedTicket) bool { return !q.matches(&t.ticket) })
	slices.SortFunc(tickets, q.compare)
	page := ticketPage{Tickets: []json.RawMessage{}, TotalCount: len(tickets)}
	for _, t := range tickets[min(q.skip, len(tickets)):] {
		if len(page.Tickets) == q.limit {
			break
		}
		page.Tickets = append(page.Tickets, t.answer)
	}
	page.Count = len(page.Tickets)
	return encodedAnswer(page)
}

// search answers GET /v3/tickets/search?searchTerm=T: as a bare array, the first 30 tickets, oldest
// first, whose title, description or form answers hold T, ignoring case.
func (s *ticketStore) search(term string) answer {
	if term == "" {
		return errorAnswer(http.StatusBadRequest, "searchTerm is required")
	}
	needle := strings.ToLower(term)
	hits := []json.RawMessage{}
	for _, t := range s.snapshot() {
		var text struct {
			Title       any `json:"title"`
			Description any `json:"description"`
			FormData    any `json:"formData"`
		}
		if json.Unmarshal(t.answer, &text) == nil && holds([]any{text.Title, text.Description, text.FormData}, needle) {
			hits = append(hits, t.answer)
		}
		if len(hits) == maxSearchHits {
			break
		}
	}
	return encodedAnswer(hits)
}

// byContact answers GET /v3/tickets/by-session-query: as a bare array, the tickets whose contact has
// the e-mail address, the user id and the phone number the query gives (those it gives), or 400 when it
// gives none.
func (s *ticketStore) byContact(email, userID, phone string) answer {
	if email == "" && userID == "" && phone == "" {
		return errorAnswer(http.StatusBadRequest, "the query names no contact: give email, userId or phone")
	}
	found := []json.RawMessage{}
	for _, t := range s.snapshot() {
		contact := t.ticket.Session.Object
		if contact == nil {
			continue
		}
		if email != "" && !strings.EqualFold(deref(contact.Email), email) || userID != "" && deref(contact.UserID) != userID ||
			phone != "" && deref(contact.Phone) != phone {
			continue
		}
		found = append(found, t.answer)
	}
	return encodedAnswer(found)
}

// count answers GET /v3/tickets/ticketscount with the number of stored tickets, a bare number.
func (s *ticketStore) count() answer {
	return jsonAnswer(http.StatusOK, []byte(strconv.Itoa(len(s.snapshot()))))
}

// deref returns what text points to, "" for nil.
func deref(text *string) string {
	if text == nil {
		return ""
	}
	return *text
}
