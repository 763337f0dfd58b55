package wrapper

import (
	"fmt"

	"github.com/gleap-community/gleap-go/api"
)

// CheckContact reports what Contacts.Create (or Contacts.Update, or Upsert) would refuse in req before
// sending it: a *ValidationError, or nil. It sends nothing. Use it to check many contacts before sending
// the first, as `gleap contacts import` does.
func CheckContact(req CreateContactRequest) error {
	if _, err := encodeContactInput(req); err != nil {
		return err
	}
	return nil
}

// encodeContactInput encodes req, a new contact or a change to one, as it is sent, and checks it: a
// problem is a *ValidationError. Besides what every body is checked for (see checkBody), a user id that
// is set is not blank, an e-mail address that is set is one ("" clears it), no tag is blank, CustomData
// is a JSON object, an SLA is not negative, and every string is valid UTF-8.
func encodeContactInput(req CreateContactRequest) ([]byte, error) {
	encoded, err := encodeJSON(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	if invalid := checkBody(encoded); invalid != nil {
		return nil, invalid
	}
	if invalid := checkSetIDs(namedID{"userId", req.UserID}); invalid != nil {
		return nil, invalid
	}
	if req.Email != nil && *req.Email != "" {
		if invalid := checkEmail("email", *req.Email); invalid != nil {
			return nil, invalid
		}
	}
	if req.SLA != nil && *req.SLA < 0 {
		return nil, &ValidationError{Field: "sla", Problem: "must not be negative: it is a response time in seconds"}
	}
	if invalid := checkTags(derefTags(req.Tags)); invalid != nil {
		return nil, invalid
	}
	if invalid := checkObjects(namedObject{"customData", req.CustomData}); invalid != nil {
		return nil, invalid
	}
	if invalid := findInvalidUTF8(req, encoded); invalid != nil {
		return nil, invalid
	}
	return encoded, nil
}

// unsubscription checks contacts, named by e-mail or user id, and makes the body that unsubscribes them
// for reason.
func unsubscription(reason string, contacts []ContactQuery) (api.UnsubscribeContactsRequest, error) {
	req := api.UnsubscribeContactsRequest{Sessions: make([]api.ContactKey, len(contacts))}
	if len(contacts) == 0 {
		return req, &ValidationError{Field: "contacts", Problem: "names no contact"}
	}
	if reason != "" {
		if invalid := checkText("reason", reason); invalid != nil {
			return req, invalid
		}
		req.Reason = &reason
	}
	for i, contact := range contacts {
		field := fmt.Sprintf("contacts[%d]", i)
		switch {
		case contact.Phone != "":
			return req, &ValidationError{Field: field + ".Phone", Problem: "is not taken by Gleap's unsubscribe: name the contact by Email or UserID"}
		case contact.Email == "" && contact.UserID == "":
			return req, &ValidationError{Field: field, Problem: "names no contact: set Email or UserID"}
		}
		if contact.Email != "" {
			if invalid := checkEmail(field+".Email", contact.Email); invalid != nil {
				return req, invalid
			}
			req.Sessions[i].Email = Ptr(contact.Email)
		}
		if contact.UserID != "" {
			if invalid := checkText(field+".UserID", contact.UserID); invalid != nil {
				return req, invalid
			}
			req.Sessions[i].UserID = Ptr(contact.UserID)
		}
	}
	return req, nil
}
