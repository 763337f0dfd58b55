package gleaptest

import (
	"fmt"
	"time"

	"github.com/gleap-community/gleap-go/webhook"
)

// SampleProjectID is the project of the events SampleEvent makes.
const SampleProjectID = "6752e9a8b7c6d5e4f3a20000"

// SampleEvent returns a realistic event of eventType, one of webhook.TicketCreated, webhook.TicketUpdated
// and webhook.MessageCreated, about an object last changed at at: a ticket (a bug report with its
// contact, tags and priority; the update one is assigned and done) or a message (a reply in a ticket),
// shaped as openapi.yaml reads Gleap's tickets and messages, with ids made from at. Its Ticket or Message
// is decoded, as a receiver's would be. Any other eventType is an error.
//
// `gleap webhooks trigger` sends these events.
func SampleEvent(eventType string, at time.Time) (webhook.Event, error) {
	at = at.UTC().Round(0).Truncate(time.Millisecond)
	var data map[string]any
	switch eventType {
	case webhook.TicketCreated:
		data = sampleTicket(at, at)
	case webhook.TicketUpdated:
		data = sampleTicket(at.Add(-time.Hour), at)
		data["status"] = "DONE"
		data["processingUser"] = map[string]any{"_id": sampleAgentID, "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee"}
	case webhook.MessageCreated:
		data = sampleMessage(at)
	default:
		return webhook.Event{}, fmt.Errorf("gleaptest: no sample of event %q: there are %s, %s and %s",
			eventType, webhook.TicketCreated, webhook.TicketUpdated, webhook.MessageCreated)
	}
	event, err := webhook.Parse(jsonText(map[string]any{"event": eventType, "projectId": SampleProjectID, "data": data}))
	if err != nil {
		panic(fmt.Sprintf("gleaptest: the sample of %s is no webhook: %v", eventType, err)) // the samples above are
	}
	return *event, nil
}

// The ids the samples share: the agent who answers and the contact who asks.
const (
	sampleAgentID   = "6752e9a8b7c6d5e4f3a2aaaa"
	sampleContactID = "6752e9a8b7c6d5e4f3a2cccc"
)

// sampleObjectID returns an id in the shape of Gleap's (24 hex digits, a MongoDB ObjectId), made from at
// and kind, so that the ticket and the message of one moment differ.
func sampleObjectID(at time.Time, kind uint8) string {
	return fmt.Sprintf("%08x%02x%014x", uint32(at.Unix()), kind, uint64(at.Nanosecond()))
}

// sampleTicket returns a bug report opened at created and last changed at updated.
func sampleTicket(created, updated time.Time) map[string]any {
	id := sampleObjectID(created, 1)
	return map[string]any{
		"_id": id, "id": id, "bugId": created.Unix() % 10_000,
		"title": "Invoices page stays blank", "description": "Since this morning the invoices page shows nothing.",
		"type": "BUG", "status": "OPEN", "priority": "HIGH", "tags": []string{"billing", "web"},
		"session":   map[string]any{"_id": sampleContactID, "email": "jane@example.com", "name": "Jane Doe", "userId": "u-1042"},
		"formData":  map[string]any{"pageUrl": "https://app.example.com/invoices"},
		"archived":  false,
		"createdAt": created.Format(time.RFC3339Nano), "updatedAt": updated.Format(time.RFC3339Nano),
	}
}

// sampleMessage returns a reply of an agent, posted at at into a ticket.
func sampleMessage(at time.Time) map[string]any {
	id := sampleObjectID(at, 2)
	return map[string]any{
		"_id": id, "id": id, "ticket": sampleObjectID(at.Add(-time.Hour), 1), "type": "COMMENT", "index": 1,
		"comment": map[string]any{"type": "doc", "content": []any{map[string]any{"type": "paragraph",
			"content": []any{map[string]any{"type": "text", "text": "Thanks, Jane: we are on it."}}}}},
		"user":      map[string]any{"_id": sampleAgentID, "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee"},
		"session":   map[string]any{"_id": sampleContactID, "email": "jane@example.com", "name": "Jane Doe"},
		"createdAt": at.Format(time.RFC3339Nano), "updatedAt": at.Format(time.RFC3339Nano),
	}
}
