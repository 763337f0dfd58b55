package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"unicode/utf8"
)

// encodeTicketInput encodes req, a new ticket or a change to one, as it is sent, and checks it: a
// problem is a *ValidationError. Besides what every body is checked for (see checkBody), an id that is
// set is not blank, and neither is a title, a type, a status or a tag; a priority is one of the three
// Gleap documents; FormData and CustomData are JSON objects; every string is valid UTF-8.
func encodeTicketInput(req CreateTicketRequest) ([]byte, error) {
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	if invalid := checkSetIDs(
		namedID{"processingUser", req.ProcessingUser}, namedID{"processingTeam", req.ProcessingTeam},
		namedID{"session", req.Session}, namedID{"title", req.Title}, namedID{"type", req.Type}, namedID{"status", req.Status},
	); invalid != nil {
		return nil, invalid
	}
	if invalid := checkTicketShared(req.Priority, derefTags(req.Tags),
		namedObject{"formData", req.FormData}, namedObject{"customData", req.CustomData}); invalid != nil {
		return nil, invalid
	}
	if invalid := findInvalidUTF8(req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}

// encodeCompose encodes req as it is sent and checks it, as encodeTicketInput checks a ticket, and also:
// Type and Title are set, a contact is named by Session or by Email but not by both, Email is an e-mail
// address, and the message is at most MaxTextBytes.
func encodeCompose(req ComposeTicketRequest) ([]byte, error) {
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	switch {
	case isBlank(req.Type):
		return nil, &ValidationError{Field: "type", Problem: "must not be blank: Gleap requires a ticket's type"}
	case isBlank(req.Title):
		return nil, &ValidationError{Field: "title", Problem: "must not be blank: Gleap requires a ticket's title"}
	case req.Session != nil && req.Email != nil:
		return nil, &ValidationError{Field: "email", Problem: "names a contact besides session: give one of them"}
	case req.Message != nil && len(*req.Message) > MaxTextBytes:
		return nil, &ValidationError{Field: "message", Problem: fmt.Sprintf("is %d bytes, more than the %d accepted", len(*req.Message), MaxTextBytes)}
	}
	if invalid := checkSetIDs(
		namedID{"processingUser", req.ProcessingUser}, namedID{"processingTeam", req.ProcessingTeam},
		namedID{"session", req.Session}, namedID{"status", req.Status},
	); invalid != nil {
		return nil, invalid
	}
	if req.Email != nil {
		if invalid := checkEmail("email", *req.Email); invalid != nil {
			return nil, invalid
		}
	}
	if invalid := checkTicketShared(req.Priority, req.Tags, namedObject{"formData", req.FormData}); invalid != nil {
		return nil, invalid
	}
	if invalid := findInvalidUTF8(req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}

// namedObject is a field of a request that holds a JSON object, with its name.
type namedObject struct {
	field string
	value json.RawMessage
}

// checkTicketShared checks what a new ticket, a change and a composed ticket share: the priority, when
// set, is one Gleap documents; no tag is blank; each of objects that is set is a JSON object.
func checkTicketShared(priority *TicketPriority, tags []string, objects ...namedObject) *ValidationError {
	if priority != nil && !priority.Valid() {
		return &ValidationError{Field: "priority", Problem: "must be PriorityLow, PriorityMedium or PriorityHigh"}
	}
	if invalid := checkTags(tags); invalid != nil {
		return invalid
	}
	return checkObjects(objects...)
}

// checkTags refuses a blank tag.
func checkTags(tags []string) *ValidationError {
	for i, tag := range tags {
		if isBlank(tag) {
			return &ValidationError{Field: fmt.Sprintf("tags[%d]", i), Problem: "must not be blank"}
		}
	}
	return nil
}

// checkObjects refuses the first of objects that is set but not a JSON object.
func checkObjects(objects ...namedObject) *ValidationError {
	for _, object := range objects {
		if trimmed := bytes.TrimSpace(object.value); len(trimmed) > 0 && trimmed[0] != '{' {
			return &ValidationError{Field: object.field, Problem: "must be a JSON object"}
		}
	}
	return nil
}

// checkEmail refuses an address that is not one e-mail address as it is, such as customer@example.com
// (not "Ann <ann@example.com>").
func checkEmail(field, address string) *ValidationError {
	if parsed, err := mail.ParseAddress(address); err != nil || parsed.Address != address {
		return &ValidationError{Field: field, Problem: "must be an e-mail address, such as customer@example.com"}
	}
	return nil
}

// derefTags returns the tags tags points to, none for nil.
func derefTags(tags *[]string) []string {
	if tags == nil {
		return nil
	}
	return *tags
}

// checkText checks a text the caller passes as a parameter: not blank, and valid UTF-8, which a query
// string would otherwise carry as U+FFFD.
func checkText(field, value string) *ValidationError {
	switch {
	case isBlank(value):
		return &ValidationError{Field: field, Problem: "must not be blank when it is set"}
	case !utf8.ValidString(value):
		return &ValidationError{Field: field, Problem: "is not valid UTF-8"}
	}
	return nil
}
