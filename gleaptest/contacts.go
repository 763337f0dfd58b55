package gleaptest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// maxEventsPerContact is how many events the server keeps of one contact, the newest.
const maxEventsPerContact = 1000

// contacts behaves like Gleap's contacts (its sessions) and the admin routes that change them: it stores
// the contacts POST /v3/sessions creates and identify creates or changes, with the events track records
// for them, and forgets a contact with what hangs off it. It keeps at most max contacts and maxBytes of
// them and their events together; each one past either evicts the contact created first.
type contacts struct {
	now      func() time.Time
	max      int
	maxBytes int

	mu       sync.Mutex
	byID     map[string]*storedContact
	byUserID map[string]*storedContact // the contacts that have a user id
	bytes    int                       // what the contacts and their events hold, at most maxBytes
	lastSeq  uint64
}

// storedContact is one stored contact: its fields as the server answers with them, and its events.
type storedContact struct {
	id     string
	seq    uint64 // the order of creation
	fields map[string]json.RawMessage
	events []storedEvent // oldest first, at most maxEventsPerContact
	size   int           // what the store counts for it: its fields and its events, encoded
}

// storedEvent is one event of a contact, with the size of its encoding, which the store counts.
type storedEvent struct {
	event api.TrackEvent
	size  int
}

func newContacts(now func() time.Time, maxContacts int) *contacts {
	return &contacts{now: now, max: maxContacts, maxBytes: maxStoredBytes,
		byID: make(map[string]*storedContact), byUserID: make(map[string]*storedContact)}
}

// userID returns the contact's user id, "" when it has none.
func (c *storedContact) userID() string {
	return stringField(c.fields, "userId")
}

// answer returns the contact as the server answers with it.
func (c *storedContact) answer() []byte {
	return jsonText(c.fields)
}

// stringField returns the string member name of fields, "" when it is not a string.
func stringField(fields map[string]json.RawMessage, name string) string {
	var value string
	_ = json.Unmarshal(fields[name], &value)
	return value
}

// contactFields decodes body, the fields of a contact as a client writes them (into, a request type of
// openapi.yaml), into the fields of a stored contact: the ones the type has, as the same JSON values.
func requestFields(body []byte, into any) (map[string]json.RawMessage, error) {
	if err := json.Unmarshal(body, into); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(jsonText(into), &fields); err != nil {
		return nil, err
	}
	return fields, nil
}

// create stores the contact body asks for and answers with it, or answers 409 when its user id is
// another contact's already.
func (c *contacts) create(body []byte) answer {
	fields, err := requestFields(body, &api.CreateContactRequest{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a contact: "+err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if userID := stringField(fields, "userId"); c.byUserID[userID] != nil {
		return userIDTaken(userID)
	}
	contact := c.add(fields)
	return jsonAnswer(http.StatusOK, contact.answer())
}

// ofEmail returns the id of the contact with the e-mail address email (in any case), the one created
// first when several have it, after making one with the address alone when none has: as Gleap's compose
// finds or makes the contact it opens a ticket for.
func (c *contacts) ofEmail(email string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var found *storedContact
	for _, contact := range c.byID {
		if strings.EqualFold(stringField(contact.fields, "email"), email) && (found == nil || contact.seq < found.seq) {
			found = contact
		}
	}
	if found == nil {
		found = c.add(map[string]json.RawMessage{"email": jsonText(email)})
	}
	return found.id
}

// userIDTaken is the answer to a contact given a user id another contact has.
func userIDTaken(userID string) answer {
	return errorAnswer(http.StatusConflict, fmt.Sprintf("A contact with the user id %q exists already.", userID))
}

// add stores a new contact with fields and the fields the server assigns. The caller holds c.mu.
func (c *contacts) add(fields map[string]json.RawMessage) *storedContact {
	now := c.now().UTC().Round(0)
	c.lastSeq++
	contact := &storedContact{id: fmt.Sprintf("%08x%016x", uint32(now.Unix()), c.lastSeq), seq: c.lastSeq, fields: fields}
	fields["_id"] = jsonText(contact.id)
	fields["createdAt"] = jsonText(now.Format(time.RFC3339Nano))
	fields["updatedAt"] = fields["createdAt"]
	c.byID[contact.id] = contact
	if userID := contact.userID(); userID != "" {
		c.byUserID[userID] = contact
	}
	c.resized(contact)
	return contact
}

// change sets fields on contact, replacing the ones it had, and stamps it as changed now, or answers
// 409 when it would take a user id another contact has. The caller holds c.mu.
func (c *contacts) change(contact *storedContact, fields map[string]json.RawMessage) *answer {
	before := contact.userID()
	if after := stringField(fields, "userId"); after != "" && after != before && c.byUserID[after] != nil {
		taken := userIDTaken(after)
		return &taken
	}
	maps.Copy(contact.fields, fields)
	contact.fields["updatedAt"] = jsonText(c.now().UTC().Round(0).Format(time.RFC3339Nano))
	if after := contact.userID(); after != before {
		delete(c.byUserID, before)
		if after != "" {
			c.byUserID[after] = contact
		}
	}
	c.resized(contact)
	return nil
}

// resized counts contact's size anew after a change, and evicts the contacts created first while the
// store holds too many or too much. contact itself is kept, its oldest events dropped if it alone is
// too much. The caller holds c.mu.
func (c *contacts) resized(contact *storedContact) {
	c.bytes -= contact.size
	contact.size = len(contact.answer())
	for _, event := range contact.events {
		contact.size += event.size
	}
	c.bytes += contact.size
	for len(c.byID) > c.max || c.bytes > c.maxBytes {
		oldest := contact
		for _, other := range c.byID {
			if other != contact && (oldest == contact || other.seq < oldest.seq) {
				oldest = other
			}
		}
		if oldest != contact {
			c.remove(oldest)
			continue
		}
		if len(contact.events) == 0 {
			return // a contact alone is at most a body: within any budget
		}
		c.dropOldestEvent(contact)
	}
}

// addEvent keeps event as the newest of contact's, dropping its oldest past maxEventsPerContact, and
// evicts what the store's bounds ask. The caller holds c.mu.
func (c *contacts) addEvent(contact *storedContact, event api.TrackEvent) {
	stored := storedEvent{event: event, size: len(jsonText(event))}
	contact.events = append(contact.events, stored)
	contact.size += stored.size
	c.bytes += stored.size
	if len(contact.events) > maxEventsPerContact {
		c.dropOldestEvent(contact)
	}
	if c.bytes > c.maxBytes {
		c.resized(contact) // evicts
	}
}

// dropOldestEvent forgets the oldest event of contact, which has one. The caller holds c.mu.
func (c *contacts) dropOldestEvent(contact *storedContact) {
	gone := contact.events[0]
	contact.events[0] = storedEvent{} // the array outlives the slice's start: let the event go
	contact.events = contact.events[1:]
	contact.size -= gone.size
	c.bytes -= gone.size
}

// remove forgets contact and its events. The caller holds c.mu.
func (c *contacts) remove(contact *storedContact) {
	delete(c.byID, contact.id)
	if c.byUserID[contact.userID()] == contact {
		delete(c.byUserID, contact.userID())
	}
	c.bytes -= contact.size
}

// contactNotFound is the answer to a call on a contact the server does not have.
func contactNotFound(kind, id string) answer {
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("Contact with %s %q not found.", kind, id))
}

// get answers with the contact id, or 404.
func (c *contacts) get(id string) answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byID[id]
	if contact == nil {
		return contactNotFound("id", id)
	}
	return jsonAnswer(http.StatusOK, contact.answer())
}

// byUser answers with the contact whose user id is userID, or 404.
func (c *contacts) byUser(userID string) answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byUserID[userID]
	if contact == nil {
		return contactNotFound("user id", userID)
	}
	return jsonAnswer(http.StatusOK, contact.answer())
}

// update changes the fields of contact id that body sets, as Gleap's PUT does, and answers with the
// contact as it is now; 404 when there is no such contact, 409 when it would take another's user id.
func (c *contacts) update(id string, body []byte) answer {
	fields, err := requestFields(body, &api.UpdateContactRequest{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a change to a contact: "+err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byID[id]
	if contact == nil {
		return contactNotFound("id", id)
	}
	if refused := c.change(contact, fields); refused != nil {
		return *refused
	}
	return jsonAnswer(http.StatusOK, contact.answer())
}

// delete removes contact id and its events, answering 204, or 404. It returns the contact removed.
func (c *contacts) delete(id string) (answer, *storedContact) {
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byID[id]
	if contact == nil {
		return contactNotFound("id", id), nil
	}
	c.remove(contact)
	return answer{status: http.StatusNoContent, header: http.Header{}}, contact
}

// forget removes the contact with user id userID and its events, answering 200, or 404. It returns the
// contact removed.
func (c *contacts) forget(userID string) (answer, *storedContact) {
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byUserID[userID]
	if contact == nil {
		return contactNotFound("user id", userID), nil
	}
	c.remove(contact)
	return encodedAnswer(map[string]bool{"success": true}), contact
}

// sorted returns the contacts in the order they were created, oldest first. The caller holds c.mu.
func (c *contacts) sorted() []*storedContact {
	return slices.SortedFunc(maps.Values(c.byID), func(a, b *storedContact) int { return cmp.Compare(a.seq, b.seq) })
}

// list answers GET /v3/sessions: the contacts oldest first (sort=createdAt, the default) or newest first
// (sort=-createdAt), after the first skip of them and at most limit of them (all without a limit).
func (c *contacts) list(query url.Values) answer {
	skip, err := optionalInt(query, "skip", 0)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, err.Error())
	}
	limit, err := optionalInt(query, "limit", 1)
	if err != nil {
		return errorAnswer(http.StatusBadRequest, err.Error())
	}
	sort := query.Get("sort")
	if sort != "" && sort != "createdAt" && sort != "-createdAt" {
		return errorAnswer(http.StatusBadRequest, fmt.Sprintf("sort %q: gleaptest sorts contacts by createdAt or -createdAt", sort))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	all := c.sorted()
	if sort == "-createdAt" {
		slices.Reverse(all)
	}
	all = all[min(skip, len(all)):]
	if limit > 0 {
		all = all[:min(limit, len(all))]
	}
	return c.answerList(all)
}

// answerList answers with the contacts, in order. The caller holds c.mu.
func (c *contacts) answerList(list []*storedContact) answer {
	answers := make([]json.RawMessage, len(list))
	for i, contact := range list {
		answers[i] = contact.answer()
	}
	return encodedAnswer(answers)
}

// search answers GET /v3/sessions/search?searchTerm=T: the contacts whose name, e-mail, user id or
// phone number holds T, ignoring case, oldest first.
func (c *contacts) search(term string) answer {
	needle := strings.ToLower(term)
	c.mu.Lock()
	defer c.mu.Unlock()
	var hits []*storedContact
	for _, contact := range c.sorted() {
		for _, field := range []string{"name", "email", "userId", "phone"} {
			if strings.Contains(strings.ToLower(stringField(contact.fields, field)), needle) {
				hits = append(hits, contact)
				break
			}
		}
	}
	return c.answerList(hits)
}

// unsubscribe marks the contacts body names by user id or e-mail unsubscribed, with the reason and the
// time, and answers {"success": true}. Names no contact has are passed over.
func (c *contacts) unsubscribe(body []byte) answer {
	var req api.UnsubscribeContactsRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not an unsubscription: "+err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := jsonText(c.now().UTC().Round(0).Format(time.RFC3339Nano))
	for _, key := range req.Sessions {
		for _, contact := range c.sorted() {
			if key.UserID != nil && contact.userID() == *key.UserID ||
				key.Email != nil && strings.EqualFold(stringField(contact.fields, "email"), *key.Email) {
				changes := map[string]json.RawMessage{"unsubscribed": jsonText(true), "unsubscribedAt": now}
				if req.Reason != nil {
					changes["unsubscribeReason"] = jsonText(*req.Reason)
				}
				c.change(contact, changes) // takes no user id: never refused
			}
		}
	}
	return encodedAnswer(api.UnsubscribeContactsAnswer{Success: true})
}

// resubscribe subscribes contact id again, answering true, or 404.
func (c *contacts) resubscribe(id string) answer {
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byID[id]
	if contact == nil {
		return contactNotFound("id", id)
	}
	delete(contact.fields, "unsubscribedAt")
	delete(contact.fields, "unsubscribeReason")
	c.change(contact, map[string]json.RawMessage{"unsubscribed": jsonText(false)})
	return encodedAnswer(true)
}

// identify creates the contact with body's user id, or changes the one there is: the known fields body
// sets replace the stored ones, and its other members (the caller's own attributes) are merged into the
// contact's customData. It answers with the contact.
func (c *contacts) identify(body []byte) answer {
	var req api.IdentifyRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not an identification: "+err.Error())
	}
	attributes := req.AdditionalProperties
	req.AdditionalProperties = nil
	fields, err := requestFields(jsonText(req), &api.CreateContactRequest{})
	if err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not an identification: "+err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	contact := c.byUserID[req.UserID]
	if contact == nil {
		contact = c.add(map[string]json.RawMessage{"userId": jsonText(req.UserID)})
	}
	if len(attributes) > 0 {
		customData := map[string]any{}
		_ = json.Unmarshal(contact.fields["customData"], &customData) // an object, as openapi.yaml has it
		maps.Copy(customData, attributes)
		fields["customData"] = jsonText(customData)
	}
	c.change(contact, fields) // the user id is the contact's own
	return jsonAnswer(http.StatusOK, contact.answer())
}

// track records the events of body for the contacts they name by user id, creating the contacts it
// does not have, as identify would with the user id alone; it keeps a contact's newest
// maxEventsPerContact events. It answers {"success": true}.
func (c *contacts) track(body []byte) answer {
	var req api.TrackEventsRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return errorAnswer(http.StatusBadRequest, "the body is not a batch of events: "+err.Error())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, event := range req.Events {
		contact := c.byUserID[event.UserID]
		if contact == nil {
			contact = c.add(map[string]json.RawMessage{"userId": jsonText(event.UserID)})
		}
		c.addEvent(contact, event)
	}
	return encodedAnswer(map[string]bool{"success": true})
}

// clear forgets every contact and its events; the ids the store hands out go on.
func (c *contacts) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.byID)
	clear(c.byUserID)
	c.bytes = 0
}

// Contacts returns the contacts the server stores now, oldest first, as the server answers with them:
// created by POST /v3/sessions, identify or track, changed by PUT and identify, without the ones
// DELETE, forget or the store's bounds (WithMaxMessages, which bounds contacts too) removed.
func (s *Server) Contacts() []api.Contact {
	s.contacts.mu.Lock()
	defer s.contacts.mu.Unlock()
	stored := s.contacts.sorted()
	list := make([]api.Contact, len(stored))
	for i, contact := range stored {
		if err := json.Unmarshal(contact.answer(), &list[i]); err != nil {
			// The store builds its contacts from openapi.yaml's own fields, which api.Contact is generated from.
			panic(fmt.Sprintf("gleaptest: stored contact %s does not decode into api.Contact: %v", contact.id, err))
		}
	}
	return list
}

// Events returns the events the server keeps of the contact with user id userID, in the order they
// were tracked (the newest 1000), as POST /admin/track sent them; none when it has no such contact.
func (s *Server) Events(userID string) []api.TrackEvent {
	s.contacts.mu.Lock()
	defer s.contacts.mu.Unlock()
	contact := s.contacts.byUserID[userID]
	if contact == nil {
		return nil
	}
	events := make([]api.TrackEvent, len(contact.events))
	for i, stored := range contact.events {
		events[i] = stored.event
	}
	return events
}
