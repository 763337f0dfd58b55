package gleaptest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreKeepsItsAnswersWithinAByteBudget(t *testing.T) {
	t.Parallel()
	s := newStore(time.Now, 1000)
	s.maxBytes = 10 << 10
	big := `{"ticket":"6752e9a8b7c6d5e4f3a21098","data":"` + strings.Repeat("a", 3<<10) + `"}`
	for range 20 {
		require.Equal(t, 200, s.create([]byte(big)).status)
	}
	answers := s.answers()
	total := 0
	for _, answer := range answers {
		total += len(answer)
	}
	assert.LessOrEqual(t, total, s.maxBytes)
	assert.Len(t, answers, 3, "the newest that fit")

	var newest struct{ Index int }
	require.NoError(t, json.Unmarshal(answers[len(answers)-1], &newest))
	assert.Equal(t, 19, newest.Index, "eviction by size keeps the ticket's count")
}

// checkBookkeeping fails t unless s's byte count and ticket counts match its messages.
func checkBookkeeping(t *testing.T, s *store) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	kept := map[ticketKey]int{}
	for _, message := range s.messages {
		total += len(message.answer)
		if message.kind != nil {
			total += len(*message.kind)
		}
		kept[keyOf(message.ticket)]++
	}
	counted := map[ticketKey]int{}
	for key, count := range s.tickets {
		counted[key] = count.kept
		if count.id != nil {
			total += len(*count.id)
		}
	}
	assert.Equal(t, total, s.bytes, "the byte count: the messages' answers and types, and each ticket's id once")
	assert.LessOrEqual(t, s.bytes, s.maxBytes)
	assert.LessOrEqual(t, len(s.messages), s.maxMessages)
	assert.Equal(t, kept, counted, "the ticket counts follow the messages, and no more")
	for _, message := range s.messages {
		if message.ticket != nil {
			assert.Same(t, s.tickets[keyOf(message.ticket)].id, message.ticket, "a message shares its ticket's id")
		}
	}
}

// idOf returns the id in a, an answer of the store.
func idOf(t *testing.T, a answer) string {
	t.Helper()
	require.Equal(t, 200, a.status, "%s", a.body)
	var message struct{ ID string }
	require.NoError(t, json.Unmarshal(a.body, &message))
	return message.ID
}

func TestStoreKeepsItsBudgetWhenAMessageGrows(t *testing.T) {
	t.Parallel()
	s := newStore(time.Now, 1000)
	s.maxBytes = 10 << 10
	data := func(size int) string { return `{"ticket":"t","data":"` + strings.Repeat("a", size) + `"}` }
	var ids []string
	for range 3 {
		ids = append(ids, idOf(t, s.create([]byte(data(3<<10)))))
	}
	checkBookkeeping(t, s)

	// The oldest message grows past the budget: the oldest of the others make room, never the one changed.
	grown := s.update(ids[0], []byte(data(5<<10)))
	require.Equal(t, 200, grown.status)

	var kept []string
	for _, message := range s.snapshot() {
		kept = append(kept, message.id)
	}
	assert.Equal(t, []string{ids[0], ids[2]}, kept)
	checkBookkeeping(t, s)

	// One message larger than the whole budget stays, alone, as a created one does.
	require.Equal(t, 200, s.update(ids[2], []byte(data(12<<10))).status)
	require.Len(t, s.snapshot(), 1)
	assert.Equal(t, ids[2], s.snapshot()[0].id)
}

func TestStoreBookkeepingFollowsChangesAndDeletions(t *testing.T) {
	t.Parallel()
	s := newStore(time.Now, 3)
	a1 := idOf(t, s.create([]byte(`{"ticket":"a"}`)))
	a2 := idOf(t, s.create([]byte(`{"ticket":"a"}`)))
	b1 := idOf(t, s.create([]byte(`{"ticket":"b"}`)))
	checkBookkeeping(t, s)

	require.Equal(t, 200, s.update(a1, []byte(`{"ticket":"b"}`)).status)
	checkBookkeeping(t, s)
	require.Equal(t, 204, s.delete(a2).status)
	checkBookkeeping(t, s)
	require.Equal(t, 204, s.delete(b1).status)
	require.Equal(t, 404, s.delete(b1).status)
	checkBookkeeping(t, s)
	for range 4 { // past the cap of 3: evictions
		s.create([]byte(`{"ticket":"c"}`))
	}
	checkBookkeeping(t, s)
	assert.Equal(t, 404, s.update(a1, []byte(`{}`)).status, "a1 was evicted")
	for _, message := range s.snapshot() {
		require.Equal(t, 204, s.delete(message.id).status)
	}
	checkBookkeeping(t, s)
	assert.Empty(t, s.tickets, "no count outlives its ticket's messages")
	assert.Zero(t, s.bytes)
}
