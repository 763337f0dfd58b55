package wrapper

import (
	"fmt"
	"iter"
)

// maxEmptyPages is how many empty pages in a row a listing accepts before it takes the server for one
// that hands out a new cursor on every empty page, which would keep the loop asking without end while its
// body never runs.
const maxEmptyPages = 10

// cursorPages walks a listing in cursor mode: fetch returns the items of the page at cursor ("" for the
// first) and the cursor of the next ("" after the last). The next page is fetched only when the loop
// reaches it; breaking out of the loop fetches no more. A failure is yielded once, as the last item, with
// a nil item. A server that hands out a cursor it gave before, or maxEmptyPages empty pages in a row,
// ends the walk with a *RequestError wrapping ErrInvalidResponse, whose text has the key taken out.
func cursorPages[T any](op string, redact redactor, fetch func(cursor string) ([]T, string, error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		cursor := ""
		seen := make(map[string]bool)
		emptyPages := 0
		for {
			items, next, err := fetch(cursor)
			if err != nil {
				yield(nil, err)
				return
			}
			pages := len(seen) + 1
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			if next == "" {
				return
			}
			emptyPages++
			if len(items) > 0 {
				emptyPages = 0
			}
			var endless error
			switch {
			case seen[next]:
				endless = fmt.Errorf("%w: the server gave the cursor %s twice", ErrInvalidResponse, redact.quote(next))
			case emptyPages == maxEmptyPages:
				endless = fmt.Errorf("%w: the server gave %d empty pages in a row, each saying more follow", ErrInvalidResponse, emptyPages)
			}
			if endless != nil {
				yield(nil, &RequestError{Op: op, Attempts: pages, Err: redact.redactError(endless)})
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}
