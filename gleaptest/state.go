package gleaptest

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Snapshot is what a server holds at one moment: the messages, tickets and contacts it stores, the
// records of the requests it got and of the webhooks it posted, for a view of the server such as the
// inbox of `gleap mock`. Everything in it is a copy, safe to keep and to change.
type Snapshot struct {
	// Version is how many changes the server had seen when the snapshot was taken (see Server.Version).
	// A change made while it was taken may be in it already; Changed(Version) then fires at once, so
	// that a view that follows the server misses nothing.
	Version uint64
	// Messages are the stored messages, oldest first: those of Server.Messages, as the server answers
	// with them.
	Messages []StoredMessage
	// Requests are the records of the requests, oldest first: those of Server.Requests.
	Requests []Request
	// Tickets are the stored tickets, oldest first: those of Server.Tickets.
	Tickets []api.Ticket
	// Contacts are the stored contacts, oldest first: those of Server.Contacts.
	Contacts []api.Contact
	// Webhooks are the records of the webhooks posted (WithWebhook), oldest first: those of
	// Server.WebhookDeliveries.
	Webhooks []WebhookDelivery
}

// StoredMessage is a message a server stores.
type StoredMessage struct {
	// ID is the message's id, as in its "_id" and "id".
	ID string
	// Ticket is the id of the message's ticket, nil when it has none.
	Ticket *string
	// CreatedAt and UpdatedAt are when the message was created and last changed, by the server's clock
	// (see WithClock), in UTC.
	CreatedAt, UpdatedAt time.Time
	// JSON is the message as the server answers with it now: a JSON object, an api.Message.
	JSON json.RawMessage
}

// Snapshot returns a copy of what the server holds now. Taking one copies every stored message and
// request record: to wait for a change, use Changed.
func (s *Server) Snapshot() Snapshot {
	snapshot := Snapshot{Version: s.Version()} // first: a change during the copies must fire Changed(Version)
	stored := s.store.snapshot()
	snapshot.Messages = make([]StoredMessage, len(stored))
	for i, message := range stored {
		snapshot.Messages[i] = StoredMessage{ID: message.id, CreatedAt: message.createdAt, UpdatedAt: message.updatedAt,
			JSON: bytes.Clone(message.answer)}
		if message.ticket != nil {
			ticket := *message.ticket // not the store's own: its messages share it
			snapshot.Messages[i].Ticket = &ticket
		}
	}
	snapshot.Tickets = s.Tickets()
	snapshot.Contacts = s.Contacts()
	snapshot.Requests = s.records.all()
	snapshot.Webhooks = s.WebhookDeliveries()
	return snapshot
}

// Version returns how many changes the server has seen: it grows when a request arrives, when it is
// answered (with whatever the request changed in the store), when a webhook delivery's record changes
// (WithWebhook), and at Clear. It never goes back.
func (s *Server) Version() uint64 {
	return s.records.changes.current()
}

// Changed returns a channel that is closed once the server's Version is past version: at once when it
// is already, else at the change that takes it past (the next one, for the Version of a Snapshot). A
// view takes a Snapshot, shows it, then waits on Changed(snapshot.Version), and misses no change. Every
// caller waiting for the same version shares one channel, which the server closes without waiting for
// anyone: a caller that stops waiting simply drops it; a channel for a version far ahead is held until
// the server gets there. Close closes every such channel, and after it Changed returns a closed one: a
// view that follows the server stops when Done is closed.
func (s *Server) Changed(version uint64) <-chan struct{} {
	return s.records.changes.after(version)
}

// Done returns a channel that is closed once Close has stopped the server, as the channels of Changed
// are then: a view that follows the server ends there.
func (s *Server) Done() <-chan struct{} {
	return s.done
}

// Clear forgets every stored message, ticket, contact (with its events) and company, every request
// record and webhook delivery record, and the rate limit's counts, as if the server had just started; a webhook being posted goes on,
// unrecorded. Scripted faults stay. Ids go on from where they were, so that an id is never handed out
// twice, and so do Version and the requests' numbers.
func (s *Server) Clear() {
	s.store.clear()
	s.tickets.clear()
	s.contacts.clear()
	s.companies.clear()
	s.limiter.clear()
	s.webhooks.clear()
	s.records.clear() // last: it announces the change
}

// changes counts the changes to what a Snapshot holds, and wakes whoever waits for the next one. Every
// change to the store comes with a change to a request record, so the records bump it; the webhook
// poster bumps it for its records.
type changes struct {
	mu      sync.Mutex
	version uint64
	next    chan struct{} // closed at the next change; nil while nobody waits
	// later holds a channel for each version ahead of the current one that someone waits to be past,
	// closed once it is: when version reaches its key, it becomes next.
	later  map[uint64]chan struct{}
	closed bool // the server is closed, and so is every channel
}

// closedChannel is what after returns for a change that has happened already.
var closedChannel = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// bump counts a change.
func (c *changes) bump() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	if c.next != nil {
		close(c.next)
	}
	// Who waits to be past the version reached waits for the next change now.
	c.next = c.later[c.version]
	delete(c.later, c.version)
}

// current returns the number of changes so far.
func (c *changes) current() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.version
}

// after returns a channel closed once the number of changes is past version.
func (c *changes) after(version uint64) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed || c.version > version:
		return closedChannel
	case c.version == version:
		if c.next == nil {
			c.next = make(chan struct{})
		}
		return c.next
	}
	if c.later == nil {
		c.later = make(map[uint64]chan struct{})
	}
	if c.later[version] == nil {
		c.later[version] = make(chan struct{})
	}
	return c.later[version]
}

// close wakes every waiter, for good: the server is closed.
func (c *changes) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.next != nil {
		close(c.next)
		c.next = nil
	}
	for version, waiting := range c.later {
		close(waiting)
		delete(c.later, version)
	}
}
