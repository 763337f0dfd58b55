package wrapper

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/gleap-community/gleap-go/api"
)

// Identify creates the contact whose user id is req.UserID, or changes the one there is (POST
// /admin/identify, Gleap's admin route): the fields req sets replace the stored ones, the others stay,
// and req.AdditionalProperties, your own attributes, travel beside them, as Gleap's admin SDK sends its
// customData. Gleap's answer is not documented, so it is not read (WithResponseInto keeps it). Setting
// the same fields again sets the same state, so the call is retried like an update.
//
// req is checked first: UserID is not blank, an Email that is set is an e-mail address ("" clears it),
// no attribute is named like a field of IdentifyRequest (set the field) or is empty, and everything can be
// sent as given (valid UTF-8, encodable).
func (c *ContactsService) Identify(ctx context.Context, req IdentifyRequest, opts ...Option) error {
	return c.engine.do(ctx, opts, func() (endpoint, error) {
		encoded, err := encodeIdentify(req)
		identify := newAdminEndpoint("identify contact", http.MethodPost, "/admin/identify", func(server string) (*http.Request, error) {
			return api.NewIdentifyContactRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
		})
		identify.idempotent = true
		return identify, err
	}, nil)
}

// Track records events of contacts named by user id, in one request (POST /admin/track, Gleap's admin
// route, which Gleap's own SDKs send batches to): at most MaxEventsPerRequest of them. Each event is
// checked and sent as Gleap keeps it: its name normalised (NormalizeEventName), its Date the time of the
// call when zero, at most MaxEventDataKeys metadata keys (more are refused, not cut). A contact Gleap does
// not know yet is created by its first event in gleaptest; Gleap does not document what it does.
//
// Like Messages.Create, Track is retried only when the events provably were not recorded: after an
// unknown outcome they may be, and sending them again could record them twice. For many events over
// time, a Tracker batches them, sends them in the background and reports what fails.
func (c *ContactsService) Track(ctx context.Context, events []Event, opts ...Option) error {
	return c.engine.do(ctx, opts, func() (endpoint, error) {
		encoded, err := encodeEvents(events, c.engine.settings.now().UTC())
		return trackEndpoint(encoded), err
	}, nil)
}

// trackEndpoint is POST /admin/track with encoded, a batch of events, as its body.
func trackEndpoint(encoded []byte) endpoint {
	return newAdminEndpoint("track events", http.MethodPost, "/admin/track", func(server string) (*http.Request, error) {
		return api.NewTrackEventsRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
	})
}

// Forget deletes the contact whose user id is userID and what Gleap keeps about it, as a GDPR erasure
// request asks (DELETE /admin/contacts/{userId}, Gleap's admin route). It is retried like Delete, and a
// 404 to a retry after an attempt whose outcome was unknown means that attempt forgot it: Forget then
// returns nil.
func (c *ContactsService) Forget(ctx context.Context, userID string, opts ...Option) error {
	return goneAfterUnknownOutcome(c.engine.do(ctx, opts, func() (endpoint, error) {
		return newAdminEndpoint("forget contact", http.MethodDelete, "/admin/contacts/{userId}", func(server string) (*http.Request, error) {
			return api.NewForgetContactRequest(server, userID)
		}), checkID("userID", userID)
	}, nil))
}

// identifyFields are the JSON names of IdentifyRequest's own fields, which an attribute may not take.
var identifyFields = func() []string {
	var names []string
	request := reflect.TypeFor[IdentifyRequest]()
	for i := range request.NumField() {
		if name := jsonName(request.Field(i)); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}()

// encodeIdentify encodes req as it is sent and checks it (see Identify).
func encodeIdentify(req IdentifyRequest) ([]byte, error) {
	if invalid := checkText("userId", req.UserID); invalid != nil {
		return nil, invalid
	}
	if req.Email != nil && *req.Email != "" {
		if invalid := checkEmail("email", *req.Email); invalid != nil {
			return nil, invalid
		}
	}
	for key, value := range req.AdditionalProperties {
		field := fmt.Sprintf("AdditionalProperties[%q]", key)
		switch {
		case key == "":
			return nil, &ValidationError{Field: field, Problem: "has no name"}
		case slices.Contains(identifyFields, key):
			return nil, &ValidationError{Field: field, Problem: "is a field of IdentifyRequest: set the field instead"}
		}
		if invalid := checkEncodable(field, key, value); invalid != nil {
			return nil, invalid
		}
	}
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	if invalid := findInvalidUTF8(req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}
