package gleaptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// DefaultMaxMessages is how many messages a server keeps unless WithMaxMessages says otherwise, and so
// how many `gleap mock` keeps without --max-messages: more than a test needs, and few enough that code
// posting in a loop cannot exhaust the memory.
const DefaultMaxMessages = 10_000

// maxStoredBytes bounds what the stored messages hold together, whatever their number: at the 1 MiB
// body cap, 10,000 messages would otherwise hold gigabytes. Everything that grows with what a client
// sends counts: the answers, the decoded types, and each ticket's id once (see ticketCount).
const maxStoredBytes = 64 << 20

// assignedFields are the fields the server gives a message: a request body never sets them.
var assignedFields = map[string]bool{"_id": true, "id": true, "createdAt": true, "updatedAt": true, "index": true}

// store behaves like Gleap's message endpoints: it stores each message it accepts and answers with the
// stored message, as Gleap does, changes and deletes messages, and lists and searches them (list.go,
// search.go). It keeps only the newest messages, at most maxMessages of them and at most maxStoredBytes
// together; each one past either evicts the oldest.
type store struct {
	now         func() time.Time
	maxMessages int
	maxBytes    int // maxStoredBytes, smaller in tests

	mu       sync.Mutex
	messages []storedMessage // in the order they were created, oldest first; at most maxMessages
	bytes    int             // what the messages and their tickets' counts hold, at most maxBytes
	tickets  map[ticketKey]*ticketCount
	lastSeq  uint64
}

// storedMessage is one stored message: the answer the server gives for it now, and what the store
// looks messages up, sorts and filters them by. A storedMessage is never changed, only replaced, so a
// copy taken under the lock can be read without it.
type storedMessage struct {
	answer    []byte // the message as the server answers with it: a JSON object
	id        string
	seq       uint64 // the order of creation, which breaks ties between equal times
	createdAt time.Time
	updatedAt time.Time
	ticket    *string // nil when the message has no ticket; once stored, the ticket's count's id
	kind      *string // the message's type; nil when it has none
	ref       *string // the message's messageRef; nil when it has none
	bot       bool    // a message without "bot" is a person's
}

// size returns what the store counts for m besides its ticket's id: its answer, and its type and
// messageRef decoded.
func (m storedMessage) size() int {
	n := len(m.answer)
	for _, decoded := range []*string{m.kind, m.ref} {
		if decoded != nil {
			n += len(*decoded)
		}
	}
	return n
}

// ticketKey tells apart the tickets of messages. A message without a ticket has the zero key, which no
// ticket id has, not even an empty one.
type ticketKey struct {
	id    string
	named bool
}

// keyOf returns the key of ticket, a message's (nil when it has none).
func keyOf(ticket *string) ticketKey {
	if ticket == nil {
		return ticketKey{}
	}
	return ticketKey{id: *ticket, named: true}
}

// ticketCount follows one ticket's messages: next is the index the next message gets, kept how many of
// them are still stored. The count goes with the ticket's last stored message, which keeps the map as
// bounded as the messages; a ticket posted to again after that starts over at index 0. id is the one
// copy of the ticket's id that its key and its messages share (nil for the messages without a ticket):
// the store counts its bytes once, for as long as the count is kept.
type ticketCount struct {
	id         *string
	next, kept int
}

// size returns what the store counts for c: its id's bytes.
func (c *ticketCount) size() int {
	if c.id == nil {
		return 0
	}
	return len(*c.id)
}

func newStore(now func() time.Time, maxMessages int) *store {
	return &store{now: now, maxMessages: maxMessages, maxBytes: maxStoredBytes, tickets: make(map[ticketKey]*ticketCount)}
}

// create stores the message body asks for and answers with it: the request's fields echoed back under
// the same JSON names, plus the fields the server assigns (ids, timestamps, the position in the ticket).
func (s *store) create(body []byte) answer {
	fields, err := inputFields(body)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a message: "+err.Error())
	}
	ticket := keyOf(ticketOf(fields))

	now := s.now().UTC().Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.messages) == s.maxMessages {
		s.remove(0)
	}
	s.lastSeq++
	id := fmt.Sprintf("%08x%016x", uint32(now.Unix()), s.lastSeq)
	index := 0
	if count := s.tickets[ticket]; count != nil {
		index = count.next
	}
	fields["_id"], fields["id"] = jsonText(id), jsonText(id)
	fields["createdAt"], fields["updatedAt"] = jsonText(now.Format(time.RFC3339Nano)), jsonText(now.Format(time.RFC3339Nano))
	fields["index"] = jsonText(index)
	message, err := newStoredMessage(fields, id, s.lastSeq, now, now)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the message: "+err.Error())
	}
	for len(s.messages) > 0 && s.bytes+s.cost(message) > s.maxBytes {
		s.remove(0)
	}
	s.join(&message).next = index + 1 // the evictions may have taken the ticket's count: the index goes on
	s.messages = append(s.messages, message)
	s.bytes += message.size()
	return jsonAnswer(http.StatusOK, message.answer)
}

// update changes the fields of message id that body sets, as Gleap's PUT does: the others, and the
// fields the server assigns, stay as they are; updatedAt becomes now. It answers with the message as it
// is now, or 404 when no message has that id.
func (s *store) update(id string, body []byte) answer {
	changes, err := inputFields(body)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a change to a message: "+err.Error())
	}
	now := s.now().UTC().Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return notFound(id)
	}
	old := s.messages[i]
	fields, failed := decodeStored(old.answer, "message")
	if failed != nil {
		return *failed
	}
	for name, value := range changes {
		if !assignedFields[name] {
			fields[name] = value
		}
	}
	fields["updatedAt"] = jsonText(now.Format(time.RFC3339Nano))
	message, err := newStoredMessage(fields, old.id, old.seq, old.createdAt, now)
	if err != nil {
		return errorAnswer(http.StatusInternalServerError, "encoding the message: "+err.Error())
	}
	if keyOf(message.ticket) == keyOf(old.ticket) {
		message.ticket = old.ticket
	} else {
		s.release(old)
		s.join(&message)
	}
	s.messages[i] = message
	s.bytes += message.size() - old.size()
	// A message that grew may push the store over its byte budget: the oldest others make room.
	for s.bytes > s.maxBytes && len(s.messages) > 1 {
		if s.messages[0].id == id {
			s.remove(1)
		} else {
			s.remove(0)
		}
	}
	return jsonAnswer(http.StatusOK, message.answer)
}

// delete removes message id, answering 204 without a body, or 404 when no message has that id.
func (s *store) delete(id string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.find(id)
	if i < 0 {
		return notFound(id)
	}
	s.remove(i)
	return answer{status: http.StatusNoContent, header: http.Header{}}
}

// deleteTicket removes the messages of ticket ticketID, deleted.
func (s *store) deleteTicket(ticketID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.messages) - 1; i >= 0; i-- {
		if ticket := s.messages[i].ticket; ticket != nil && *ticket == ticketID {
			s.remove(i)
		}
	}
}

// acknowledge answers an action on message id that Gleap records without a change the API shows (a FAQ
// suggestion): 204, or 404 when the store does not have the message.
func (s *store) acknowledge(id string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.find(id) < 0 {
		return notFound(id)
	}
	return answer{status: http.StatusNoContent, header: http.Header{}}
}

// notFound is the answer to a change to message id, which the store does not have.
func notFound(id string) answer {
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("Message %q not found.", id))
}

// find returns the position of message id in s.messages, or -1. The caller holds s.mu.
func (s *store) find(id string) int {
	return slices.IndexFunc(s.messages, func(m storedMessage) bool { return m.id == id })
}

// remove forgets the message at position i, and its ticket's count when it was the ticket's last. The
// caller holds s.mu.
func (s *store) remove(i int) {
	gone := s.messages[i]
	if i == 0 {
		s.messages[0] = storedMessage{} // the backing array outlives the slice's start: let the message go
		s.messages = s.messages[1:]
	} else {
		s.messages = slices.Delete(s.messages, i, i+1)
	}
	s.bytes -= gone.size()
	s.release(gone)
}

// cost returns what the store would count for message, not yet stored: its own size, and its ticket's
// id when the ticket has no count yet. The caller holds s.mu.
func (s *store) cost(message storedMessage) int {
	n := message.size()
	if message.ticket != nil && s.tickets[keyOf(message.ticket)] == nil {
		n += len(*message.ticket)
	}
	return n
}

// join counts message in with its ticket's messages, and has it share their copy of the ticket's id. The
// ticket's first message makes its count, whose id's bytes the store counts from then on. It returns the
// ticket's count. The caller holds s.mu.
func (s *store) join(message *storedMessage) *ticketCount {
	key := keyOf(message.ticket)
	count := s.tickets[key]
	if count == nil {
		count = &ticketCount{id: message.ticket}
		s.tickets[key] = count
		s.bytes += count.size()
	}
	message.ticket = count.id
	count.kept++
	return count
}

// release counts message, no longer stored, out of its ticket's messages; the last one takes the count
// with it. The caller holds s.mu.
func (s *store) release(message storedMessage) {
	key := keyOf(message.ticket)
	count := s.tickets[key]
	count.kept--
	if count.kept == 0 {
		delete(s.tickets, key)
		s.bytes -= count.size()
	}
}

// snapshot returns the stored messages, oldest first, as they are now.
func (s *store) snapshot() []storedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// inputFields decodes body, the fields of a message as a client writes them, into the fields of a
// stored message. Decoding into the request type drops the fields a message does not have; encoding it
// again gives the ones it has, and raw values keep each of them as the same JSON value, as Gleap stores them.
// The answer is built as a JSON object rather than as an api.Message, whose encoder may write fields
// nobody set: Gleap sends only the fields a message has.
func inputFields(body []byte) (map[string]json.RawMessage, error) {
	var req api.MessageInput
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	echoed, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(echoed, &fields); err != nil {
		return nil, err
	}
	// Gleap answers with the author and the contact as objects, not as the ids that were sent.
	for _, name := range []string{"user", "session"} {
		if id, ok := fields[name]; ok {
			fields[name] = jsonText(map[string]json.RawMessage{"_id": id})
		}
	}
	return fields, nil
}

// newStoredMessage encodes fields, a whole message, as the message id.
func newStoredMessage(fields map[string]json.RawMessage, id string, seq uint64, createdAt, updatedAt time.Time) (storedMessage, error) {
	encoded, err := json.Marshal(fields)
	if err != nil {
		return storedMessage{}, err
	}
	message := storedMessage{
		answer: encoded, id: id, seq: seq, createdAt: createdAt, updatedAt: updatedAt, ticket: ticketOf(fields),
	}
	// A field of another type than openapi.yaml's matches no filter: inputFields decoded each of them
	// into its type, so none is.
	var kind, ref string
	if json.Unmarshal(fields["type"], &kind) == nil {
		message.kind = &kind
	}
	if json.Unmarshal(fields["messageRef"], &ref) == nil {
		message.ref = &ref
	}
	_ = json.Unmarshal(fields["bot"], &message.bot)
	return message, nil
}

// ticketOf returns the ticket id of fields, a whole message, decoded; nil when the message has none.
// inputFields decoded the ticket as a string: it has no other type.
func ticketOf(fields map[string]json.RawMessage) *string {
	var ticket string
	if json.Unmarshal(fields["ticket"], &ticket) != nil {
		return nil
	}
	return &ticket
}

// decodeStored decodes stored, the answer of a stored message or ticket (kind), into its fields, which a
// change edits; it fails only on a store's bug, answered 500.
func decodeStored(stored []byte, kind string) (map[string]json.RawMessage, *answer) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(stored, &fields); err != nil {
		failed := errorAnswer(http.StatusInternalServerError, "reading the stored "+kind+": "+err.Error())
		return nil, &failed
	}
	return fields, nil
}

// jsonText encodes v, a value that always encodes: a string, an int or raw JSON.
func jsonText(v any) json.RawMessage {
	encoded, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("gleaptest: encoding %T: %v", v, err))
	}
	return encoded
}

// answers returns the stored messages, oldest first, as the server answers with them now.
func (s *store) answers() []json.RawMessage {
	messages := s.snapshot()
	answers := make([]json.RawMessage, len(messages))
	for i, message := range messages {
		answers[i] = message.answer
	}
	return answers
}

// Messages returns the messages the server stores now, oldest first, as the server answers with them:
// with the changes PUT made, without the ones DELETE removed, and only the newest (see WithMaxMessages).
// Requests answered with a fault changed nothing.
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

// clear forgets every message; the ids the store hands out go on.
func (s *store) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.messages) // the backing array may outlive the slice: let the messages go
	s.messages = s.messages[:0]
	s.bytes = 0
	clear(s.tickets)
}
