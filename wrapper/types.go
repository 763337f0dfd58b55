package wrapper

import "github.com/gleap-community/gleap-go/api"

// The types of the API, generated from openapi.yaml into package api, under the names callers use: a
// program needs to import only this package.
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
	// Message is a stored message, as Gleap answers with it.
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
	// UserOrID is Message.User: the team member as an object (AsMessageUser) or a bare id (AsObjectID).
	UserOrID = api.Message_User
	// SessionOrID is Message.Session: the contact as an object (AsMessageSession) or a bare id
	// (AsObjectID).
	SessionOrID = api.Message_Session
	// RequestEditorFn changes a request of the generated client before it is sent; BearerAuth and
	// ProjectHeader make the two that authenticate it.
	RequestEditorFn = api.RequestEditorFn
)
