package wrapper

import (
	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/ref"
)

// The types of the API, generated from openapi.yaml into package api, under the names callers use: a
// program needs to import only this package. Each is an alias, so its fields, with their meaning, are
// documented on the generated type: `go doc github.com/gleap-community/gleap-go/api.Message` (or the api
// package on pkg.go.dev) lists every field of Message, and likewise for each name below.
type (
	// CreateMessageRequest is the body of "Create a new message": every field is optional, and a field
	// left nil is not sent.
	CreateMessageRequest = api.CreateMessageRequest
	// UpdateMessageRequest is the body of "Update a message": only the fields that are set are sent, and
	// only they change. It has the same fields as CreateMessageRequest.
	UpdateMessageRequest = api.UpdateMessageRequest
	// SearchResult is the answer to Messages.Search: the hits as the server sent them.
	SearchResult = api.MessageSearchResult
	// MessageAction is an action offered with a message, such as a button.
	MessageAction = api.MessageAction
	// Message is a stored message, as Gleap answers with it. ID, DocumentID, Type, CreatedAt, UpdatedAt
	// and Index are values (zero when an answer left them out), User and Session are references
	// (UserRef, SessionRef), the other fields are nil when not sent. Fields: go doc ...api.Message.
	Message = api.Message
	// Attachment is a file attached to a message, given by URL.
	Attachment = api.Attachment
	// Channel is the external channel (email, WhatsApp, ...) a message came from or goes out through.
	Channel = api.Channel
	// FallbackUser is who a message is shown as coming from when it has no Gleap user.
	FallbackUser = api.FallbackUser
	// MessageUser is the team member who wrote a message, when Gleap embeds the whole object.
	MessageUser = api.MessageUser
	// MessageSession is the contact of a conversation, when Gleap embeds the whole object.
	MessageSession = api.MessageSession
	// UserRef is Message.User, the team member who wrote a message, which Gleap sends as a bare id or as
	// the whole object: its ID is the id either way ("" when not sent), its Object the *MessageUser when
	// Gleap embedded it (nil for a bare id).
	UserRef = ref.IDOr[api.MessageUser]
	// SessionRef is Message.Session, the contact of the conversation, sent as a bare id or as the whole
	// object: its ID is the id either way, its Object the *MessageSession when Gleap embedded it.
	SessionRef = ref.IDOr[api.MessageSession]
	// Ticket is a stored ticket, as gleap-go reads Gleap's untyped answers: ID, DocumentID, Number
	// (bugId), Title, Type, Status, Priority, Tags, Archived, Snoozed, ShareToken, CreatedAt and UpdatedAt
	// are values (zero when not sent), ProcessingUser, ProcessingTeam and Session references (an id or the
	// object), the other fields nil when not sent. Fields: go doc ...api.Ticket.
	Ticket = api.Ticket
	// CreateTicketRequest is the body of Tickets.Create: the fields of a ticket a caller sets, every one
	// optional; a field left nil is not sent.
	CreateTicketRequest = api.CreateTicketRequest
	// UpdateTicketRequest is the body of Tickets.Update: only the fields that are set are sent, and only
	// they change. Tags, when set, replace every tag (an empty, non-nil list removes them all).
	UpdateTicketRequest = api.UpdateTicketRequest
	// ComposeTicketRequest is the body of Tickets.Compose: a new ticket (Type and Title required) with its
	// first message, for a contact named by Session or Email.
	ComposeTicketRequest = api.ComposeTicketRequest
	// TicketPriority is how urgent a ticket is: PriorityLow, PriorityMedium or PriorityHigh.
	TicketPriority = api.TicketPriority
	// TicketUser is the team member a ticket is assigned to, when Gleap embeds the whole object.
	TicketUser = api.TicketUser
	// TicketTeam is the team a ticket is assigned to, when Gleap embeds the whole object.
	TicketTeam = api.TicketTeam
	// TicketSession is the contact a ticket is about, when Gleap embeds the whole object.
	TicketSession = api.TicketSession
	// TicketUserRef is Ticket.ProcessingUser, an id or the whole object: its ID is the id either way.
	TicketUserRef = ref.IDOr[api.TicketUser]
	// TicketTeamRef is Ticket.ProcessingTeam, an id or the whole object: its ID is the id either way.
	TicketTeamRef = ref.IDOr[api.TicketTeam]
	// TicketSessionRef is Ticket.Session, an id or the whole object: its ID is the id either way.
	TicketSessionRef = ref.IDOr[api.TicketSession]
	// Contact is a stored contact (Gleap's session): ID (Gleap's own id), UserID (yours), Email, Name,
	// Tags, CreatedAt and UpdatedAt are values, the other fields are nil when not sent. Fields: go doc
	// ...api.Contact.
	Contact = api.Contact
	// CreateContactRequest is the body of Contacts.Create: every field is optional, and a field left nil
	// is not sent.
	CreateContactRequest = api.CreateContactRequest
	// UpdateContactRequest is the body of Contacts.Update and Upsert: only the fields that are set are
	// sent, and only they change. Tags, when set, replace every tag (an empty, non-nil list removes them
	// all); CustomData, when set, replaces all of your data.
	UpdateContactRequest = api.UpdateContactRequest
	// IdentifyRequest is the body of Contacts.Identify: the contact's UserID (required), the fields to
	// set, and your own attributes in AdditionalProperties (or with its Set method), sent beside them.
	IdentifyRequest = api.IdentifyRequest
	// Event is one event of a contact, for Contacts.Track and a Tracker: UserID and Name are required,
	// Date is when it happened (the time it is tracked when zero), Data its metadata, at most
	// MaxEventDataKeys keys.
	Event = api.TrackEvent
	// Company is a stored company; CompanyID, CreatedAt and UpdatedAt are values.
	Company = api.Company
	// CompanyRequest is the body of Companies.Put: only the fields that are set are sent, and only they
	// change.
	CompanyRequest = api.CompanyRequest
	// CompanyAddress is a company's postal address.
	CompanyAddress = api.CompanyAddress
	// RequestEditorFn changes a request of the generated client before it is sent; BearerAuth and
	// ProjectHeader make the two that authenticate it.
	RequestEditorFn = api.RequestEditorFn
)
