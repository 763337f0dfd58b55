package fakegleap

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Server behaves like Gleap's message endpoint: it stores each message it accepts and answers with the
// stored message, as Gleap does. Serve it behind Validator.Wrap so that its traffic is validated.
type Server struct {
	now    func() time.Time
	routes *http.ServeMux

	mu        sync.Mutex
	received  []api.CreateMessageRequest
	stored    []map[string]any
	perTicket map[string]int
	lastID    uint64
}

// NewServer returns an empty server. now gives the timestamps of stored messages; nil means time.Now.
func NewServer(now func() time.Time) *Server {
	if now == nil {
		now = time.Now
	}
	s := &Server{now: now, routes: http.NewServeMux(), perTicket: make(map[string]int)}
	s.routes.HandleFunc("POST /v3/messages", s.createMessage)
	return s
}

// ServeHTTP answers the Gleap API routes the server implements.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.routes.ServeHTTP(w, r)
}

// Messages returns the requests the server accepted, oldest first.
func (s *Server) Messages() []api.CreateMessageRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]api.CreateMessageRequest(nil), s.received...)
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
	index := s.perTicket[ticket]
	s.perTicket[ticket]++
	s.received = append(s.received, req)

	message["_id"], message["id"] = id, id
	message["createdAt"], message["updatedAt"] = now.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)
	message["index"] = index
	s.stored = append(s.stored, message)
	return message, nil
}

// ListStored answers with every stored message, oldest first, as {"messages": [...]}. It is an
// inspection route of the mock (GET /v3/messages), not part of Gleap's API, so it is served beside the
// validator rather than behind it.
func (s *Server) ListStored(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	messages := append([]map[string]any{}, s.stored...)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"messages": messages})
}

// NewMock returns the stand-in that `gleap mock` serves: the API routes of server, validated against
// openapi.yaml both ways (violations go to report), and GET /v3/messages to list what it stored.
func NewMock(server *Server, validator *Validator, report func(error)) http.Handler {
	routes := http.NewServeMux()
	routes.HandleFunc("GET /v3/messages", server.ListStored)
	routes.Handle("/", validator.Wrap(server, report))
	return routes
}
