package gleaptest

import "encoding/json"

// forget answers DELETE /admin/contacts/{userId}, a GDPR erasure: the contact with user id userID is
// gone, and so is what hangs off it: its events, its tickets (a ticket composed for an e-mail address is
// the tickets of the contact compose found or made for it) with their messages, and the messages posted
// with it as their contact.
func (s *Server) forget(userID string) answer {
	a, contact := s.contacts.forget(userID)
	if contact != nil {
		s.tickets.removeContact(contact.id)
		s.store.removeSession(contact.id)
	}
	return a
}

// removeContact deletes the tickets of the contact contactID, with their messages.
func (s *ticketStore) removeContact(contactID string) {
	for _, t := range s.snapshot() {
		if t.ticket.Session.ID == contactID {
			s.delete(t.ticket.ID)
		}
	}
}

// removeSession forgets the messages whose contact (session) is contactID.
func (s *store) removeSession(contactID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.messages) - 1; i >= 0; i-- {
		var message struct {
			Session struct {
				ID string `json:"_id"`
			} `json:"session"`
		}
		if json.Unmarshal(s.messages[i].answer, &message) == nil && message.Session.ID == contactID {
			s.remove(i)
		}
	}
}
