package gleaptest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// searchResult is the answer to a search, as openapi.yaml's MessageSearchResult.
type searchResult struct {
	Hits []json.RawMessage `json:"hits"`
}

// search answers GET /v3/messages/search?searchTerm=T: the stored messages whose comment holds T,
// ignoring case, in any of its strings (a TipTap document keeps its text in many of them), oldest first.
func (s *store) search(term string) answer {
	if term == "" {
		return errorAnswer(http.StatusBadRequest, "searchTerm is required")
	}
	needle := strings.ToLower(term)
	messages := s.snapshot()
	slices.SortFunc(messages, order{}.compare)
	result := searchResult{Hits: []json.RawMessage{}}
	for _, m := range messages {
		var message struct {
			Comment any `json:"comment"`
		}
		if json.Unmarshal(m.answer, &message) == nil && holds(message.Comment, needle) {
			result.Hits = append(result.Hits, m.answer)
		}
	}
	return encodedAnswer(result)
}

// holds tells whether a string in value, a decoded JSON value, contains needle, in lower case, ignoring
// case. The names of an object's fields are structure, not text: they are not searched.
func holds(value any, needle string) bool {
	switch value := value.(type) {
	case string:
		return strings.Contains(strings.ToLower(value), needle)
	case []any:
		return slices.ContainsFunc(value, func(item any) bool { return holds(item, needle) })
	case map[string]any:
		for _, item := range value {
			if holds(item, needle) {
				return true
			}
		}
	}
	return false
}
