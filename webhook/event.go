package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/api"
)

// The events Gleap is known to post, and the ones gleap mock posts besides. Gleap documents no list of
// its events; it posts more than these, and Parse accepts any name.
const (
	// TicketCreated is posted when a ticket is opened; its Data is the ticket.
	TicketCreated = "ticket.created"
	// TicketUpdated is posted when a ticket changes (status, assignee, tags, archive, ...); its Data is
	// the ticket as it is now.
	TicketUpdated = "ticket.updated"
	// MessageCreated is posted by gleap mock when a message is stored; its Data is the message. It is
	// the mock's own name: Gleap's name for such an event, if it posts one, is not documented.
	MessageCreated = "message.created"
)

// Event is one delivery of a webhook: the envelope Gleap posts, {"event", "projectId", "data"}, with
// its data decoded into the type the event names. Encoded with encoding/json it is that envelope again.
type Event struct {
	// Type names what happened, such as TicketCreated ("ticket.created"): the envelope's "event".
	Type string `json:"event"`
	// ProjectID is the id of the Gleap project the event is about ("" when the delivery has none).
	ProjectID string `json:"projectId,omitempty"`
	// Data is the event's object as it was sent: the ticket of a "ticket." event, the message of a
	// "message." event. It is nil when the delivery has no "data".
	Data json.RawMessage `json:"data,omitempty"`
	// Ticket is Data decoded, for an event whose Type starts with "ticket.". It is nil for other events,
	// and when Data is not a ticket (not an object, or a field of another type than Ticket's): Data
	// still holds it.
	Ticket *api.Ticket `json:"-"`
	// Message is Data decoded, for an event whose Type starts with "message.", nil otherwise or when Data
	// is not a message.
	Message *api.Message `json:"-"`
	// Body is the whole delivery, byte for byte as it was received.
	Body json.RawMessage `json:"-"`
}

// ErrMalformed is wrapped by the error of Parse for a body that is not a webhook's envelope. A receiver
// answers such a delivery 400 Bad Request: sending it again cannot help.
var ErrMalformed = errors.New("webhook: malformed delivery")

// Parse reads body, one delivery, into an Event. The body must be a JSON object whose "event" is a
// non-empty string and whose "projectId", when present, is a string; anything else wraps ErrMalformed.
// The error never quotes the body. The data is decoded leniently: fields Gleap adds are ignored, and data
// that does not decode into the event's type leaves Ticket or Message nil rather than failing.
//
// Parse does not check a secret: Handler does that first, and a delivery whose secret was not checked
// may come from anyone.
func Parse(body []byte) (*Event, error) {
	var envelope struct {
		Type      json.RawMessage `json:"event"`
		ProjectID json.RawMessage `json:"projectId"`
		Data      json.RawMessage `json:"data"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: the body is not a JSON object", ErrMalformed)
	}
	if err := json.Unmarshal(trimmed, &envelope); err != nil {
		return nil, fmt.Errorf("%w: the body is not valid JSON", ErrMalformed)
	}
	event := &Event{Body: body}
	if json.Unmarshal(envelope.Type, &event.Type) != nil || event.Type == "" {
		return nil, fmt.Errorf("%w: \"event\" is missing or not a non-empty string", ErrMalformed)
	}
	if envelope.ProjectID != nil && !isNull(envelope.ProjectID) && json.Unmarshal(envelope.ProjectID, &event.ProjectID) != nil {
		return nil, fmt.Errorf("%w: \"projectId\" is not a string", ErrMalformed)
	}
	if envelope.Data != nil && !isNull(envelope.Data) {
		event.Data = envelope.Data
	}
	event.decodeData()
	return event, nil
}

// decodeData fills Ticket or Message from Data, as the event's Type says.
func (e *Event) decodeData() {
	if len(e.Data) == 0 || e.Data[0] != '{' {
		return
	}
	switch {
	case strings.HasPrefix(e.Type, "ticket."):
		var ticket api.Ticket
		if json.Unmarshal(e.Data, &ticket) == nil {
			e.Ticket = &ticket
		}
	case strings.HasPrefix(e.Type, "message."):
		var message api.Message
		if json.Unmarshal(e.Data, &message) == nil {
			e.Message = &message
		}
	}
}

// isNull reports whether value, a JSON value, is null.
func isNull(value json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(value), []byte("null"))
}
