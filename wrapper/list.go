package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Paging limits of Messages.List.
const (
	// DefaultPageSize is how many messages a page holds unless MessageFilter.PageSize says otherwise.
	DefaultPageSize = 100
	// MaxPageSize is the most Gleap answers with at once.
	MaxPageSize = 10000
)

// MessageFilter says which messages Messages.List and Messages.ListPage return. Its zero value asks for
// every message of the project, oldest first; each field that is set narrows it. Only the fields that
// are set are sent.
type MessageFilter struct {
	// Ticket, when set, keeps the messages of this ticket.
	Ticket string
	// Types, when set, keeps messages of these types, such as MessageTypeComment.
	Types []string
	// Bot, when set, keeps only bot messages (true) or only people's messages (false).
	Bot *bool
	// MessageRef, when set, keeps the messages with this messageRef. Gleap filters by any property of a
	// message; FindByRef and CreateOnce still check each message they get.
	MessageRef string
	// CreatedFrom, when not zero, keeps messages created at or after it.
	CreatedFrom time.Time
	// CreatedTo, when not zero, keeps messages created at or before it.
	CreatedTo time.Time
	// Sort, when set, orders the messages: "createdAt" (oldest first), "-createdAt" (newest first),
	// "-updatedAt", ...
	Sort string
	// Language, when set, has Gleap translate the messages into it, such as "es".
	Language string
	// ShowHistory includes the earlier versions of changed messages.
	ShowHistory bool
	// PageSize is how many messages one request asks for: 0 means DefaultPageSize, at most MaxPageSize.
	PageSize int
}

// MessagePage is one page of messages.
type MessagePage struct {
	// Messages are the page's messages, in the filter's order.
	Messages []Message
	// Next is the cursor of the next page, for Messages.ListPage; "" on the last page.
	Next string
}

// params turns the filter into the query of a request in cursor mode.
func (f MessageFilter) params(cursor string) (*api.ListMessagesParams, error) {
	pageSize := f.PageSize
	switch {
	case pageSize == 0:
		pageSize = DefaultPageSize
	case pageSize < 0 || pageSize > MaxPageSize:
		return nil, &ValidationError{Field: "PageSize", Problem: fmt.Sprintf("must be between 1 and %d, or 0 for %d", MaxPageSize, DefaultPageSize)}
	}
	params := &api.ListMessagesParams{Paginated: Ptr(true), Limit: &pageSize, Bot: f.Bot}
	for _, text := range []struct {
		field string
		value string
		param **string
	}{
		{"Ticket", f.Ticket, &params.Ticket}, {"MessageRef", f.MessageRef, &params.MessageRef}, {"Sort", f.Sort, &params.Sort},
		{"Language", f.Language, &params.Language}, {"cursor", cursor, &params.Before},
	} {
		if text.value == "" {
			continue
		}
		if isBlank(text.value) {
			return nil, &ValidationError{Field: text.field, Problem: "must not be blank when it is set"}
		}
		*text.param = Ptr(text.value)
	}
	if len(f.Types) > 0 {
		for i, messageType := range f.Types {
			if isBlank(messageType) || strings.Contains(messageType, ",") {
				return nil, &ValidationError{Field: fmt.Sprintf("Types[%d]", i), Problem: "must be a type name, not blank and without a comma"}
			}
		}
		params.Type = Ptr(strings.Join(f.Types, ","))
	}
	if !f.CreatedFrom.IsZero() {
		params.CreatedFrom = Ptr(f.CreatedFrom.UTC())
	}
	if !f.CreatedTo.IsZero() {
		params.CreatedTo = Ptr(f.CreatedTo.UTC())
	}
	if f.ShowHistory {
		params.ShowHistory = Ptr(true)
	}
	return params, nil
}

// messageList decodes either answer of GET /messages: a page with a cursor, or a bare array, which is
// the last page.
type messageList struct {
	page MessagePage
}

// acceptsJSON takes an object (a page) or an array (the last page).
func (*messageList) acceptsJSON(first byte) bool { return first == '{' || first == '[' }

// UnmarshalJSON decodes a page or a bare array into l.page.
func (l *messageList) UnmarshalJSON(data []byte) error {
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '[' {
		return json.Unmarshal(trimmed, &l.page.Messages)
	}
	var page api.MessagePage
	if err := json.Unmarshal(data, &page); err != nil {
		return err
	}
	l.page.Messages = page.Items
	if !page.HasMore {
		return nil
	}
	next, err := cursorOf(page.NextBefore)
	if err != nil {
		return err
	}
	l.page.Next = next
	return nil
}

// cursorOf reads a page's nextBefore, whose type Gleap does not document: a string that is not blank as
// it is, a number as its JSON text. A page that says more follow must give one.
func cursorOf(nextBefore json.RawMessage) (string, error) {
	var text string
	if json.Unmarshal(nextBefore, &text) == nil && !isBlank(text) {
		return text, nil
	}
	var number json.Number
	if json.Unmarshal(nextBefore, &number) == nil && number != "" { // null decodes to "" without an error
		return number.String(), nil
	}
	// The value is the server's and may hold anything, the key included: it is named, not quoted.
	kind := "missing"
	if trimmed := bytes.TrimSpace(nextBefore); len(trimmed) > 0 {
		kind = kindOf(trimmed[0])
	}
	if kind == "a string" {
		kind = "a blank string"
	}
	return "", fmt.Errorf("the page says more follow but its nextBefore is %s, not a cursor", kind)
}
