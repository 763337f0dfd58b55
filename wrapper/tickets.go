package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// TicketsService holds the calls of tickets. Reach it as client.Tickets. List and its filter are in
// tickets_list.go, Watch in tickets_watch.go, the safe helpers (AssignUser, SetStatus, AddTags, ...) in
// tickets_helpers.go, what each call checks before sending in tickets_check.go.
//
// Gleap's API reference: https://docs.gleap.io/api-reference (Ticket).
type TicketsService struct {
	engine *engine
	// watchPageSize is how many tickets a page of Watch asks for; 0 means DefaultTicketPageSize. Tests
	// make it small, to see pages shift under a watch without thousands of tickets.
	watchPageSize int
}

// The priorities Gleap documents for a ticket. A stored ticket may hold another string: Ticket.Priority
// is read as it was sent.
const (
	PriorityLow    TicketPriority = api.LOW
	PriorityMedium TicketPriority = api.MEDIUM
	PriorityHigh   TicketPriority = api.HIGH
)

// Status lanes every Gleap project starts with. Each project may add its own, or rename these: a status
// is any string.
const (
	TicketStatusOpen = "OPEN"
	TicketStatusDone = "DONE"
)

// Create opens a ticket without a message (POST /tickets) and returns the ticket Gleap stored. Fields of
// req left nil are not sent; req is checked first (see tickets_check.go), a problem is a
// *ValidationError and nothing is sent. Like Messages.Create, the call is retried only when the ticket
// provably was not created: any other failure wraps ErrOutcomeUnknown, as the ticket may exist. Compose
// opens a ticket with its first message.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/create-a-new-ticket
func (t *TicketsService) Create(ctx context.Context, req CreateTicketRequest, opts ...Option) (*Ticket, error) {
	return call[Ticket](ctx, t.engine, opts, func() (endpoint, error) {
		encoded, err := encodeTicketInput(req)
		return newEndpoint("create ticket", http.MethodPost, "/tickets", func(server string) (*http.Request, error) {
			return api.NewCreateTicketRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Compose opens a ticket with its first message (POST /tickets/compose), for the contact req names by
// Session (an id) or Email, and returns the stored ticket. Type and Title are required; the message is
// plain text. Retried as Create is: never after the request may have reached Gleap.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/create-a-new-ticket-with-an-optional-initial-message
func (t *TicketsService) Compose(ctx context.Context, req ComposeTicketRequest, opts ...Option) (*Ticket, error) {
	return call[Ticket](ctx, t.engine, opts, func() (endpoint, error) {
		encoded, err := encodeCompose(req)
		return newEndpoint("compose ticket", http.MethodPost, "/tickets/compose", func(server string) (*http.Request, error) {
			return api.NewComposeTicketRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Get returns the ticket ticketID as it is now (GET /tickets/{ticketId}). A ticket named by its number or
// share token is found with Resolve.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/get-a-ticket
func (t *TicketsService) Get(ctx context.Context, ticketID string, opts ...Option) (*Ticket, error) {
	return call[Ticket](ctx, t.engine, opts, func() (endpoint, error) {
		return newEndpoint("get ticket", http.MethodGet, "/tickets/{ticketId}", func(server string) (*http.Request, error) {
			return api.NewGetTicketRequest(server, ticketID)
		}), checkID("ticketID", ticketID)
	})
}

// Update changes the ticket ticketID (PUT /tickets/{ticketId}) and returns it as it is now. Only the
// fields of req that are set are sent, and only they change; Tags, when set, replace every tag, which
// drops the tags another writer added since you read them: AddTags and RemoveTags change only the tags
// they name. The call is idempotent and retried after any failure the RetryPolicy allows.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/update-a-ticket
func (t *TicketsService) Update(ctx context.Context, ticketID string, req UpdateTicketRequest, opts ...Option) (*Ticket, error) {
	return call[Ticket](ctx, t.engine, opts, func() (endpoint, error) {
		if err := checkID("ticketID", ticketID); err != nil {
			return endpoint{}, err
		}
		encoded, err := encodeTicketInput(req)
		return newEndpoint("update ticket", http.MethodPut, "/tickets/{ticketId}", func(server string) (*http.Request, error) {
			return api.NewUpdateTicketRequestWithBody(server, ticketID, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Delete removes the ticket ticketID and its messages (DELETE /tickets/{ticketId}). It is retried like
// Update; a 404 to a retry after an attempt whose outcome was unknown means that attempt deleted it, and
// Delete returns nil.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/delete-a-ticket
func (t *TicketsService) Delete(ctx context.Context, ticketID string, opts ...Option) error {
	return goneAfterUnknownOutcome(t.engine.do(ctx, opts, func() (endpoint, error) {
		return newEndpoint("delete ticket", http.MethodDelete, "/tickets/{ticketId}", func(server string) (*http.Request, error) {
			return api.NewDeleteTicketRequest(server, ticketID)
		}), checkID("ticketID", ticketID)
	}, nil))
}

// Archive moves the ticket ticketID to the archive (PUT /tickets/{ticketId}/archive). Gleap's answer is
// not documented, so it is not read: WithResponseInto keeps it, and Get shows the ticket as it is now.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/archive-a-ticket
func (t *TicketsService) Archive(ctx context.Context, ticketID string, opts ...Option) error {
	return t.change(ctx, "archive ticket", "/tickets/{ticketId}/archive", ticketID, opts, api.NewArchiveTicketRequest)
}

// Unarchive takes the ticket ticketID out of the archive (PUT /tickets/{ticketId}/unarchive).
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/unarchive-a-ticket
func (t *TicketsService) Unarchive(ctx context.Context, ticketID string, opts ...Option) error {
	return t.change(ctx, "unarchive ticket", "/tickets/{ticketId}/unarchive", ticketID, opts, api.NewUnarchiveTicketRequest)
}

// Snooze puts the ticket ticketID aside for duration (PUT /tickets/{ticketId}/snooze), at least a
// second. Gleap's document does not say the unit of its duration; the client sends whole seconds, the
// unit of Gleap's other durations. Snoozing again sets a new time, so the call is retried like Update.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/snooze-a-ticket
func (t *TicketsService) Snooze(ctx context.Context, ticketID string, duration time.Duration, opts ...Option) error {
	return t.engine.do(ctx, opts, func() (endpoint, error) {
		err := checkID("ticketID", ticketID)
		if err == nil && duration < time.Second {
			err = &ValidationError{Field: "duration", Problem: "must be at least a second"}
		}
		body := api.SnoozeTicketRequest{Duration: duration.Truncate(time.Second).Seconds()}
		return newEndpoint("snooze ticket", http.MethodPut, "/tickets/{ticketId}/snooze", func(server string) (*http.Request, error) {
			return api.NewSnoozeTicketRequest(server, ticketID, body)
		}), err
	}, nil)
}

// Link links the ticket ticketID to the ticket targetID (PUT /tickets/{ticketId}/link).
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/link-a-ticket
func (t *TicketsService) Link(ctx context.Context, ticketID, targetID string, opts ...Option) error {
	return t.link(ctx, "link ticket", "/tickets/{ticketId}/link", ticketID, targetID, opts, api.NewLinkTicketRequest)
}

// Unlink removes the link between the tickets ticketID and targetID (PUT /tickets/{ticketId}/unlink).
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/unlink-a-ticket
func (t *TicketsService) Unlink(ctx context.Context, ticketID, targetID string, opts ...Option) error {
	return t.link(ctx, "unlink ticket", "/tickets/{ticketId}/unlink", ticketID, targetID, opts, api.NewUnlinkTicketRequest)
}

// Search finds the tickets matching term (GET /tickets/search): Gleap answers with about thirty at most,
// without paging. Gleap does not document the answer; the tickets are read from a bare array, or from an
// object holding them under "tickets" or "hits".
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/search-for-tickets
func (t *TicketsService) Search(ctx context.Context, term string, opts ...Option) ([]Ticket, error) {
	found, err := call[ticketMatches](ctx, t.engine, opts, func() (endpoint, error) {
		var err error
		if isBlank(term) {
			err = &ValidationError{Field: "term", Problem: "must not be blank"}
		}
		return newEndpoint("search tickets", http.MethodGet, "/tickets/search", func(server string) (*http.Request, error) {
			return api.NewSearchTicketsRequest(server, &api.SearchTicketsParams{SearchTerm: term})
		}), err
	})
	if err != nil {
		return nil, err
	}
	return found.tickets, nil
}

// ContactQuery names a contact by what an integration knows of them: at least one field must be set.
type ContactQuery struct {
	// Email is the contact's e-mail address.
	Email string
	// UserID is the contact's user id in your own system, as given to Gleap's identify.
	UserID string
	// Phone is the contact's phone number.
	Phone string
}

// FindByContact returns the tickets of the contact query names (GET /tickets/by-session-query), read as
// Search reads its answer.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/find-tickets-by-session-query
func (t *TicketsService) FindByContact(ctx context.Context, query ContactQuery, opts ...Option) ([]Ticket, error) {
	found, err := call[ticketMatches](ctx, t.engine, opts, func() (endpoint, error) {
		params, err := query.params()
		return newEndpoint("find tickets by contact", http.MethodGet, "/tickets/by-session-query", func(server string) (*http.Request, error) {
			return api.NewFindTicketsByContactRequest(server, params)
		}), err
	})
	if err != nil {
		return nil, err
	}
	return found.tickets, nil
}

// Count returns how many tickets the project has (GET /tickets/ticketscount). For the number of tickets a
// filter keeps, ListPage's TotalCount says it.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/ticket/get-ticket-count
func (t *TicketsService) Count(ctx context.Context, opts ...Option) (int, error) {
	counted, err := call[ticketCount](ctx, t.engine, opts, func() (endpoint, error) {
		return newEndpoint("count tickets", http.MethodGet, "/tickets/ticketscount", api.NewCountTicketsRequest), nil
	})
	if err != nil {
		return 0, err
	}
	return counted.count, nil
}

// change makes a bodiless change to the ticket ticketID with newRequest, and reads no answer.
func (t *TicketsService) change(ctx context.Context, op, path, ticketID string, opts []Option,
	newRequest func(server string, ticketID string) (*http.Request, error)) error {
	return t.engine.do(ctx, opts, func() (endpoint, error) {
		return newEndpoint(op, http.MethodPut, path, func(server string) (*http.Request, error) {
			return newRequest(server, ticketID)
		}), checkID("ticketID", ticketID)
	}, nil)
}

// link links or unlinks the tickets ticketID and targetID with newRequest, and reads no answer.
func (t *TicketsService) link(ctx context.Context, op, path, ticketID, targetID string, opts []Option,
	newRequest func(server string, ticketID string, body api.LinkTicketRequest) (*http.Request, error)) error {
	return t.engine.do(ctx, opts, func() (endpoint, error) {
		err := checkID("ticketID", ticketID)
		if err == nil {
			err = checkID("targetID", targetID)
		}
		if err == nil && targetID == ticketID {
			err = &ValidationError{Field: "targetID", Problem: "is the ticket itself"}
		}
		return newEndpoint(op, http.MethodPut, path, func(server string) (*http.Request, error) {
			return newRequest(server, ticketID, api.LinkTicketRequest{TargetTicketID: targetID})
		}), err
	}, nil)
}

// params checks the query and turns it into the request's.
func (q ContactQuery) params() (*api.FindTicketsByContactParams, error) {
	params := &api.FindTicketsByContactParams{}
	for _, field := range []struct {
		name  string
		value string
		param **string
	}{{"Email", q.Email, &params.Email}, {"UserID", q.UserID, &params.UserID}, {"Phone", q.Phone, &params.Phone}} {
		if field.value == "" {
			continue
		}
		if err := checkText(field.name, field.value); err != nil {
			return nil, err
		}
		*field.param = Ptr(field.value)
	}
	if *params == (api.FindTicketsByContactParams{}) {
		return nil, &ValidationError{Field: "query", Problem: "names no contact: set Email, UserID or Phone"}
	}
	return params, nil
}

// ticketCount decodes the answer to counting tickets, which Gleap does not document: a bare number, or
// an object with a count.
type ticketCount struct {
	count int
}

// acceptsJSON takes a number or an object.
func (*ticketCount) acceptsJSON(first byte) bool { return first == '{' || first >= '0' && first <= '9' }

// UnmarshalJSON reads a number, or an object's "count".
func (c *ticketCount) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] != '{' {
		return json.Unmarshal(trimmed, &c.count)
	}
	var object struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal(data, &object); err != nil {
		return err
	}
	if object.Count == nil {
		return fmt.Errorf("the answer holds no count")
	}
	c.count = *object.Count
	return nil
}
