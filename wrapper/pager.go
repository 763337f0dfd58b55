package wrapper

import (
	"fmt"
	"iter"
)

// maxEmptyPages is how many empty pages in a row a listing accepts before it takes the server for one
// that hands out a new cursor on every empty page, which would keep the loop asking without end while its
// body never runs.
const maxEmptyPages = 10

// page is one page of a listing as a pager sees it.
type page[T any] struct {
	items []T
	// more: another page follows.
	more bool
	// broken, when not nil, says why the listing cannot be followed past this page (the server's paging
	// is not to be trusted); it is reported after the page's items.
	broken error
}

// walkPages is what the pagers share: next returns the next page, and is called only when the loop
// reaches it; breaking out of the loop asks for no more. A failure is yielded once, as the last item,
// with a nil item. A page whose paging is broken, or maxEmptyPages empty pages in a row that each say
// more follow, end the walk with a *RequestError wrapping ErrInvalidResponse, whose text has the key
// taken out and whose Attempts count the pages asked for.
func walkPages[T any](op string, redact redactor, next func() (page[T], error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		pages, emptyPages := 0, 0
		for {
			p, err := next()
			if err != nil {
				yield(nil, err)
				return
			}
			pages++
			for i := range p.items {
				if !yield(&p.items[i], nil) {
					return
				}
			}
			if !p.more {
				return
			}
			emptyPages++
			if len(p.items) > 0 {
				emptyPages = 0
			}
			broken := p.broken
			if broken == nil && emptyPages == maxEmptyPages {
				broken = fmt.Errorf("%w: the server gave %d empty pages in a row, each saying more follow", ErrInvalidResponse, emptyPages)
			}
			if broken != nil {
				yield(nil, &RequestError{Op: op, Attempts: pages, Err: redact.redactError(broken)})
				return
			}
		}
	}
}

// cursorPages walks a listing in cursor mode: fetch returns the items of the page at cursor ("" for the
// first) and the cursor of the next ("" after the last). A server that hands out a cursor it gave
// before ends the walk as walkPages ends it.
func cursorPages[T any](op string, redact redactor, fetch func(cursor string) ([]T, string, error)) iter.Seq2[*T, error] {
	cursor := ""
	seen := make(map[string]bool)
	return walkPages(op, redact, func() (page[T], error) {
		items, next, err := fetch(cursor)
		if err != nil {
			return page[T]{}, err
		}
		p := page[T]{items: items, more: next != ""}
		if seen[next] {
			p.broken = fmt.Errorf("%w: the server gave the cursor %s twice", ErrInvalidResponse, redact.quote(next))
		}
		seen[next] = true
		cursor = next
		return p, nil
	})
}

// skipPages walks a listing by skip and limit: fetch returns the items of the page that skips skip
// items, at most pageSize of them, and how many items the listing holds in all (negative when the
// server did not say). A page shorter than pageSize is the last, and so is the page that reaches the
// total. A page longer than pageSize ends the walk as walkPages ends it: skipping by what it holds would
// step over items. Skip paging over items that change while they are read can skip or repeat some.
func skipPages[T any](op string, redact redactor, pageSize int, fetch func(skip int) ([]T, int, error)) iter.Seq2[*T, error] {
	skip := 0
	return walkPages(op, redact, func() (page[T], error) {
		items, total, err := fetch(skip)
		if err != nil {
			return page[T]{}, err
		}
		skip += len(items)
		p := page[T]{items: items, more: len(items) == pageSize && (total < 0 || skip < total)}
		if len(items) > pageSize {
			p.more = true
			p.broken = fmt.Errorf("%w: the server answered %d items for a page of at most %d", ErrInvalidResponse, len(items), pageSize)
		}
		return p, nil
	})
}

// skipPage checks the page of a listing by skip and limit that a filter asks for: pageSize is between 1
// and maxSize, or 0 for defaultSize, and skip is not negative. It returns the limit to send, and the skip
// to send (nil for none).
func skipPage(pageSize, defaultSize, maxSize, skip int) (int, *int, error) {
	switch {
	case pageSize == 0:
		pageSize = defaultSize
	case pageSize < 0 || pageSize > maxSize:
		return 0, nil, &ValidationError{Field: "PageSize", Problem: fmt.Sprintf("must be between 1 and %d, or 0 for %d", maxSize, defaultSize)}
	}
	if skip < 0 {
		return 0, nil, &ValidationError{Field: "skip", Problem: "must not be negative"}
	}
	if skip == 0 {
		return pageSize, nil, nil
	}
	return pageSize, &skip, nil
}
