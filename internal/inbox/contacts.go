package inbox

import (
	"cmp"
	"strings"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/ref"
)

// contactIndex finds the stored contact a ticket is for by its id: a ticket composed for an e-mail
// address holds the id of the contact compose found or made for it.
type contactIndex map[string]api.Contact

// indexContacts indexes the contacts a server stores.
func indexContacts(contacts []api.Contact) contactIndex {
	index := make(contactIndex, len(contacts))
	for _, contact := range contacts {
		index[contact.ID] = contact
	}
	return index
}

// describe returns what the inbox shows of the contact session names: the stored contact's name, e-mail
// address and user id when the server stores it, else what the ticket embeds of it, else its id; "" when
// the ticket names no contact.
func (index contactIndex) describe(session ref.IDOr[api.TicketSession]) string {
	embedded := api.TicketSession{}
	if session.Object != nil {
		embedded = *session.Object
	}
	id := cmp.Or(session.ID, deref(embedded.ID))
	if contact, stored := index[id]; stored && id != "" {
		return cmp.Or(contactLabel(contact.Name, contact.Email, contact.UserID), contact.ID)
	}
	return cmp.Or(contactLabel(deref(embedded.Name), deref(embedded.Email), deref(embedded.UserID)), id)
}

// contactLabel joins what is known of a contact: "Name <email> · user id U", each part only when set.
func contactLabel(name, email, userID string) string {
	var parts []string
	switch {
	case name != "" && email != "":
		parts = append(parts, name+" <"+email+">")
	case name != "" || email != "":
		parts = append(parts, name+email)
	}
	if userID != "" {
		parts = append(parts, "user id "+userID)
	}
	return strings.Join(parts, " · ")
}

// deref returns the text text points to, "" for nil.
func deref(text *string) string {
	if text == nil {
		return ""
	}
	return *text
}
