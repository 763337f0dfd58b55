package fakegleap

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// DefaultMaxMessages is how many messages "gleap mock" and gleaptest keep unless told otherwise: more
// than any test posts, few enough that a client posting in a loop cannot exhaust the memory.
const DefaultMaxMessages = 10_000

// Server behaves like Gleap's message endpoint: it stores each message it accepts and answers with the
// stored message, as Gleap does. It keeps only the newest messages, DefaultMaxMessages of them unless
// WithMaxMessages says otherwise; each one past that evicts the oldest. Serve it behind Validator.Wrap so that its traffic is validated.
type Server struct {
	now         func() time.Time
	maxMessages int
	routes      *http.ServeMux

	mu       sync.Mutex
	messages []storedMessage // oldest first, at most maxMessages
	tickets  map[string]ticketCount
	lastID   uint64
}

// storedMessage is one accepted request and the answer it got.
type storedMessage struct {
	request api.CreateMessageRequest
	answer  map[string]any
	ticket  string
}

// ticketCount follows one ticket's messages: next is the index the next message gets, kept how many of
// them are still stored. The count goes with the ticket's last stored message, which keeps the map as
// bounded as the messages; a ticket posted to again after that starts over at index 0.
type ticketCount struct {
	next, kept int
}

// ServerOption configures a Server made by NewServer.
type ServerOption func(*Server)

// WithMaxMessages keeps at most n messages, n at least 1, instead of DefaultMaxMessages.
func WithMaxMessages(n int) ServerOption {
	return func(s *Server) { s.maxMessages = n }
}

// NewServer returns an empty server. now gives the timestamps of stored messages; nil means time.Now.
// It panics when an option asks it to keep fewer than 1 message.
func NewServer(now func() time.Time, opts ...ServerOption) *Server {
	if now == nil {
		now = time.Now
	}
	s := &Server{now: now, maxMessages: DefaultMaxMessages, routes: http.NewServeMux(), tickets: make(map[string]ticketCount)}
	for _, opt := range opts {
		opt(s)
	}
	if s.maxMessages < 1 {
		panic(fmt.Sprintf("fakegleap: maxMessages must be at least 1, got %d", s.maxMessages))
	}
	s.routes.HandleFunc("POST /v3/messages", s.createMessage)
	return s
}

// ServeHTTP answers the Gleap API routes the server implements.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.routes.ServeHTTP(w, r)
}

// Messages returns the requests the server accepted and still keeps, oldest first.
func (s *Server) Messages() []api.CreateMessageRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	requests := make([]api.CreateMessageRequest, len(s.messages))
	for i, message := range s.messages {
		requests[i] = message.request
	}
	return requests
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	var req api.CreateMessageRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		WriteError(w, http.StatusBadRequest, "the body is not a message: "+err.Error())
		return
	}
	message, err := s.store(req)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, message)
}

// store records req and builds the stored message: the request's fields echoed back under the same
// JSON names, plus the fields the server assigns (ids, timestamps, the position in the ticket). It builds
// the answer as a JSON object rather than an api.Message, whose generated MarshalJSON writes null for
// every unset "any" field: Gleap does not send fields nobody set.
func (s *Server) store(req api.CreateMessageRequest) (map[string]any, error) {
	echoed, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	// Raw values keep every echoed field byte for byte, as Gleap stores them.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(echoed, &fields); err != nil {
		return nil, err
	}
	message := make(map[string]any, len(fields)+5)
	for name, value := range fields {
		message[name] = value
	}
	// Gleap answers with the author and the contact as objects, not as the ids that were sent.
	if req.User != nil {
		message["user"] = map[string]any{"_id": *req.User}
	}
	if req.Session != nil {
		message["session"] = map[string]any{"_id": *req.Session}
	}

	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	id := fmt.Sprintf("%08x%016x", uint32(now.Unix()), s.lastID)
	ticket := ""
	if req.Ticket != nil {
		ticket = *req.Ticket
	}
	if len(s.messages) == s.maxMessages {
		s.evictOldest()
	}
	count := s.tickets[ticket]
	index := count.next
	s.tickets[ticket] = ticketCount{next: count.next + 1, kept: count.kept + 1}

	message["_id"], message["id"] = id, id
	message["createdAt"], message["updatedAt"] = now.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)
	message["index"] = index
	s.messages = append(s.messages, storedMessage{request: req, answer: message, ticket: ticket})
	return message, nil
}

// evictOldest forgets the oldest message, and its ticket's count when it was the ticket's last. The
// caller holds s.mu.
func (s *Server) evictOldest() {
	oldest := s.messages[0]
	s.messages[0] = storedMessage{} // the backing array outlives the slice's start: let the message go
	s.messages = s.messages[1:]
	count := s.tickets[oldest.ticket]
	if count.kept == 1 {
		delete(s.tickets, oldest.ticket)
		return
	}
	count.kept--
	s.tickets[oldest.ticket] = count
}

// ListStored answers with every message the server keeps, oldest first, as {"messages": [...]}. It is an
// inspection route of the mock (GET /v3/messages), not part of Gleap's API, so it is served beside the
// validator rather than behind it.
func (s *Server) ListStored(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	answers := make([]map[string]any, len(s.messages))
	for i, message := range s.messages {
		answers[i] = message.answer
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messages": answers})
}

// NewMock returns the stand-in that `gleap mock` serves: the API routes of server, validated against
// openapi.yaml both ways (violations go to report), and GET /v3/messages to list what it stored. Request
// bodies are capped as LimitRequestBodies says.
func NewMock(server *Server, validator *Validator, report func(error)) http.Handler {
	routes := http.NewServeMux()
	routes.HandleFunc("GET /v3/messages", server.ListStored)
	routes.Handle("/", validator.Wrap(server, report))
	return LimitRequestBodies(routes)
}
