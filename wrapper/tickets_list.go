package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Paging limits of Tickets.List.
const (
	// DefaultTicketPageSize is how many tickets a page holds unless TicketFilter.PageSize says otherwise.
	DefaultTicketPageSize = 100
	// MaxTicketPageSize is the most tickets Gleap answers with at once.
	MaxTicketPageSize = 1000
)

// TicketFilter says which tickets Tickets.List and Tickets.ListPage return. Its zero value asks for every
// ticket of the project in Gleap's default order; each field that is set narrows it, and only the fields
// that are set are sent.
type TicketFilter struct {
	// Types, when set, keeps tickets of these types, such as "BUG" and "FEATURE_REQUEST".
	Types []string
	// Statuses, when set, keeps tickets in these status lanes, such as TicketStatusOpen.
	Statuses []string
	// Priorities, when set, keeps tickets of these priorities.
	Priorities []TicketPriority
	// Archived, when set, keeps only archived tickets (true) or only the others (false).
	Archived *bool
	// IgnoreArchived leaves the archived tickets out.
	IgnoreArchived bool
	// Spam, when set, keeps only tickets marked as spam (true) or only the others (false).
	Spam *bool
	// Assignee, when set, keeps the tickets assigned to this team member (an id).
	Assignee string
	// Team, when set, keeps the tickets assigned to this team (an id).
	Team string
	// CreatedFrom and CreatedTo, when not zero, keep tickets created at or after, and at or before, them.
	CreatedFrom, CreatedTo time.Time
	// UpdatedFrom and UpdatedTo, when not zero, keep tickets changed at or after, and at or before, them.
	UpdatedFrom, UpdatedTo time.Time
	// Sort, when set, orders the tickets: "createdAt" (oldest first), "-createdAt" (newest first),
	// "priority", "-priority", "-updatedAt", "updatedAt".
	Sort string
	// PageSize is how many tickets one request asks for: 0 means DefaultTicketPageSize, at most
	// MaxTicketPageSize.
	PageSize int

	// number and shareToken find one ticket (Resolve).
	number     *int
	shareToken string
}

// TicketPage is one page of tickets.
type TicketPage struct {
	// Tickets are the page's tickets, in the filter's order.
	Tickets []Ticket
	// Count is how many tickets the page holds, as the server said (len(Tickets) when it did not).
	Count int
	// TotalCount is how many tickets the filter keeps on every page together, or -1 when the server did
	// not say.
	TotalCount int

	// raw holds each ticket as the server sent it, for Watch.
	raw []json.RawMessage
}

// List returns every ticket that filter keeps, page by page (GET /tickets with skip and limit): the next
// page is asked for only when the loop reaches it, and breaking out of the loop asks for no more. A
// failure is yielded once, as the last item, with a nil ticket: a *ValidationError for a bad filter, else
// a *RequestError. Listing changes nothing, so requests are retried after 5xx answers and timeouts too.
//
// Gleap pages tickets by skipping: a ticket that is created, changed or deleted while the loop runs
// shifts the ones after it, so the loop may then skip or repeat a ticket. To stay in step with the
// tickets that change, use Watch, which never does.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/get-all-tickets
func (t *TicketsService) List(ctx context.Context, filter TicketFilter, opts ...Option) iter.Seq2[*Ticket, error] {
	return skipPages("list tickets", t.engine.redact, filter.pageSize(), func(skip int) ([]Ticket, int, error) {
		page, err := t.ListPage(ctx, filter, skip, opts...)
		if err != nil {
			return nil, 0, err
		}
		return page.Tickets, page.TotalCount, nil
	})
}

// ListPage returns one page of the tickets filter keeps, after the first skip of them, for callers who
// page themselves or want the TotalCount.
func (t *TicketsService) ListPage(ctx context.Context, filter TicketFilter, skip int, opts ...Option) (*TicketPage, error) {
	list, err := call[ticketList](ctx, t.engine, opts, func() (endpoint, error) {
		params, err := filter.params(skip)
		return newEndpoint("list tickets", http.MethodGet, "/tickets", func(server string) (*http.Request, error) {
			return api.NewListTicketsRequest(server, params)
		}), err
	})
	if err != nil {
		return nil, err
	}
	return &list.page, nil
}

// pageSize is the filter's page size, DefaultTicketPageSize for 0.
func (f TicketFilter) pageSize() int {
	if f.PageSize == 0 {
		return DefaultTicketPageSize
	}
	return f.PageSize
}

// params checks the filter and turns it into the query of the page after skip tickets.
func (f TicketFilter) params(skip int) (*api.ListTicketsParams, error) {
	limit, skipped, err := skipPage(f.PageSize, DefaultTicketPageSize, MaxTicketPageSize, skip)
	if err != nil {
		return nil, err
	}
	params := &api.ListTicketsParams{Limit: &limit, Skip: skipped, Archived: f.Archived, Spam: f.Spam, BugID: f.number}
	if f.IgnoreArchived {
		params.IgnoreArchived = Ptr(true)
	}
	for _, text := range []struct {
		field string
		value string
		param **string
	}{
		{"Assignee", f.Assignee, &params.ProcessingUser}, {"Team", f.Team, &params.ProcessingTeam},
		{"Sort", f.Sort, &params.Sort}, {"shareToken", f.shareToken, &params.ShareToken},
	} {
		if text.value == "" {
			continue
		}
		if err := checkText(text.field, text.value); err != nil {
			return nil, err
		}
		*text.param = Ptr(text.value)
	}
	priorities := make([]string, len(f.Priorities))
	for i, priority := range f.Priorities {
		if !priority.Valid() {
			return nil, &ValidationError{Field: fmt.Sprintf("Priorities[%d]", i), Problem: "must be PriorityLow, PriorityMedium or PriorityHigh"}
		}
		priorities[i] = string(priority)
	}
	for _, list := range []struct {
		field  string
		values []string
		param  **string
	}{{"Types", f.Types, &params.Type}, {"Statuses", f.Statuses, &params.Status}, {"Priorities", priorities, &params.Priority}} {
		joined, err := joinNames(list.field, list.values)
		if err != nil {
			return nil, err
		}
		*list.param = joined
	}
	for _, bound := range []struct {
		value time.Time
		param **time.Time
	}{
		{f.CreatedFrom, &params.CreatedFrom}, {f.CreatedTo, &params.CreatedTo},
		{f.UpdatedFrom, &params.UpdatedFrom}, {f.UpdatedTo, &params.UpdatedTo},
	} {
		if !bound.value.IsZero() {
			*bound.param = Ptr(bound.value.UTC())
		}
	}
	return params, nil
}

// joinNames joins names for a query parameter that takes a comma-separated list (nil for none), each
// name checked: not blank, without a comma, valid UTF-8.
func joinNames(field string, names []string) (*string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	for i, name := range names {
		if isBlank(name) || strings.Contains(name, ",") {
			return nil, &ValidationError{Field: fmt.Sprintf("%s[%d]", field, i), Problem: "must be a name, not blank and without a comma"}
		}
		if err := checkText(fmt.Sprintf("%s[%d]", field, i), name); err != nil {
			return nil, err
		}
	}
	return Ptr(strings.Join(names, ",")), nil
}

// ticketList decodes the answer to GET /tickets: {tickets, count, totalCount}, or a bare array of
// tickets, which is read as the whole listing.
type ticketList struct {
	page TicketPage
}

// acceptsJSON takes an object (a page) or an array.
func (*ticketList) acceptsJSON(first byte) bool { return first == '{' || first == '[' }

// UnmarshalJSON decodes a page or a bare array into l.page, keeping each ticket as it was sent.
func (l *ticketList) UnmarshalJSON(data []byte) error {
	var answer struct {
		Tickets    *[]json.RawMessage `json:"tickets"`
		Count      *int               `json:"count"`
		TotalCount *int               `json:"totalCount"`
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		answer.Tickets = new([]json.RawMessage)
		if err := json.Unmarshal(trimmed, answer.Tickets); err != nil {
			return err
		}
		answer.TotalCount = Ptr(len(*answer.Tickets))
	} else if err := json.Unmarshal(data, &answer); err != nil {
		return err
	}
	if answer.Tickets == nil {
		return errors.New("the answer holds no tickets")
	}
	tickets, err := decodeTickets(*answer.Tickets)
	if err != nil {
		return err
	}
	l.page = TicketPage{Tickets: tickets, Count: len(tickets), TotalCount: -1, raw: *answer.Tickets}
	if answer.Count != nil {
		l.page.Count = *answer.Count
	}
	if answer.TotalCount != nil {
		l.page.TotalCount = *answer.TotalCount
	}
	return nil
}

// ticketMatches decodes the answer to a search or to finding a contact's tickets, which Gleap does not
// document: a bare array of tickets, or an object holding them under "tickets" or "hits".
type ticketMatches struct {
	tickets []Ticket
}

// acceptsJSON takes an array or an object.
func (*ticketMatches) acceptsJSON(first byte) bool { return first == '{' || first == '[' }

// UnmarshalJSON reads the tickets of any of the three shapes.
func (m *ticketMatches) UnmarshalJSON(data []byte) error {
	var raw []json.RawMessage
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return err
		}
	} else {
		var object struct {
			Tickets *[]json.RawMessage `json:"tickets"`
			Hits    *[]json.RawMessage `json:"hits"`
		}
		if err := json.Unmarshal(data, &object); err != nil {
			return err
		}
		switch {
		case object.Tickets != nil:
			raw = *object.Tickets
		case object.Hits != nil:
			raw = *object.Hits
		default:
			return errors.New("the answer holds no tickets")
		}
	}
	tickets, err := decodeTickets(raw)
	m.tickets = tickets
	return err
}

// decodeTickets decodes each of raw into a Ticket; each must be a JSON object.
func decodeTickets(raw []json.RawMessage) ([]Ticket, error) {
	tickets := make([]Ticket, len(raw))
	for i, ticket := range raw {
		if trimmed := bytes.TrimSpace(ticket); len(trimmed) == 0 || trimmed[0] != '{' {
			kind := "missing"
			if len(trimmed) > 0 {
				kind = kindOf(trimmed[0])
			}
			return nil, fmt.Errorf("ticket %d of the answer is %s, not an object", i, kind)
		}
		if err := json.Unmarshal(ticket, &tickets[i]); err != nil {
			return nil, fmt.Errorf("ticket %d of the answer: %w", i, err)
		}
	}
	return tickets, nil
}
