package wrapper

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/api"
)

// Limits of the events Contacts.Track and a Tracker send.
const (
	// MaxEventDataKeys is how many metadata keys an event may have: Gleap keeps ten and ignores the rest
	// (its Segment destination says so), so an event with more is refused rather than cut.
	MaxEventDataKeys = 10
	// MaxEventsPerRequest is the most events one request carries. Gleap documents no limit; Gleap's admin
	// SDK sends what it gathered in 2.5 seconds at once.
	MaxEventsPerRequest = 1000
)

// eventNameReplacer replaces the characters Gleap replaces in an event's name.
var eventNameReplacer = strings.NewReplacer(".", "-", "$", "-")

// NormalizeEventName returns name as Gleap keeps it: with every period and dollar sign replaced by a
// hyphen, as Gleap's Segment destination documents ("invoice.paid" is kept as "invoice-paid"). Gleap
// also treats names case-insensitively, so "Signup" and "signup" count as one event; the case is sent as
// given, as Gleap does not say which spelling it shows. Contacts.Track and a Tracker send every name
// normalised.
func NormalizeEventName(name string) string {
	return eventNameReplacer.Replace(name)
}

// prepareEvent returns event as it is sent, checked: its name normalised, its Date now when zero, its
// Data a copy (so that the caller may reuse its map). A problem is a *ValidationError naming the field as
// field (such as "events[3]") plus the field's JSON name.
func prepareEvent(field string, event Event, now time.Time) (Event, error) {
	event.Name = NormalizeEventName(event.Name)
	if invalid := checkText(field+".userId", event.UserID); invalid != nil {
		return event, invalid
	}
	if invalid := checkText(field+".name", event.Name); invalid != nil {
		return event, invalid
	}
	if len(event.Data) > MaxEventDataKeys {
		return event, &ValidationError{Field: field + ".data", Problem: fmt.Sprintf(
			"has %d keys; Gleap keeps at most %d of an event's metadata and ignores the rest", len(event.Data), MaxEventDataKeys)}
	}
	if event.Date.IsZero() {
		event.Date = now
	}
	event.Data = maps.Clone(event.Data)
	for key, value := range event.Data {
		if invalid := checkEncodable(fmt.Sprintf("%s.data[%q]", field, key), key, value); invalid != nil {
			return event, invalid
		}
	}
	return event, nil
}

// checkEncodable refuses a member of the caller's data (key and value) that encoding/json cannot send as
// given: a value it cannot encode, or a key or string that is not UTF-8, which it would send as U+FFFD.
// field names the member.
func checkEncodable(field, key string, value any) *ValidationError {
	encoded, err := encodeJSON(value)
	switch {
	case err != nil:
		return &ValidationError{Field: field, Problem: "cannot be encoded as JSON"}
	case !utf8.ValidString(key) || bytes.Contains(encoded, []byte(`\ufffd`)) || !utf8.Valid(encoded):
		return &ValidationError{Field: field, Problem: "is not valid UTF-8"}
	}
	return nil
}

// encodeEvents prepares events as prepareEvent does, at now, and encodes them as one request: at most
// MaxEventsPerRequest events and MaxRequestBytes.
func encodeEvents(events []Event, now time.Time) ([]byte, error) {
	switch {
	case len(events) == 0:
		return nil, &ValidationError{Field: "events", Problem: "holds no event"}
	case len(events) > MaxEventsPerRequest:
		return nil, &ValidationError{Field: "events", Problem: fmt.Sprintf("holds %d events, more than the %d a request carries; a Tracker sends any number in batches", len(events), MaxEventsPerRequest)}
	}
	prepared := make([]Event, len(events))
	for i, event := range events {
		var err error
		if prepared[i], err = prepareEvent(fmt.Sprintf("events[%d]", i), event, now); err != nil {
			return nil, err
		}
	}
	encoded, err := encodeJSON(api.TrackEventsRequest{Events: prepared})
	if err != nil {
		return nil, &ValidationError{Field: "events", Problem: "cannot be encoded as JSON"}
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}

// eventSize returns how many bytes event adds to a request's body: its encoding and a comma.
func eventSize(event Event) (int, error) {
	encoded, err := json.Marshal(event)
	return len(encoded) + 1, err
}
