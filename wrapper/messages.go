package wrapper

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// The calls of Gleap's messages resource. Listing is in list.go, the one-call helpers in post.go.

// CreateMessage posts req into a ticket (POST /messages) and returns the message Gleap stored. Fields of
// req left nil are not sent. The helpers PostReply, PostNote and PostBotMessage cover the common cases.
//
// req is checked before anything is sent: something is set, the body is at most MaxRequestBytes, a set
// id is not blank, every string is UTF-8, attachments have a name and an http(s) URL, a channel has an
// id. A problem is a *ValidationError. Every
// other failure is a *RequestError: its cause is an *APIError for a non-2xx answer, wraps
// ErrInvalidResponse for a success answer that cannot be read, and it wraps ErrOutcomeUnknown when the
// message may exist anyway. Retries follow the RetryPolicy and re-send the identical body.
//
// Gleap's API reference: Messages, "Create a new message".
func (c *Client) CreateMessage(ctx context.Context, req CreateMessageRequest, opts ...Option) (*Message, error) {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	// The body is encoded once, checked, and sent as it is on every attempt.
	encoded, err := encodeChecked(req)
	if err != nil {
		return nil, err
	}
	message := new(Message)
	create := endpoint{op: "create message", method: http.MethodPost, path: "/messages",
		newRequest: func(server string) (*http.Request, error) {
			return api.NewCreateMessageRequestWithBody(server, "application/json", bytes.NewReader(encoded))
		}}
	if err := c.send(ctx, s, create, message); err != nil {
		return nil, err
	}
	return message, nil
}

// UpdateMessage changes the message messageID (PUT /messages/{messageId}) and returns it as it is now.
// Only the fields of req that are set are sent, and only they change. req is checked as CreateMessage
// checks its request; messageID must not be blank, "." or "..". The call is idempotent, so it is retried
// after any failure the RetryPolicy allows, 5xx answers and timeouts included.
//
// Gleap's API reference: Messages, "Update a message".
func (c *Client) UpdateMessage(ctx context.Context, messageID string, req UpdateMessageRequest, opts ...Option) (*Message, error) {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := checkID("messageID", messageID); err != nil {
		return nil, err
	}
	encoded, err := encodeChecked(req)
	if err != nil {
		return nil, err
	}
	message := new(Message)
	update := endpoint{op: "update message", method: http.MethodPut, path: "/messages/{messageId}", idempotent: true,
		newRequest: func(server string) (*http.Request, error) {
			return api.NewUpdateMessageRequestWithBody(server, messageID, "application/json", bytes.NewReader(encoded))
		}}
	if err := c.send(ctx, s, update, message); err != nil {
		return nil, err
	}
	return message, nil
}

// DeleteMessage removes the message messageID from its ticket (DELETE /messages/{messageId}). The call is
// idempotent and retried like UpdateMessage. A 404 answer to a retry, after an attempt whose outcome was
// unknown, means the message is gone, most likely deleted by that attempt: DeleteMessage then returns nil.
//
// Gleap's API reference: Messages, "Delete a message".
func (c *Client) DeleteMessage(ctx context.Context, messageID string, opts ...Option) error {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return err
	}
	if err := checkID("messageID", messageID); err != nil {
		return err
	}
	remove := endpoint{op: "delete message", method: http.MethodDelete, path: "/messages/{messageId}", idempotent: true,
		newRequest: func(server string) (*http.Request, error) {
			return api.NewDeleteMessageRequest(server, messageID)
		}}
	err = c.send(ctx, s, remove, nil)
	var requestErr *RequestError
	var apiErr *APIError
	if errors.As(err, &requestErr) && requestErr.OutcomeUnknown && requestErr.Attempts > 1 &&
		errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		return nil
	}
	return err
}

// SearchMessages finds the messages whose text matches term (GET /messages/search). Gleap does not
// document the shape of a hit, so the result keeps the hits as the server sent them.
//
// Gleap's API reference: Messages, "Search messages".
func (c *Client) SearchMessages(ctx context.Context, term string, opts ...Option) (*SearchResult, error) {
	s, err := c.prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if isBlank(term) {
		return nil, &ValidationError{Field: "term", Problem: "must not be blank"}
	}
	result := new(SearchResult)
	search := endpoint{op: "search messages", method: http.MethodGet, path: "/messages/search", idempotent: true,
		newRequest: func(server string) (*http.Request, error) {
			return api.NewSearchMessagesRequest(server, &api.SearchMessagesParams{SearchTerm: term})
		}}
	if err := c.send(ctx, s, search, result); err != nil {
		return nil, err
	}
	return result, nil
}
