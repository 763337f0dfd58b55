package gleaptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// defaultMaxMessages is how many messages a server keeps unless WithMaxMessages says otherwise.
const defaultMaxMessages = 10_000

// maxStoredBytes bounds the stored answers together, whatever their number: at the 1 MiB body cap,
// 10,000 messages would otherwise hold gigabytes.
const maxStoredBytes = 64 << 20

// store behaves like Gleap's message endpoint: it stores each message it accepts and answers with the
// stored message, as Gleap does. It keeps only the newest messages, at most maxMessages of them and at
// most maxStoredBytes together; each one past either evicts the oldest.
type store struct {
	now         func() time.Time
	maxMessages int
	maxBytes    int // maxStoredBytes, smaller in tests

	mu       sync.Mutex
	messages []storedMessage // oldest first, at most maxMessages
	bytes    int             // the answers' total size, at most maxBytes
	tickets  map[string]ticketCount
	lastID   uint64
}

// storedMessage is one stored message: the answer it was created with, and the ticket it is in.
type storedMessage struct {
	answer []byte
	ticket string
}

// ticketCount follows one ticket's messages: next is the index the next message gets, kept how many of
// them are still stored. The count goes with the ticket's last stored message, which keeps the map as
// bounded as the messages; a ticket posted to again after that starts over at index 0.
type ticketCount struct {
	next, kept int
}

func newStore(now func() time.Time, maxMessages int) *store {
	return &store{now: now, maxMessages: maxMessages, maxBytes: maxStoredBytes, tickets: make(map[string]ticketCount)}
}

// create stores the message body asks for and answers with it: the request's fields echoed back under
// the same JSON names, plus the fields the server assigns (ids, timestamps, the position in the ticket).
// The answer is built as a JSON object rather than as an api.Message, whose encoder may write fields
// nobody set: Gleap sends only the fields a message has.
func (s *store) create(body []byte) answer {
	var req api.CreateMessageRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a message: "+err.Error())
	}
	// Decoding into the request type drops the fields a message does not have; encoding it again gives
	// the ones it has, and raw values keep each of them byte for byte, as Gleap stores them.
	echoed, err := json.Marshal(req)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "echoing the message: "+err.Error())
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(echoed, &fields); err != nil {
		return errorAnswer(http.StatusInternalServerError, "echoing the message: "+err.Error())
	}
	message := make(map[string]any, len(fields)+5)
	for name, value := range fields {
		message[name] = value
	}
	// Gleap answers with the author and the contact as objects, not as the ids that were sent.
	for _, name := range []string{"user", "session"} {
		if id, ok := fields[name]; ok {
			message[name] = map[string]json.RawMessage{"_id": id}
		}
	}
	// The ticket's JSON text tells tickets apart as well as its value: both come from one encoder.
	ticket := string(fields["ticket"])

	now := s.now().UTC()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.messages) == s.maxMessages {
		s.evictOldest()
	}
	s.lastID++
	id := fmt.Sprintf("%08x%016x", uint32(now.Unix()), s.lastID)
	count := s.tickets[ticket]
	message["_id"], message["id"] = id, id
	message["createdAt"], message["updatedAt"] = now.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)
	message["index"] = count.next
	stored, err := json.Marshal(message)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the message: "+err.Error())
	}
	for len(s.messages) > 0 && s.bytes+len(stored) > s.maxBytes {
		s.evictOldest()
	}
	kept := s.tickets[ticket].kept // the evictions may have taken some of the ticket's messages
	s.tickets[ticket] = ticketCount{next: count.next + 1, kept: kept + 1}
	s.messages = append(s.messages, storedMessage{answer: stored, ticket: ticket})
	s.bytes += len(stored)
	return jsonAnswer(http.StatusOK, stored)
}

// evictOldest forgets the oldest message, and its ticket's count when it was the ticket's last. The
// caller holds s.mu.
func (s *store) evictOldest() {
	oldest := s.messages[0]
	s.messages[0] = storedMessage{} // the backing array outlives the slice's start: let the message go
	s.messages = s.messages[1:]
	s.bytes -= len(oldest.answer)
	count := s.tickets[oldest.ticket]
	if count.kept == 1 {
		delete(s.tickets, oldest.ticket)
		return
	}
	count.kept--
	s.tickets[oldest.ticket] = count
}

// answers returns the stored messages, oldest first, as they were answered.
func (s *store) answers() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	answers := make([]json.RawMessage, len(s.messages))
	for i, message := range s.messages {
		answers[i] = message.answer
	}
	return answers
}

// list answers the inspection route, GET /v3/messages: every stored message, oldest first, as
// {"messages": [...]}.
func (s *store) list() answer {
	body, err := json.Marshal(struct {
		Messages []json.RawMessage `json:"messages"`
	}{s.answers()})
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "listing the messages: "+err.Error())
	}
	return jsonAnswer(http.StatusOK, body)
}

// Messages returns the messages the server stored and still keeps (see WithMaxMessages), oldest first,
// as the server answered them. Requests answered with a fault are not among them.
func (s *Server) Messages() []api.Message {
	answers := s.store.answers()
	messages := make([]api.Message, len(answers))
	for i, answer := range answers {
		if err := json.Unmarshal(answer, &messages[i]); err != nil {
			// The store builds its answers from openapi.yaml's own fields, which api.Message is generated from.
			panic(fmt.Sprintf("gleaptest: stored message %d does not decode into api.Message: %v", i, err))
		}
	}
	return messages
}
