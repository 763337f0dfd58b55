package gleaptest_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// listed returns every message server lists on GET /v3/messages, as a bare array.
func listed(t *testing.T, server *gleaptest.Server) []map[string]any {
	t.Helper()
	status, _, answer := exchange(t, http.MethodGet, server.URL+"/messages", credentials(), "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var messages []map[string]any
	require.NoError(t, json.Unmarshal(answer, &messages))
	return messages
}

func TestStoreEchoesTheRequestAndAssignsIDs(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 9, 30, 0, 123e6, time.UTC)
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return now }))

	var answers []map[string]any
	for _, ticket := range []string{"ticket-a", "ticket-b", "ticket-a"} {
		status, body := send(t, http.MethodPost, server.URL+"/messages", credentials(),
			`{"ticket":"`+ticket+`","user":"agent-1","session":"contact-9","isNote":true,"data":{"n":1}}`)
		require.Equal(t, http.StatusOK, status)
		answers = append(answers, body)
	}

	objectID := regexp.MustCompile(`^[0-9a-f]{24}$`)
	seen := map[any]bool{}
	for i, answer := range answers {
		assert.Regexp(t, objectID, answer["_id"], "answer %d", i)
		assert.Equal(t, answer["_id"], answer["id"])
		assert.False(t, seen[answer["id"]], "ids are unique")
		seen[answer["id"]] = true
		assert.Equal(t, "2026-11-25T09:30:00.123Z", answer["createdAt"])
		assert.Equal(t, true, answer["isNote"], "request fields are echoed")
		assert.Equal(t, map[string]any{"n": 1.0}, answer["data"])
		assert.Equal(t, map[string]any{"_id": "agent-1"}, answer["user"], "as Gleap embeds the author")
		assert.Equal(t, map[string]any{"_id": "contact-9"}, answer["session"])
	}
	assert.Equal(t, []any{0.0, 0.0, 1.0}, []any{answers[0]["index"], answers[1]["index"], answers[2]["index"]},
		"index counts the messages of each ticket")
	assert.Equal(t, answers, listed(t, server), "GET lists the answers")
}

func TestStoreAnswersOnlyWithSentAndAssignedFields(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)

	_, answer := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t-1","comment":{"type":"doc"},"data":null,"colour":"red"}`)

	var fields []string
	for name := range answer {
		fields = append(fields, name)
	}
	assert.ElementsMatch(t, []string{"ticket", "comment", "data", "_id", "id", "createdAt", "updatedAt", "index"}, fields,
		"no field nobody set, none a message does not have")
	assert.Nil(t, answer["data"], "a null that was sent is echoed as null")
}

func TestStoreKeepsTheNewestMessagesUpToItsCap(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithMaxMessages(2))

	var answers []map[string]any
	for i, ticket := range []string{"ticket-a", "ticket-b", "ticket-b", "ticket-a"} {
		_, body := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticket+`","messageRef":"m`+strconv.Itoa(i)+`"}`)
		answers = append(answers, body)
	}

	stored := server.Messages()
	require.Len(t, stored, 2, "the oldest messages are evicted")
	assert.Equal(t, "m2", *stored[0].MessageRef)
	assert.Equal(t, "m3", *stored[1].MessageRef)
	assert.Equal(t, answers[2:], listed(t, server))
	// ticket-a's only message was evicted by the third post, and its count with it: the per-ticket
	// counts are bounded by the cap too.
	assert.Equal(t, []any{0.0, 0.0, 1.0, 0.0},
		[]any{answers[0]["index"], answers[1]["index"], answers[2]["index"], answers[3]["index"]})
}

func TestMessagesAreTheAnswersDecoded(t *testing.T) {
	t.Parallel()
	stamp := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return stamp }))
	_, answer := send(t, http.MethodPost, server.URL+"/messages", credentials(),
		`{"ticket":"t-1","type":"COMMENT","bot":true,"messageRef":"r-1","attachments":[{"name":"a.pdf","url":"https://files.example.com/a.pdf"}]}`)

	messages := server.Messages()
	require.Len(t, messages, 1)
	message := messages[0]
	assert.Equal(t, answer["id"], message.ID)
	assert.Equal(t, stamp, message.CreatedAt)
	assert.Equal(t, 0, message.Index)
	assert.Equal(t, "t-1", *message.Ticket)
	assert.Equal(t, "COMMENT", message.Type)
	assert.True(t, *message.Bot)
	assert.Equal(t, "r-1", *message.MessageRef)
	require.Len(t, message.Attachments, 1)
	assert.Equal(t, "https://files.example.com/a.pdf", message.Attachments[0].URL)
	assert.Nil(t, message.IsNote, "a field that was not sent stays unset")

	*message.Ticket = "changed"
	assert.Equal(t, "t-1", *server.Messages()[0].Ticket, "each call decodes afresh")
}

func TestListingIsGleapsRouteCheckedAndFaultedLikeTheOthers(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}))

	status, _ := send(t, http.MethodGet, server.URL+"/messages", http.Header{}, "")
	assert.Equal(t, http.StatusUnauthorized, status, "credentials are required")
	status, _ = send(t, http.MethodGet, server.URL+"/messages", credentials(), "")
	assert.Equal(t, http.StatusServiceUnavailable, status, "the fault goes to the first valid request")
	assert.Empty(t, listed(t, server))

	assert.Equal(t, []int{401, 503, 200}, statuses(server))
	failures := recorder.failures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], `request GET /v3/messages: security requirements failed: missing "Authorization: Bearer <key>" header`)
}
