package wrapper

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// MessageTypeComment is the message type of a conversation message (a reply, a note or a bot message).
const MessageTypeComment = "COMMENT"

// MaxTextBytes is the longest text, in bytes, that TextMessage and Messages.Reply, Note and BotMessage accept. Gleap does not
// document a limit; this one is far above any conversation message and stops a runaway payload (a whole
// log file, say) from being posted into a ticket.
const MaxTextBytes = 64 << 10

// MessageOption shapes a message built by TextMessage or by the Messages helpers (Reply, Note, BotMessage) before it is checked and
// sent: AsNote, AsBot, AsUser, Attach. Options are applied in order.
type MessageOption func(*CreateMessageRequest)

// PostOption is what Messages.Reply, Note and BotMessage take: MessageOption values that shape the message and Option values
// for the call (WithTimeout, WithMaxRetries, ...), in any order.
type PostOption interface {
	postOption()
}

func (MessageOption) postOption() {}
func (Option) postOption()        {}

// AsNote makes the message an internal note: the team sees it, the contact does not.
func AsNote() MessageOption {
	return func(req *CreateMessageRequest) { req.IsNote = Ptr(true) }
}

// AsBot posts the message as the project's bot instead of a person.
func AsBot() MessageOption {
	return func(req *CreateMessageRequest) { req.Bot = Ptr(true) }
}

// AsUser posts the message as the team member (agent) with the given user id.
func AsUser(userID string) MessageOption {
	return func(req *CreateMessageRequest) { req.User = Ptr(userID) }
}

// Attach attaches a file, given by the URL it can be downloaded from, its file name and its media type
// (such as "application/pdf"; "" leaves it out). Use it once per file.
func Attach(name, fileURL, mediaType string) MessageOption {
	return func(req *CreateMessageRequest) {
		attachment := Attachment{Name: name, URL: fileURL}
		if mediaType != "" {
			attachment.Type = Ptr(mediaType)
		}
		req.Attachments = append(req.Attachments, attachment)
	}
}

// TextMessage builds the request for a plain-text message in a ticket: the text as a TipTap document
// (see PlainTextDoc) with type COMMENT, shaped by opts. It checks the result: the ticket id must not be
// blank, the text must be valid UTF-8, at most MaxTextBytes long, and may be blank only when a file is
// attached, and every attachment needs a name and an absolute http(s) URL. Any problem is a
// *ValidationError.
//
// Use it to inspect or extend a message before passing it to client.Messages.Create.
func TextMessage(ticketID, text string, opts ...MessageOption) (CreateMessageRequest, error) {
	// The text is checked before it becomes a document, which costs far more than the text itself.
	if !utf8.ValidString(text) {
		return CreateMessageRequest{}, &ValidationError{Field: "text", Problem: "is not valid UTF-8"}
	}
	if len(text) > MaxTextBytes {
		return CreateMessageRequest{}, &ValidationError{Field: "text", Problem: fmt.Sprintf("is %d bytes, more than the %d accepted", len(text), MaxTextBytes)}
	}
	req := CreateMessageRequest{
		Ticket:  Ptr(ticketID),
		Type:    Ptr(MessageTypeComment),
		Comment: PlainTextDoc(text),
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&req)
		}
	}
	if req.Ticket == nil || isBlank(*req.Ticket) {
		return req, &ValidationError{Field: "ticketID", Problem: "must not be blank"}
	}
	if isBlank(text) && len(req.Attachments) == 0 {
		return req, &ValidationError{Field: "text", Problem: "must not be blank unless a file is attached"}
	}
	for i, attachment := range req.Attachments {
		if err := checkAttachment(attachment); err != nil {
			err.Field = fmt.Sprintf("attachments[%d].%s", i, err.Field)
			return req, err
		}
	}
	return req, nil
}

// Reply posts text as a reply in the ticket, visible to the contact, and returns the stored message. It
// is TextMessage followed by Create: invalid input is a *ValidationError and nothing is sent. opts may
// shape the message (AsUser, Attach, ...) and set options for the call (WithTimeout, ...).
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/create-a-new-message
func (m *MessagesService) Reply(ctx context.Context, ticketID, text string, opts ...PostOption) (*Message, error) {
	var shapes []MessageOption
	var callOpts []Option
	for _, opt := range opts {
		switch opt := opt.(type) {
		case MessageOption:
			shapes = append(shapes, opt)
		case Option:
			callOpts = append(callOpts, opt)
		}
	}
	req, err := TextMessage(ticketID, text, shapes...)
	if err != nil {
		return nil, err
	}
	return m.Create(ctx, req, callOpts...)
}

// Note posts text as an internal note in the ticket: the team sees it, the contact does not.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/create-a-new-message
func (m *MessagesService) Note(ctx context.Context, ticketID, text string, opts ...PostOption) (*Message, error) {
	return m.Reply(ctx, ticketID, text, append([]PostOption{AsNote()}, opts...)...)
}

// BotMessage posts text in the ticket as the project's bot.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/create-a-new-message
func (m *MessagesService) BotMessage(ctx context.Context, ticketID, text string, opts ...PostOption) (*Message, error) {
	return m.Reply(ctx, ticketID, text, append([]PostOption{AsBot()}, opts...)...)
}
