package wrapper

import (
	"context"
	"errors"
	"net/http"
)

// Upsert makes the contact whose user id is userID hold the fields req sets, creating it when there is
// none: it finds the contact by its user id (FindByUserID), then updates it with req (Update) or creates
// it with req and the user id (Create). It returns the contact as it is now, and whether this call
// created it. req.UserID, when set, must be userID. req and userID are checked before anything is sent.
//
// Upsert is safe to call again after any failure: the next call finds what an earlier one created. When
// the create's outcome is unknown (a 5xx, a timeout), Upsert looks the user id up once more itself: found,
// the contact is updated and counted as created; not found, it returns the create's error, wrapping
// ErrOutcomeUnknown, and never creates a second time on its own.
//
// Two Upserts of the same user id at the same time can both find no contact and both create one. A
// server that refuses a second contact with one user id (409 Conflict, as gleaptest does) makes the later
// one find the other's contact and update it instead, so the contact ends with the fields of both, and
// where both set a field, with the value of the one that wrote last. A server that accepts a second
// contact with the same user id (Gleap does not document which it does) keeps two. Upserts of a contact
// that exists are plain updates: each sends only the fields it sets, and the last write of a field wins.
func (c *ContactsService) Upsert(ctx context.Context, userID string, req UpdateContactRequest, opts ...Option) (*Contact, bool, error) {
	if err := CheckUpsert(userID, req); err != nil {
		return nil, false, err
	}
	req.UserID = &userID
	contact, err := c.updateByUserID(ctx, userID, req, opts)
	if !hasStatus(err, http.StatusNotFound) {
		return contact, false, err
	}
	created, err := c.Create(ctx, req, opts...)
	switch {
	case err == nil:
		return created, true, nil
	case hasStatus(err, http.StatusConflict):
		// Another writer created it since: it is this contact.
		contact, err := c.updateByUserID(ctx, userID, req, opts)
		return contact, false, err
	case errors.Is(err, ErrOutcomeUnknown):
		if contact, lookupErr := c.updateByUserID(ctx, userID, req, opts); lookupErr == nil {
			return contact, true, nil
		}
	}
	return nil, false, err
}

// CheckUpsert checks userID and req as Upsert does before it sends anything: userID is an id that can go
// into a URL path (not blank, valid UTF-8, not "." or "..", at most 1024 bytes), req.UserID, when set, is
// userID, and req is a contact CheckContact accepts. It returns a *ValidationError. Check a whole input
// with it before upserting any of it, as gleap contacts import does.
func CheckUpsert(userID string, req UpdateContactRequest) error {
	if err := checkID("userID", userID); err != nil {
		return err
	}
	if req.UserID != nil && *req.UserID != userID {
		return &ValidationError{Field: "userId", Problem: "differs from the user id the contact is upserted by"}
	}
	req.UserID = &userID
	return CheckContact(req)
}

// updateByUserID finds the contact whose user id is userID and updates it with req. A contact not found
// fails as FindByUserID fails, with a 404 *APIError.
func (c *ContactsService) updateByUserID(ctx context.Context, userID string, req UpdateContactRequest, opts []Option) (*Contact, error) {
	found, err := c.FindByUserID(ctx, userID, opts...)
	if err != nil {
		return nil, err
	}
	return c.Update(ctx, found.ID, req, opts...)
}
