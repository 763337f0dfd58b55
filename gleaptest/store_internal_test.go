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
