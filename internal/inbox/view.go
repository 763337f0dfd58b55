package inbox

import (
	"bytes"
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// inboxView is what the page shows: the server's state, filtered, as the templates read it.
type inboxView struct {
	Version      uint64 // the number of changes it reflects: the page's script compares it with the events'
	APIURL       string
	Filter       inboxFilter
	Tickets      []*ticketView // every ticket, newest activity first: the sidebar
	TicketsCut   int           // tickets left out of Tickets
	Shown        []*ticketView // the tickets the filter selects, with their messages
	MessageCount int
	Rejected     []rejectedView // newest first
	RejectedCut  int            // rejected requests left out
	Webhooks     []webhookView  // newest first; only on the page of every ticket
	WebhooksCut  int            // deliveries left out
}

// inboxFilter is the ticket the page is narrowed to, from its query: ?ticket=ID, or ?ticketless=1 for
// the messages without a ticket; with either, &before=MESSAGE_ID pages back through the conversation.
type inboxFilter struct {
	Active     bool
	Ticket     string
	Ticketless bool
	Before     string // show the messages before this one rather than the newest
}

// matches reports whether a message or request of ticket (nil: none) passes the filter.
func (f inboxFilter) matches(ticket *string) bool {
	switch {
	case !f.Active:
		return true
	case f.Ticketless:
		return ticket == nil
	default:
		return ticket != nil && *ticket == f.Ticket
	}
}

// ticketView is one ticket and its conversation.
type ticketView struct {
	Label      string // the ticket id, or "No ticket"
	Ticketless bool
	Ticket     *ticketFields // what the server stores of the ticket; nil when it stores none
	Href       string        // the page filtered to this ticket
	Selected   bool
	Count      int
	Notes      int
	Bots       int
	LastLabel  string
	Messages   []messageView // oldest first: a conversation reads down
	Cut        int           // older messages left out
	OlderHref  string        // the page of the messages before the oldest shown, when Cut is not 0
	Newer      int           // newer messages left out: the page shows the messages before Filter.Before
	BeforeGone bool          // Filter.Before names no message of the ticket, so the newest are shown

	last      time.Time
	lastIndex int // the position in the snapshot of its message changed last: it breaks ties between equal times
	stored    []gleaptest.StoredMessage
}

// messageView is one message, ready to show.
type messageView struct {
	ID          string
	Kind        string // "reply", "note" or "bot": the class the page styles it by
	KindLabel   string
	Type        string // the message's type when it is not COMMENT
	Author      string
	AuthorID    string // the user or contact id, or an email
	Initial     string
	Time        string
	TimeISO     string
	Edited      string // when it was changed since it was created, or ""
	Index       string
	MessageRef  string
	Subject     string
	Attachments []attachmentView
	Body        template.HTML
	Raw         string
}

// attachmentView is an attachment: a link when its URL is http or https, else its URL as text.
type attachmentView struct {
	Name, Type, URL, RefusedURL string
}

// rejectedView is a request the server refused because it broke the contract (or its size cap).
type rejectedView struct {
	Number uint64
	Time   string
	Method string
	Path   string
	Status int
	Reason string // the reason's first line
	More   string // the rest of it, such as the schema and the value that broke it
	Body   string
}

// webhookView is a webhook the server posted (gleap mock --webhook): its record, ready to show.
type webhookView struct {
	Seq                             uint64
	Event, ObjectID, State, Failure string
	Attempts                        []webhookAttemptView
}

// webhookAttemptView is one try of a webhook.
type webhookAttemptView struct {
	Time   string
	Status int
	Error  string
}

// storedFields are the fields of a stored message that the inbox shows. The store built the message
// from openapi.yaml's types, so they decode; the raw JSON is shown whatever happens.
type storedFields struct {
	Comment    json.RawMessage `json:"comment"`
	IsNote     bool            `json:"isNote"`
	Bot        bool            `json:"bot"`
	Type       string          `json:"type"`
	MessageRef string          `json:"messageRef"`
	Subject    string          `json:"outboundSubject"`
	Index      *int            `json:"index"`
	User       *struct {
		ID any `json:"_id"`
	} `json:"user"`
	Session *struct {
		ID any `json:"_id"`
	} `json:"session"`
	FallbackUser *struct {
		Username string `json:"username"`
		Email    string `json:"email"`
	} `json:"fallbackUser"`
	Attachments []struct {
		Name string `json:"name"`
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"attachments"`
}

// view builds what the page shows for r, whose query holds the filter.
func (h *Inbox) view(r *http.Request) inboxView {
	snapshot := h.server.Snapshot()
	query := r.URL.Query()
	view := inboxView{Version: snapshot.Version, APIURL: h.server.URL}
	switch {
	case query.Get("ticketless") != "":
		view.Filter = inboxFilter{Active: true, Ticketless: true, Before: query.Get("before")}
	case query.Get("ticket") != "":
		view.Filter = inboxFilter{Active: true, Ticket: query.Get("ticket"), Before: query.Get("before")}
	}

	view.MessageCount = len(snapshot.Messages)
	view.Tickets = groupTickets(snapshot.Messages, snapshot.Tickets, indexContacts(snapshot.Contacts), view.Filter)
	for _, ticket := range view.Tickets {
		if ticket.Selected || !view.Filter.Active {
			view.Shown = append(view.Shown, ticket)
		}
	}
	if len(view.Tickets) > maxTickets {
		view.TicketsCut = len(view.Tickets) - maxTickets
		view.Tickets = view.Tickets[:maxTickets]
	}
	if len(view.Shown) > maxTickets {
		view.Shown = view.Shown[:maxTickets]
	}
	for _, ticket := range view.Shown {
		ticket.page(view.Filter.Before)
	}
	view.Rejected, view.RejectedCut = rejected(snapshot.Requests, view.Filter)
	if !view.Filter.Active {
		view.Webhooks, view.WebhooksCut = webhooks(snapshot.Webhooks)
	}
	return view
}

// page fills the ticket's Messages with a page of its conversation: the maxTicketMessages messages
// before the message before, or the newest when before is "" or names none of its messages. A page is
// named by a message rather than by a number so that it stays the same page while messages are posted.
func (ticket *ticketView) page(before string) {
	end := len(ticket.stored)
	if before != "" {
		if i := slices.IndexFunc(ticket.stored, func(m gleaptest.StoredMessage) bool { return m.ID == before }); i >= 0 {
			end = i
		} else {
			ticket.BeforeGone = true
		}
	}
	start := max(0, end-maxTicketMessages)
	ticket.Cut, ticket.Newer = start, len(ticket.stored)-end
	if start > 0 {
		ticket.OlderHref = ticket.Href + "&" + url.Values{"before": {ticket.stored[start].ID}}.Encode()
	}
	shown := ticket.stored[start:end]
	ticket.Messages = make([]messageView, len(shown))
	for i, message := range shown {
		ticket.Messages[i] = viewMessage(message)
	}
}

// ticketFields is what the inbox shows of a stored ticket beside its conversation.
type ticketFields struct {
	Title, Type, Status, Priority string
	Tags                          []string
	Assignee                      string // the team member or team it is assigned to; "" when none
	Contact                       string // the contact it is for; "" when none
}

// fieldsOf returns what the inbox shows of ticket, whose contact it looks up in contacts.
func fieldsOf(ticket api.Ticket, contacts contactIndex) *ticketFields {
	fields := &ticketFields{Title: ticket.Title, Type: ticket.Type, Status: ticket.Status,
		Priority: string(ticket.Priority), Tags: ticket.Tags, Contact: contacts.describe(ticket.Session)}
	user, team := ticket.ProcessingUser, ticket.ProcessingTeam
	switch {
	case user.Object != nil && user.Object.Email != nil:
		fields.Assignee = *user.Object.Email
	case user.ID != "":
		fields.Assignee = user.ID
	case team.Object != nil && team.Object.Name != nil:
		fields.Assignee = "team " + *team.Object.Name
	case team.ID != "":
		fields.Assignee = "team " + team.ID
	}
	return fields
}

// groupTickets groups messages, oldest first, by ticket, beside the stored tickets, and orders the
// tickets newest activity first: the latest creation or change of the ticket or of one of its messages.
func groupTickets(messages []gleaptest.StoredMessage, stored []api.Ticket, contacts contactIndex, filter inboxFilter) []*ticketView {
	byID := map[string]*ticketView{}
	var ticketless *ticketView // the messages without a ticket, whose id no ticket has, not even ""
	var tickets []*ticketView
	for _, t := range stored {
		id := cmp.Or(t.ID, t.DocumentID)
		if id == "" || byID[id] != nil {
			continue
		}
		ticket := &ticketView{Label: id, Href: "?" + url.Values{"ticket": {id}}.Encode(), Ticket: fieldsOf(t, contacts),
			last: later(t.CreatedAt, t.UpdatedAt), lastIndex: -1}
		ticket.Selected = filter.Active && filter.matches(&id)
		byID[id] = ticket
		tickets = append(tickets, ticket)
	}
	for i, message := range messages {
		ticket := ticketless
		if message.Ticket != nil {
			ticket = byID[*message.Ticket]
		}
		if ticket == nil {
			ticket = &ticketView{}
			switch {
			case message.Ticket == nil:
				ticket.Label, ticket.Ticketless, ticket.Href = "No ticket", true, "?ticketless=1"
				ticketless = ticket
			default:
				ticket.Label, ticket.Href = *message.Ticket, "?"+url.Values{"ticket": {*message.Ticket}}.Encode()
				byID[*message.Ticket] = ticket
			}
			ticket.Selected = filter.Active && filter.matches(message.Ticket)
			tickets = append(tickets, ticket)
		}
		ticket.stored = append(ticket.stored, message)
		ticket.Count++
		var fields struct{ IsNote, Bot bool } // only these, for every message: the rest for the shown ones
		_ = json.Unmarshal(message.JSON, &fields)
		if fields.IsNote {
			ticket.Notes++
		} else if fields.Bot {
			ticket.Bots++
		}
		if activity := later(message.CreatedAt, message.UpdatedAt); !activity.Before(ticket.last) {
			ticket.last, ticket.lastIndex = activity, i
		}
	}
	slices.SortStableFunc(tickets, func(a, b *ticketView) int {
		if c := b.last.Compare(a.last); c != 0 {
			return c
		}
		return cmp.Compare(b.lastIndex, a.lastIndex)
	})
	for _, ticket := range tickets {
		ticket.LastLabel = formatTime(ticket.last)
	}
	return tickets
}

// decodeStoredFields decodes what the inbox shows of a stored message, as much as decodes.
func decodeStoredFields(answer []byte) storedFields {
	var fields storedFields
	_ = json.Unmarshal(answer, &fields)
	return fields
}

// viewMessage makes message ready to show.
func viewMessage(message gleaptest.StoredMessage) messageView {
	fields := decodeStoredFields(message.JSON)
	view := messageView{
		ID:         message.ID,
		Kind:       "reply",
		KindLabel:  "Reply",
		Time:       formatTime(message.CreatedAt),
		TimeISO:    message.CreatedAt.Format(time.RFC3339Nano),
		MessageRef: fields.MessageRef,
		Subject:    fields.Subject,
		Body:       renderComment(fields.Comment),
		Raw:        indentJSON(message.JSON),
	}
	switch {
	case fields.IsNote:
		view.Kind, view.KindLabel = "note", "Internal note"
	case fields.Bot:
		view.Kind, view.KindLabel = "bot", "Bot"
	}
	if fields.Type != "" && fields.Type != "COMMENT" {
		view.Type = fields.Type
	}
	if !message.UpdatedAt.Equal(message.CreatedAt) {
		view.Edited = formatTime(message.UpdatedAt)
	}
	if fields.Index != nil {
		view.Index = strconv.Itoa(*fields.Index)
	}
	view.Author, view.AuthorID = author(fields)
	first, _ := utf8.DecodeRuneInString(view.Author)
	view.Initial = string(unicode.ToUpper(first))
	for _, attachment := range fields.Attachments {
		a := attachmentView{Name: truncate(attachment.Name, maxAttrBytes), Type: truncate(attachment.Type, maxAttrBytes)}
		if a.Name == "" {
			a.Name = "attachment"
		}
		if safe, ok := tiptap.SafeLinkURL(attachment.URL); ok && !strings.HasPrefix(safe, "mailto:") {
			a.URL = safe
		} else {
			a.RefusedURL = truncate(attachment.URL, maxAttrBytes)
		}
		view.Attachments = append(view.Attachments, a)
	}
	return view
}

// author names who a message is from, as Gleap would show it, and the id or address behind the name.
func author(fields storedFields) (name, id string) {
	idOf := func(v any) string {
		if s, ok := v.(string); ok {
			return truncate(s, maxAttrBytes)
		}
		return ""
	}
	switch {
	case fields.FallbackUser != nil && fields.FallbackUser.Username != "":
		return truncate(fields.FallbackUser.Username, maxAttrBytes), truncate(fields.FallbackUser.Email, maxAttrBytes)
	case fields.FallbackUser != nil && fields.FallbackUser.Email != "":
		return truncate(fields.FallbackUser.Email, maxAttrBytes), ""
	case fields.User != nil:
		return "Team member", idOf(fields.User.ID)
	case fields.Bot:
		return "Bot", ""
	case fields.Session != nil:
		return "Contact", idOf(fields.Session.ID)
	}
	return "API", ""
}

// rejected returns the requests of records, oldest first, that the contract rejected (and the ones over
// the size cap), newest first, that pass filter, at most maxRejected of them, and how many more
// there are.
func rejected(records []gleaptest.Request, filter inboxFilter) ([]rejectedView, int) {
	var views []rejectedView
	cut := 0
	for _, record := range slices.Backward(records) {
		reason := ""
		switch {
		case record.Violation != nil:
			reason = record.Violation.Error()
		case record.Status == http.StatusRequestEntityTooLarge:
			reason = tooLargeReason
		default:
			continue
		}
		if !filter.matches(requestTicket(record)) {
			continue
		}
		if len(views) == maxRejected {
			cut++
			continue
		}
		first, more, _ := strings.Cut(strings.TrimSpace(reason), "\n")
		views = append(views, rejectedView{
			Number: record.Number, Time: formatTime(record.Received), Method: record.Method, Path: record.Path,
			Status: record.Status, Reason: first, More: strings.TrimSpace(more), Body: indentJSON(record.Body),
		})
	}
	return views, cut
}

// webhooks returns, newest first, the newest maxWebhooks of deliveries (which come oldest first), and
// how many more there are. Their texts are gleaptest's own, but an object id comes from what a client sent: the page
// escapes them all.
func webhooks(deliveries []gleaptest.WebhookDelivery) ([]webhookView, int) {
	cut := max(0, len(deliveries)-maxWebhooks)
	var views []webhookView
	for _, d := range slices.Backward(deliveries[cut:]) {
		view := webhookView{Seq: d.Seq, Event: d.Event, ObjectID: d.ObjectID, State: string(d.State), Failure: d.Failure}
		for _, attempt := range d.Attempts {
			view.Attempts = append(view.Attempts, webhookAttemptView{Time: formatTime(attempt.At), Status: attempt.Status, Error: attempt.Error})
		}
		views = append(views, view)
	}
	return views, cut
}

// tooLargeReason is why a request answered 413 was refused: its body was over the server's size cap, so
// it was neither read whole nor checked.
const tooLargeReason = "the request body is larger than the server accepts: it was refused without being read to its end"

// requestTicket returns the ticket a request is about: the ticket of its JSON body, or its ticket
// query parameter; nil when it names none.
func requestTicket(record gleaptest.Request) *string {
	var body struct {
		Ticket *string `json:"ticket"`
	}
	if json.Unmarshal(record.Body, &body) == nil && body.Ticket != nil {
		return body.Ticket
	}
	if ticket := record.Query.Get("ticket"); ticket != "" {
		return &ticket
	}
	return nil
}

// indentJSON returns body indented when it is JSON, else as text; at most maxRawBytes of it.
func indentJSON(body []byte) string {
	var indented bytes.Buffer
	if len(body) <= maxRawBytes && json.Indent(&indented, body, "", "  ") == nil {
		return indented.String()
	}
	return truncate(strings.ToValidUTF8(string(body), "\uFFFD"), maxRawBytes)
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// formatTime shows t as the page does: to the second, in UTC, as the server stores it.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Jan 2, 15:04:05") + " UTC"
}
