package gleaptest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldBytes is what the test counts a record as holding: everything a client sent that the record keeps,
// and the violation's text. It is the test's own measure, independent of the records' bookkeeping.
func heldBytes(r Request) int {
	n := len(r.Method) + len(r.Path) + len(r.Body)
	for name, values := range r.Header {
		n += len(name)
		for _, value := range values {
			n += len(value)
		}
	}
	for name, values := range r.Query {
		n += len(name)
		for _, value := range values {
			n += len(value)
		}
	}
	if r.Violation != nil {
		n += len(r.Violation.Error())
	}
	return n
}

func TestRecordsCountEverythingTheyHold(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	cases := []struct {
		name   string
		record func(l *records)
	}{
		{"headers", func(l *records) {
			r := httptest.NewRequest(http.MethodGet, "/v3/messages", nil)
			r.Header.Set("X-Padding", strings.Repeat("h", mib))
			l.add(r, nil)
		}},
		{"path and query", func(l *records) {
			l.add(httptest.NewRequest(http.MethodGet, "/v3/"+strings.Repeat("p", mib/2)+"?q="+strings.Repeat("q", mib/2), nil), nil)
		}},
		{"violations", func(l *records) {
			record := l.add(httptest.NewRequest(http.MethodPost, "/v3/messages", nil), nil)
			l.answered(record, http.StatusBadRequest, errors.New(strings.Repeat("v", mib)))
		}},
		{"bodies", func(l *records) {
			l.add(httptest.NewRequest(http.MethodPost, "/v3/messages", nil), make([]byte, mib))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := &records{max: DefaultMaxMessages, maxBytes: maxRecordedBytes}
			for range 100 { // 100 MiB sent, over the budget
				tc.record(l)
			}
			held := 0
			kept := l.all()
			for _, record := range kept {
				held += heldBytes(record)
			}
			assert.LessOrEqual(t, held, maxRecordedBytes, "the records stay within their budget")
			l.mu.Lock()
			assert.GreaterOrEqual(t, l.bytes, held, "their count covers all they hold")
			l.mu.Unlock()
			assert.Greater(t, held, maxRecordedBytes-2*mib, "and keep as much as fits")
			require.NotEmpty(t, kept)
			assert.Equal(t, uint64(100), kept[len(kept)-1].Number, "the newest are kept")
		})
	}
}

func TestRecordsKeepTheirBodiesWithinAByteBudget(t *testing.T) {
	t.Parallel()
	l := &records{max: 1000, maxBytes: maxRecordedBytes}
	body := make([]byte, 10<<20) // ten records of this exceed the 64 MiB budget
	for range 10 {
		l.add(httptest.NewRequest(http.MethodPost, "/v3/messages", nil), body)
	}
	kept := l.all()
	assert.Len(t, kept, 6, "the newest records whose bodies fit")
	assert.LessOrEqual(t, 6*len(body), maxRecordedBytes)
	l.clear()
	assert.Empty(t, l.all())
	assert.Zero(t, l.bytes)
}
