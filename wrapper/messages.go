package wrapper

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// MessagesService holds the calls of the messages of tickets. Reach it as client.Messages. The helpers
// Reply, Note and BotMessage are in post.go, the filter of List in list.go.
//
// Gleap's API reference: https://docs.gleap.io/api-reference (Messages).
type MessagesService struct {
	engine *engine
}

// jsonContent is the media type of every request body.
const jsonContent = "application/json"

// Create posts req into a ticket (POST /messages) and returns the message Gleap stored. Fields of req
// left nil are not sent. The helpers Reply, Note and BotMessage cover the common cases.
//
// req is checked before anything is sent (see CheckMessage); a problem is a *ValidationError. Every
// other failure is a *RequestError: its cause is an *APIError for a non-2xx answer, wraps
// ErrInvalidResponse for a success answer that is not a message, and it wraps ErrOutcomeUnknown when the
// message may exist anyway. Retries follow the RetryPolicy and re-send the identical body.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/create-a-new-message
func (m *MessagesService) Create(ctx context.Context, req CreateMessageRequest, opts ...Option) (*Message, error) {
	return call[Message](ctx, m.engine, opts, func() (endpoint, error) {
		// The body is encoded once, checked, and sent as it is on every attempt.
		encoded, err := encodeChecked(req)
		return newEndpoint("create message", http.MethodPost, "/messages", func(server string) (*http.Request, error) {
			return api.NewCreateMessageRequestWithBody(server, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Update changes the message messageID (PUT /messages/{messageId}) and returns it as it is now. Only the
// fields of req that are set are sent, and only they change. req is checked as Create checks its
// request; messageID must not be blank, "." or "..". The call is idempotent, so it is retried after any
// failure the RetryPolicy allows, 5xx answers and timeouts included.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/update-a-message
func (m *MessagesService) Update(ctx context.Context, messageID string, req UpdateMessageRequest, opts ...Option) (*Message, error) {
	return call[Message](ctx, m.engine, opts, func() (endpoint, error) {
		if err := checkID("messageID", messageID); err != nil {
			return endpoint{}, err
		}
		encoded, err := encodeChecked(req)
		return newEndpoint("update message", http.MethodPut, "/messages/{messageId}", func(server string) (*http.Request, error) {
			return api.NewUpdateMessageRequestWithBody(server, messageID, jsonContent, bytes.NewReader(encoded))
		}), err
	})
}

// Delete removes the message messageID from its ticket (DELETE /messages/{messageId}). The call is
// idempotent and retried like Update. A 404 answer to a retry, after an attempt whose outcome was
// unknown, means the message is gone, most likely deleted by that attempt: Delete then returns nil.
//
// Gleap's API reference ("Delete a comment"): https://docs.gleap.io/api-reference/messages/delete-a-comment
func (m *MessagesService) Delete(ctx context.Context, messageID string, opts ...Option) error {
	return goneAfterUnknownOutcome(m.engine.do(ctx, opts, func() (endpoint, error) {
		return newEndpoint("delete message", http.MethodDelete, "/messages/{messageId}", func(server string) (*http.Request, error) {
			return api.NewDeleteMessageRequest(server, messageID)
		}), checkID("messageID", messageID)
	}, nil))
}

// goneAfterUnknownOutcome is the error of a delete: nil for a 404 to a retry after an attempt whose
// outcome was unknown, as that attempt most likely deleted what the call deletes; err otherwise.
func goneAfterUnknownOutcome(err error) error {
	var requestErr *RequestError
	if errors.As(err, &requestErr) && requestErr.OutcomeUnknown && requestErr.Attempts > 1 && hasStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// hasStatus reports whether err is a call's failure that Gleap answered with status.
func hasStatus(err error, status int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == status
}

// Search finds the messages whose text matches term (GET /messages/search). Gleap does not document the
// shape of a hit, so the result keeps the hits as the server sent them.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/search-messages
func (m *MessagesService) Search(ctx context.Context, term string, opts ...Option) (*SearchResult, error) {
	return call[SearchResult](ctx, m.engine, opts, func() (endpoint, error) {
		var err error
		if isBlank(term) {
			err = &ValidationError{Field: "term", Problem: "must not be blank"}
		}
		return newEndpoint("search messages", http.MethodGet, "/messages/search", func(server string) (*http.Request, error) {
			return api.NewSearchMessagesRequest(server, &api.SearchMessagesParams{SearchTerm: term})
		}), err
	})
}

// SuggestFAQ accepts (or, with accept false, declines) the message messageID as the source of a FAQ
// entry that Gleap's AI suggests (POST /messages/{messageId}/faq). Answering the same again sets the same
// state, so the call is retried like Update.
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/faq-suggestion
func (m *MessagesService) SuggestFAQ(ctx context.Context, messageID string, accept bool, opts ...Option) error {
	return m.engine.do(ctx, opts, func() (endpoint, error) {
		suggest := newEndpoint("suggest FAQ", http.MethodPost, "/messages/{messageId}/faq", func(server string) (*http.Request, error) {
			return api.NewSuggestFAQRequest(server, messageID, api.SuggestFAQRequest{Accept: accept})
		})
		suggest.idempotent = true
		return suggest, checkID("messageID", messageID)
	}, nil)
}

// List returns every message that filter keeps, page by page (GET /messages in cursor mode): the next
// page is asked for only when the loop reaches it, and breaking out of the loop asks for no more. A
// failure is yielded once, as the last item, with a nil message: a *ValidationError for a bad filter,
// else a *RequestError (wrapping ErrInvalidResponse when the server hands out a cursor it gave before,
// or too many empty pages in a row, its Attempts then counting the pages asked for). Requests are
// retried as the RetryPolicy says, 5xx answers and timeouts included: listing changes nothing.
//
//	for message, err := range client.Messages.List(ctx, wrapper.MessageFilter{Ticket: ticketID}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(message.ID)
//	}
//
// Gleap's API reference: https://docs.gleap.io/api-reference/messages/find-messages-by-query
func (m *MessagesService) List(ctx context.Context, filter MessageFilter, opts ...Option) iter.Seq2[*Message, error] {
	return cursorPages("list messages", m.engine.redact, func(cursor string) ([]Message, string, error) {
		page, err := m.ListPage(ctx, filter, cursor, opts...)
		if err != nil {
			return nil, "", err
		}
		return page.Messages, page.Next, nil
	})
}

// ListPage returns one page of the messages filter keeps, for callers who keep the cursor themselves:
// cursor "" asks for the first page, page.Next for the one after it. A server that answers with a bare
// array (Gleap's other paging mode) has given the last page.
func (m *MessagesService) ListPage(ctx context.Context, filter MessageFilter, cursor string, opts ...Option) (*MessagePage, error) {
	list, err := call[messageList](ctx, m.engine, opts, func() (endpoint, error) {
		params, err := filter.params(cursor)
		return newEndpoint("list messages", http.MethodGet, "/messages", func(server string) (*http.Request, error) {
			return api.NewListMessagesRequest(server, params)
		}), err
	})
	if err != nil {
		return nil, err
	}
	return &list.page, nil
}
