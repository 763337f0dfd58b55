package wrapper

import (
	"bytes"
	"context"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// ContactsService holds the calls of contacts, which Gleap calls sessions: create, get, find by user id,
// update, delete, list, search, unsubscribe and resubscribe, and Upsert (contacts_upsert.go), over the
// routes of Gleap's document; Identify, Track and Forget (contacts_admin.go) over Gleap's admin routes,
// and the Tracker that sends events in batches (tracker.go). Reach it as client.Contacts.
//
// A contact has two ids: ID, Gleap's own (its session id), which the routes of Gleap's document take,
// and UserID, the caller's own, which identify, track and forget take.
//
// Gleap's API reference: https://docs.gleap.io/api-reference (Session); the admin routes are known from
// Gleap's Node admin SDK (gleap-admin) and its Segment destination, not from its reference.
type ContactsService struct {
	engine *engine
}

// Create creates a contact (POST /sessions) and returns the contact Gleap stored. Fields of req left nil
// are not sent; req is checked first (see CheckContact), a problem is a *ValidationError and nothing is
// sent. Like Messages.Create, it is retried only when the contact provably was not created. A user id
// another contact has is refused by gleaptest with 409; whether Gleap refuses it is not documented.
func (c *ContactsService) Create(ctx context.Context, req CreateContactRequest, opts ...Option) (*Contact, error) {
	return call[Contact](ctx, c.engine, opts, func() (endpoint, error) {
		encoded, err := encodeContactInput(req)
		return newEndpoint("create contact", http.MethodPost, "/sessions", func(server string) (*http.Request, error) {
			return api.NewCreateContactRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Get returns the contact contactID (Gleap's session id) as it is now (GET /sessions/{sessionId}).
func (c *ContactsService) Get(ctx context.Context, contactID string, opts ...Option) (*Contact, error) {
	return call[Contact](ctx, c.engine, opts, func() (endpoint, error) {
		return newEndpoint("get contact", http.MethodGet, "/sessions/{sessionId}", func(server string) (*http.Request, error) {
			return api.NewGetContactRequest(server, contactID)
		}), checkID("contactID", contactID)
	})
}

// FindByUserID returns the contact whose user id, the caller's own id for it, is userID (GET
// /sessions/by-user-id/{userId}). A user id no contact has fails with a *RequestError whose *APIError
// has StatusCode 404.
func (c *ContactsService) FindByUserID(ctx context.Context, userID string, opts ...Option) (*Contact, error) {
	return call[Contact](ctx, c.engine, opts, func() (endpoint, error) {
		return newEndpoint("find contact", http.MethodGet, "/sessions/by-user-id/{userId}", func(server string) (*http.Request, error) {
			return api.NewFindContactByUserIDRequest(server, userID)
		}), checkID("userID", userID)
	})
}

// Update changes the contact contactID (PUT /sessions/{sessionId}) and returns it as it is now. Only the
// fields of req that are set are sent, and only they change; a field sent replaces the stored one whole
// (Tags every tag, CustomData all of the caller's data). The call is idempotent and retried after any
// failure the RetryPolicy allows.
func (c *ContactsService) Update(ctx context.Context, contactID string, req UpdateContactRequest, opts ...Option) (*Contact, error) {
	return call[Contact](ctx, c.engine, opts, func() (endpoint, error) {
		if err := checkID("contactID", contactID); err != nil {
			return endpoint{}, err
		}
		encoded, err := encodeContactInput(req)
		return newEndpoint("update contact", http.MethodPut, "/sessions/{sessionId}", func(server string) (*http.Request, error) {
			return api.NewUpdateContactRequestWithBody(server, contactID, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Delete removes the contact contactID (DELETE /sessions/{sessionId}). It is retried like Update; a 404
// to a retry after an attempt whose outcome was unknown means that attempt deleted it, and Delete returns
// nil. To erase a contact as a GDPR request asks, with what Gleap keeps about it, use Forget.
func (c *ContactsService) Delete(ctx context.Context, contactID string, opts ...Option) error {
	return goneAfterUnknownOutcome(c.engine.do(ctx, opts, func() (endpoint, error) {
		return newEndpoint("delete contact", http.MethodDelete, "/sessions/{sessionId}", func(server string) (*http.Request, error) {
			return api.NewDeleteContactRequest(server, contactID)
		}), checkID("contactID", contactID)
	}, nil))
}

// Search finds the contacts matching term, by name, e-mail, user id or phone number (GET
// /sessions/search), without paging.
func (c *ContactsService) Search(ctx context.Context, term string, opts ...Option) ([]Contact, error) {
	found, err := call[contactList](ctx, c.engine, opts, func() (endpoint, error) {
		var err error
		if invalid := checkText("term", term); invalid != nil {
			err = invalid
		}
		return newEndpoint("search contacts", http.MethodGet, "/sessions/search", func(server string) (*http.Request, error) {
			return api.NewSearchContactsRequest(server, &api.SearchContactsParams{SearchTerm: term})
		}), err
	})
	if err != nil {
		return nil, err
	}
	return *found, nil
}

// Unsubscribe unsubscribes the contacts, named by Email or UserID (Phone is not taken), from the
// project's e-mails, for reason ("" for none), in one call (POST /sessions/unsubscribe). Unsubscribing
// again leaves a contact unsubscribed, so the call is retried like Update. A name no contact has is
// passed over by Gleap without an error.
func (c *ContactsService) Unsubscribe(ctx context.Context, reason string, contacts []ContactQuery, opts ...Option) error {
	return c.engine.do(ctx, opts, func() (endpoint, error) {
		req, err := unsubscription(reason, contacts)
		unsubscribe := newEndpoint("unsubscribe contacts", http.MethodPost, "/sessions/unsubscribe", func(server string) (*http.Request, error) {
			return api.NewUnsubscribeContactsRequest(server, req)
		})
		unsubscribe.idempotent = true
		return unsubscribe, err
	}, nil)
}

// Resubscribe subscribes the contact contactID to the project's e-mails again (PUT
// /sessions/{sessionId}/resubscribe). It is retried like Update.
func (c *ContactsService) Resubscribe(ctx context.Context, contactID string, opts ...Option) error {
	return c.engine.do(ctx, opts, func() (endpoint, error) {
		return newEndpoint("resubscribe contact", http.MethodPut, "/sessions/{sessionId}/resubscribe", func(server string) (*http.Request, error) {
			return api.NewResubscribeContactRequest(server, contactID, api.ResubscribeContactRequest{})
		}), checkID("contactID", contactID)
	}, nil)
}

// contactList decodes the answer to listing or searching contacts: a bare array, as Gleap's document
// has it.
type contactList []Contact

// acceptsJSON takes an array.
func (*contactList) acceptsJSON(first byte) bool { return first == '[' }
