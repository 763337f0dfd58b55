package gleaptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// DefaultMaxTickets is how many tickets a server keeps: each one past it evicts the oldest, as
// DefaultMaxMessages bounds the messages.
const DefaultMaxTickets = 10_000

// ticketsPath is the tickets endpoint: POST creates a ticket, GET lists them.
const ticketsPath = apiRoot + "/tickets"

// ticketAssigned are the fields the server gives a ticket: a request body never sets them.
var ticketAssigned = map[string]bool{
	"_id": true, "id": true, "bugId": true, "shareToken": true, "createdAt": true, "updatedAt": true,
	"archived": true, "archivedAt": true, "snoozed": true, "snoozedUntil": true, "linkedTickets": true,
}

// ticketStore behaves like Gleap's ticket endpoints: it stores the tickets POST /tickets and POST
// /tickets/compose create, answers with the stored ticket, changes, archives, snoozes, links and deletes
// them, and lists, searches and counts them (tickets_list.go). A ticket composed with a message gets the
// message in the server's message store, as Gleap's compose does; deleting a ticket deletes its
// messages. A message never needs a ticket: one posted to a ticket the store does not know is stored as
// ever. It keeps the newest maxTickets tickets and at most maxStoredBytes of them.
type ticketStore struct {
	now        func() time.Time
	messages   *store
	contacts   *contacts // where compose finds or makes the contact of an e-mail address
	maxTickets int
	maxBytes   int

	mu         sync.Mutex
	tickets    []storedTicket // in the order they were created, oldest first
	bytes      int
	lastSeq    uint64
	lastNumber int
}

// storedTicket is one stored ticket: the answer the server gives for it now, and the ticket decoded, to
// filter and sort by. Like a storedMessage it is replaced, never changed.
type storedTicket struct {
	answer []byte
	ticket api.Ticket
	seq    uint64 // the order of creation, which breaks ties between equal times
}

func newTicketStore(now func() time.Time, messages *store, contacts *contacts) *ticketStore {
	return &ticketStore{now: now, messages: messages, contacts: contacts, maxTickets: DefaultMaxTickets, maxBytes: maxStoredBytes}
}

// stamp is now as Gleap keeps times: in UTC, to the millisecond.
func (s *ticketStore) stamp() time.Time {
	return s.now().UTC().Truncate(time.Millisecond)
}

// route answers the requests to /v3/tickets and below, and reports whether r was one.
func (s *ticketStore) route(r *http.Request, body []byte) (answer, bool) {
	path := r.URL.Path
	if path != ticketsPath && !strings.HasPrefix(path, ticketsPath+"/") {
		return answer{}, false
	}
	query := r.URL.Query()
	switch rest := strings.TrimPrefix(strings.TrimPrefix(path, ticketsPath), "/"); {
	case rest == "" && r.Method == http.MethodPost:
		return s.create(body), true
	case rest == "" && r.Method == http.MethodGet:
		return s.list(query), true
	case rest == "compose" && r.Method == http.MethodPost:
		return s.compose(body), true
	case rest == "search" && r.Method == http.MethodGet:
		return s.search(query.Get("searchTerm")), true
	case rest == "by-session-query" && r.Method == http.MethodGet:
		return s.byContact(query.Get("email"), query.Get("userId"), query.Get("phone")), true
	case rest == "ticketscount" && r.Method == http.MethodGet:
		return s.count(), true
	default:
		ticketID, action, _ := strings.Cut(rest, "/")
		if a, ok := s.routeTicket(r.Method, ticketID, action, body); ok {
			return a, true
		}
	}
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("gleaptest does not serve %s %s", r.Method, r.URL.EscapedPath())), true
}

// routeTicket answers a request about the ticket ticketID: action is what follows its id in the path.
func (s *ticketStore) routeTicket(method, ticketID, action string, body []byte) (answer, bool) {
	switch {
	case ticketID == "" || strings.Contains(action, "/"):
		return answer{}, false
	case action == "" && method == http.MethodGet:
		return s.get(ticketID), true
	case action == "" && method == http.MethodPut:
		return s.update(ticketID, body), true
	case action == "" && method == http.MethodDelete:
		return s.delete(ticketID), true
	case method != http.MethodPut:
		return answer{}, false
	case action == "archive" || action == "unarchive":
		archived := action == "archive"
		return s.change(ticketID, func(fields map[string]json.RawMessage, now time.Time) {
			fields["archived"] = jsonText(archived)
			fields["archivedAt"] = json.RawMessage("null")
			if archived {
				fields["archivedAt"] = jsonText(now.Format(time.RFC3339Nano))
			}
		}), true
	case action == "snooze":
		return s.snooze(ticketID, body), true
	case action == "link" || action == "unlink":
		return s.link(ticketID, body, action == "link"), true
	}
	return answer{}, false
}

// create stores the ticket body asks for and answers with it.
func (s *ticketStore) create(body []byte) answer {
	fields, err := ticketFields(body, &api.TicketInput{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a ticket: "+err.Error())
	}
	return s.add(fields)
}

// compose stores the ticket body asks for, for the contact it names, and its first message.
func (s *ticketStore) compose(body []byte) answer {
	var req api.ComposeTicketRequest
	if err := json.Unmarshal(body, &req); err != nil || strings.TrimSpace(req.Type) == "" || strings.TrimSpace(req.Title) == "" {
		return errorAnswer(http.StatusBadRequest, "the body is not a ticket with a message: it needs a type and a title")
	}
	message, email := req.Message, req.Email
	req.Message, req.Email = nil, nil
	fields, err := ticketFields(jsonText(req), &api.ComposeTicketRequest{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a ticket: "+err.Error())
	}
	if email != nil {
		// Gleap finds or makes the contact of an e-mail address: the same address, the same contact.
		fields["session"] = jsonText(map[string]string{"_id": s.contacts.ofEmail(*email), "email": *email})
	}
	created := s.add(fields)
	if created.status != http.StatusOK || message == nil {
		return created
	}
	var ticket struct {
		ID      string          `json:"id"`
		Session json.RawMessage `json:"session"`
	}
	_ = json.Unmarshal(created.body, &ticket) // the store wrote it
	first := map[string]any{"ticket": ticket.ID, "type": "COMMENT", "comment": plainTextDoc(*message)}
	var session struct {
		ID string `json:"_id"`
	}
	if json.Unmarshal(ticket.Session, &session) == nil && session.ID != "" {
		first["session"] = session.ID
	}
	if posted := s.messages.create(jsonText(first)); posted.status != http.StatusOK {
		return posted
	}
	return created
}

// plainTextDoc is text as the TipTap document Gleap stores for it: a paragraph per line.
func plainTextDoc(text string) tiptap.Node {
	doc := tiptap.Node{Type: tiptap.NodeDoc}
	for line := range strings.SplitSeq(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		paragraph := tiptap.Node{Type: tiptap.NodeParagraph}
		if line != "" {
			paragraph.Content = []tiptap.Node{{Type: tiptap.NodeText, Text: line}}
		}
		doc.Content = append(doc.Content, paragraph)
	}
	return doc
}

// ticketFields decodes body into input, the request type, which drops the fields it does not have,
// and returns the fields it has as raw values; references sent as ids become objects, as Gleap embeds
// them.
func ticketFields(body []byte, input any) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(body, input); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(jsonText(input), &fields); err != nil {
		return nil, err
	}
	for _, name := range []string{"processingUser", "processingTeam", "session"} {
		if id, ok := fields[name]; ok {
			fields[name] = jsonText(map[string]json.RawMessage{"_id": id})
		}
	}
	return fields, nil
}

// add stores a new ticket with fields, and the fields the server gives it.
func (s *ticketStore) add(fields map[string]json.RawMessage) answer {
	now := s.stamp()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSeq++
	s.lastNumber++
	id := fmt.Sprintf("%08x%06x%010x", uint32(now.Unix()), 0x7ac4e7, s.lastSeq)
	fields["_id"], fields["id"] = jsonText(id), jsonText(id)
	fields["bugId"] = jsonText(s.lastNumber)
	fields["shareToken"] = jsonText(fmt.Sprintf("share%016x", s.lastSeq))
	fields["createdAt"], fields["updatedAt"] = jsonText(now.Format(time.RFC3339Nano)), jsonText(now.Format(time.RFC3339Nano))
	fields["archived"], fields["snoozed"] = jsonText(false), jsonText(false)
	for name, value := range map[string]json.RawMessage{"status": jsonText("OPEN"), "tags": jsonText([]string{})} {
		if _, ok := fields[name]; !ok {
			fields[name] = value
		}
	}
	ticket, err := newStoredTicket(fields, s.lastSeq)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the ticket: "+err.Error())
	}
	for len(s.tickets) > 0 && (len(s.tickets) >= s.maxTickets || s.bytes+len(ticket.answer) > s.maxBytes) {
		s.bytes -= len(s.tickets[0].answer)
		s.tickets = slices.Delete(s.tickets, 0, 1)
	}
	s.tickets = append(s.tickets, ticket)
	s.bytes += len(ticket.answer)
	return jsonAnswer(http.StatusOK, ticket.answer)
}

// newStoredTicket encodes fields, a whole ticket.
func newStoredTicket(fields map[string]json.RawMessage, seq uint64) (storedTicket, error) {
	encoded, err := json.Marshal(fields)
	if err != nil {
		return storedTicket{}, err
	}
	t := storedTicket{answer: encoded, seq: seq}
	return t, json.Unmarshal(encoded, &t.ticket)
}

// get answers with ticket ticketID, or 404.
func (s *ticketStore) get(ticketID string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(ticketID)
	if i < 0 {
		return ticketNotFound(ticketID)
	}
	return jsonAnswer(http.StatusOK, s.tickets[i].answer)
}

// update changes the fields of ticket ticketID that body sets, as Gleap's PUT does.
func (s *ticketStore) update(ticketID string, body []byte) answer {
	changes, err := ticketFields(body, &api.TicketInput{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a change to a ticket: "+err.Error())
	}
	return s.change(ticketID, func(fields map[string]json.RawMessage, _ time.Time) {
		for name, value := range changes {
			if !ticketAssigned[name] {
				fields[name] = value
			}
		}
	})
}

// snooze snoozes ticket ticketID for the body's duration, in seconds.
func (s *ticketStore) snooze(ticketID string, body []byte) answer {
	var req api.SnoozeTicketRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Duration <= 0 {
		return errorAnswer(http.StatusBadRequest, "the body is not a snooze: it needs a positive duration")
	}
	return s.change(ticketID, func(fields map[string]json.RawMessage, now time.Time) {
		until := now.Add(time.Duration(req.Duration * float64(time.Second))).Truncate(time.Millisecond)
		fields["snoozed"], fields["snoozedUntil"] = jsonText(true), jsonText(until.Format(time.RFC3339Nano))
	})
}

// link links ticket ticketID and the body's target both ways, or unlinks them.
func (s *ticketStore) link(ticketID string, body []byte, link bool) answer {
	var req api.LinkTicketRequest
	if err := json.Unmarshal(body, &req); err != nil || req.TargetTicketID == "" {
		return errorAnswer(http.StatusBadRequest, "the body names no targetTicketId")
	}
	s.mu.Lock()
	missing := s.find(req.TargetTicketID) < 0
	s.mu.Unlock()
	if missing {
		return ticketNotFound(req.TargetTicketID)
	}
	relink := func(other string) func(map[string]json.RawMessage, time.Time) {
		return func(fields map[string]json.RawMessage, _ time.Time) {
			var linked []string
			_ = json.Unmarshal(fields["linkedTickets"], &linked)
			linked = slices.DeleteFunc(linked, func(id string) bool { return id == other })
			if link {
				linked = append(linked, other)
			}
			fields["linkedTickets"] = jsonText(append([]string{}, linked...))
		}
	}
	if a := s.change(req.TargetTicketID, relink(ticketID)); a.status != http.StatusOK {
		return a
	}
	return s.change(ticketID, relink(req.TargetTicketID))
}

// change applies edit to the fields of ticket ticketID, stamps it changed now and answers with it, or
// with 404.
func (s *ticketStore) change(ticketID string, edit func(fields map[string]json.RawMessage, now time.Time)) answer {
	now := s.stamp()
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(ticketID)
	if i < 0 {
		return ticketNotFound(ticketID)
	}
	old := s.tickets[i]
	fields, failed := decodeStored(old.answer, "ticket")
	if failed != nil {
		return *failed
	}
	edit(fields, now)
	fields["updatedAt"] = jsonText(now.Format(time.RFC3339Nano))
	ticket, err := newStoredTicket(fields, old.seq)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the ticket: "+err.Error())
	}
	s.tickets[i] = ticket
	s.bytes += len(ticket.answer) - len(old.answer)
	return jsonAnswer(http.StatusOK, ticket.answer)
}

// delete removes ticket ticketID and its messages, answering 204, or 404.
func (s *ticketStore) delete(ticketID string) answer {
	s.mu.Lock()
	i := s.find(ticketID)
	if i >= 0 {
		s.bytes -= len(s.tickets[i].answer)
		s.tickets = slices.Delete(s.tickets, i, i+1)
	}
	s.mu.Unlock()
	if i < 0 {
		return ticketNotFound(ticketID)
	}
	s.messages.deleteTicket(ticketID)
	return answer{status: http.StatusNoContent, header: http.Header{}}
}

// find returns the position of ticket ticketID, or -1. The caller holds s.mu.
func (s *ticketStore) find(ticketID string) int {
	return slices.IndexFunc(s.tickets, func(t storedTicket) bool { return t.ticket.ID == ticketID })
}

// ticketNotFound is the answer to a request about ticket ticketID, which the store does not have.
func ticketNotFound(ticketID string) answer {
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("Ticket %q not found.", ticketID))
}

// snapshot returns the stored tickets, oldest first.
func (s *ticketStore) snapshot() []storedTicket {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tickets)
}

// clear forgets every ticket; ids and numbers go on.
func (s *ticketStore) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickets, s.bytes = nil, 0
}

// Tickets returns the tickets the server stores now, oldest first, as the server answers with them:
// with the changes made to them, without the deleted ones, and only the newest DefaultMaxTickets.
func (s *Server) Tickets() []api.Ticket {
	stored := s.tickets.snapshot()
	tickets := make([]api.Ticket, len(stored))
	for i, t := range stored {
		tickets[i] = t.copy()
	}
	return tickets
}

// copy returns the ticket decoded afresh from its answer, sharing no slice or map with the store, so
// that a caller may change what it holds.
func (t storedTicket) copy() api.Ticket {
	var ticket api.Ticket
	if json.Unmarshal(t.answer, &ticket) != nil {
		return t.ticket // the store wrote the answer from this ticket: it always decodes
	}
	return ticket
}
