package wrapper

import (
	"context"
	"iter"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// Paging limits of Contacts.List.
const (
	// DefaultContactPageSize is how many contacts a page holds unless ContactFilter.PageSize says otherwise.
	DefaultContactPageSize = 100
	// MaxContactPageSize is the most contacts a page asks for, Gleap's limit for tickets: Gleap documents
	// none for contacts.
	MaxContactPageSize = 1000
)

// ContactFilter says in which order and in pages of what size Contacts.List and Contacts.ListPage return
// the project's contacts. Its zero value asks for every contact, oldest first, 100 a page.
type ContactFilter struct {
	// Sort, when set, orders the contacts: "createdAt" (oldest first, the default) or "-createdAt".
	Sort string
	// PageSize is how many contacts one request asks for: 0 means DefaultContactPageSize, at most
	// MaxContactPageSize.
	PageSize int
}

// List returns every contact of the project, page by page (GET /sessions with skip and limit): the next
// page is asked for only when the loop reaches it, and breaking out of the loop asks for no more. A page
// shorter than the page size is the last. A failure is yielded once, as the last item, with a nil
// contact: a *ValidationError for a bad filter, else a *RequestError. Listing changes nothing, so
// requests are retried after 5xx answers and timeouts too.
//
// Gleap pages contacts by skipping: a contact created or deleted while the loop runs shifts the ones
// after it, so the loop may then skip or repeat a contact.
func (c *ContactsService) List(ctx context.Context, filter ContactFilter, opts ...Option) iter.Seq2[*Contact, error] {
	return skipPages("list contacts", c.engine.redact, filter.pageSize(), func(skip int) ([]Contact, int, error) {
		page, err := c.ListPage(ctx, filter, skip, opts...)
		return page, -1, err
	})
}

// ListPage returns one page of the project's contacts, after the first skip of them, for callers who
// page themselves.
func (c *ContactsService) ListPage(ctx context.Context, filter ContactFilter, skip int, opts ...Option) ([]Contact, error) {
	page, err := call[contactList](ctx, c.engine, opts, func() (endpoint, error) {
		params, err := filter.params(skip)
		return newEndpoint("list contacts", http.MethodGet, "/sessions", func(server string) (*http.Request, error) {
			return api.NewListContactsRequest(server, params)
		}), err
	})
	if err != nil {
		return nil, err
	}
	return *page, nil
}

// pageSize is the filter's page size, DefaultContactPageSize for 0.
func (f ContactFilter) pageSize() int {
	if f.PageSize == 0 {
		return DefaultContactPageSize
	}
	return f.PageSize
}

// params checks the filter and turns it into the query of the page after skip contacts.
func (f ContactFilter) params(skip int) (*api.ListContactsParams, error) {
	limit, skipped, err := skipPage(f.PageSize, DefaultContactPageSize, MaxContactPageSize, skip)
	if err != nil {
		return nil, err
	}
	params := &api.ListContactsParams{Limit: &limit, Skip: skipped}
	if f.Sort != "" {
		if invalid := checkText("Sort", f.Sort); invalid != nil {
			return nil, invalid
		}
		params.Sort = &f.Sort
	}
	return params, nil
}
