package gleaptest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Not parallel: it measures the live heap of the whole process.
func TestStoreHoldsOnTheHeapLittleMoreThanItsBudget(t *testing.T) {
	const budget = 1 << 20
	const idBytes = 16 << 10 // a ticket id, decoded
	cases := []struct {
		name string
		body func(i int) string // the body of the i-th message
	}{
		{"a long ticket id per message", func(i int) string {
			return fmt.Sprintf(`{"ticket":"%s%d","isNote":true}`, strings.Repeat("t", idBytes), i)
		}},
		// Six bytes of JSON for each byte of the id: the body's size is not what the store holds.
		{"a long escaped ticket id per message", func(i int) string {
			return fmt.Sprintf(`{"ticket":"%s%d","isNote":true}`, strings.Repeat(`\u0074`, idBytes), i)
		}},
		{"one long ticket id for every message", func(int) string {
			return fmt.Sprintf(`{"ticket":"%s","isNote":true}`, strings.Repeat("t", idBytes))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(time.Now, DefaultMaxMessages)
			s.maxBytes = budget
			before := liveHeap()
			for i := range 2 * budget / idBytes { // ids of twice the budget
				require.Equal(t, 200, s.create([]byte(tc.body(i))).status)
			}
			grown := liveHeap() - before
			runtime.KeepAlive(s)

			checkBookkeeping(t, s)
			assert.Less(t, grown, 2*budget, "the store holds %d bytes on the heap for a budget of %d", grown, budget)
		})
	}
}
