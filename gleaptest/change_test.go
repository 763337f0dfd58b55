package gleaptest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestUpdateChangesOnlyTheFieldsItSends(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithClock(ticking(start)))
	_, created := send(t, http.MethodPost, server.URL+"/messages", credentials(),
		`{"ticket":"`+ticketID+`","type":"COMMENT","isNote":true,"messageRef":"r-1","user":"agent-1","data":{"n":1},`+
			`"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Helo"}]}]}}`)
	id := created["id"].(string)

	status, updated := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(),
		`{"comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]},"messageRef":"r-2","session":"contact-9"}`)

	require.Equal(t, http.StatusOK, status, "%v", updated)
	want := map[string]any{}
	for name, value := range created {
		want[name] = value
	}
	want["comment"] = map[string]any{"type": "doc", "content": []any{map[string]any{"type": "paragraph",
		"content": []any{map[string]any{"type": "text", "text": "Hello"}}}}}
	want["messageRef"] = "r-2"
	want["session"] = map[string]any{"_id": "contact-9"} // embedded, as when a message is created
	want["updatedAt"] = at(1)
	assert.Equal(t, want, updated, "the sent fields changed, updatedAt is now, and nothing else changed")
	assert.Equal(t, at(0), updated["createdAt"])

	messages := server.Messages()
	require.Len(t, messages, 1)
	assert.Equal(t, "r-2", *messages[0].MessageRef, "Messages shows the change")
	assert.True(t, *messages[0].IsNote)
	assert.Equal(t, start.Add(time.Second), messages[0].UpdatedAt)
	assert.Equal(t, []map[string]any{updated}, listed(t, server), "and so does the list")
	assert.Empty(t, recorder.failures())
}

func TestUpdateNeverChangesTheFieldsTheServerAssigns(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithClock(ticking(start)))
	_, created := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticketID+`"}`)
	id := created["id"].(string)

	status, updated := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(),
		`{"_id":"6752f0c1a4b3c2d1e0f98765","id":"6752f0c1a4b3c2d1e0f98765","createdAt":"2020-01-01T00:00:00Z",`+
			`"updatedAt":"2020-01-01T00:00:00Z","index":7,"rating":"5"}`)

	require.Equal(t, http.StatusOK, status)
	for _, name := range []string{"_id", "id", "createdAt", "index"} {
		assert.Equal(t, created[name], updated[name], name)
	}
	assert.Equal(t, at(1), updated["updatedAt"], "updatedAt is the time of the change")
	assert.Equal(t, "5", updated["rating"])
}

func TestUpdateCanMoveAMessageToAnotherTicket(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	const otherTicket = "6752e9a8b7c6d5e4f3a21099"
	ids := postMany(t, server, ticketID, 2)

	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+ids[0], credentials(), `{"ticket":"`+otherTicket+`"}`)
	require.Equal(t, http.StatusOK, status)

	assert.Equal(t, ids[1:], listArray(t, server, "ticket="+ticketID))
	assert.Equal(t, ids[:1], listArray(t, server, "ticket="+otherTicket))
	_, next := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticketID+`"}`)
	assert.Equal(t, 2.0, next["index"], "the ticket's count goes on")
}

func TestDeleteRemovesTheMessage(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	ids := postMany(t, server, ticketID, 3)

	status, header, body := exchange(t, http.MethodDelete, server.URL+"/messages/"+ids[1], credentials(), "")

	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, body)
	assert.Empty(t, header.Get("Content-Type"))
	assert.Equal(t, []string{ids[0], ids[2]}, listArray(t, server, ""), "gone from the list")
	messages := server.Messages()
	require.Len(t, messages, 2, "and from Messages")
	assert.Equal(t, ids[0], messages[0].ID)
	assert.Equal(t, ids[2], messages[1].ID)
	status, _ = send(t, http.MethodDelete, server.URL+"/messages/"+ids[1], credentials(), "")
	assert.Equal(t, http.StatusNotFound, status, "a message is deleted once")
	_, next := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticketID+`"}`)
	assert.Equal(t, 3.0, next["index"], "the ticket's count goes on")
	assert.Empty(t, recorder.failures())
}

func TestUpdateAndDeleteAnswer404ForAnUnknownMessage(t *testing.T) {
	t.Parallel()
	const unknown = "6752f0c1a4b3c2d1e0f98765"
	cases := []struct {
		method string
		body   string
	}{
		{http.MethodPut, `{"isNote":true}`},
		{http.MethodDelete, ""},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)
			kept := post(t, server, `{"ticket":"`+ticketID+`"}`)

			status, body := send(t, tc.method, server.URL+"/messages/"+unknown, credentials(), tc.body)

			assert.Equal(t, http.StatusNotFound, status)
			assert.Equal(t, map[string]any{"statusCode": 404.0, "error": "Not Found", "message": `Message "` + unknown + `" not found.`}, body)
			assert.Equal(t, []string{kept}, listArray(t, server, ""), "nothing changed")
			assert.Nil(t, server.Messages()[0].IsNote)
			assert.Empty(t, recorder.failures(), "404 is a documented answer")
		})
	}
}

func TestUpdateAndDeleteAreCheckedAndFaulted(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	id := post(t, server, `{"ticket":"`+ticketID+`"}`)
	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}, gleaptest.Fault{Status: http.StatusTooManyRequests})

	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"bot":"yes"}`)
	assert.Equal(t, http.StatusBadRequest, status, "a field of the wrong type")
	status, _ = send(t, http.MethodDelete, server.URL+"/messages/"+id, http.Header{"Authorization": {"Bearer k"}}, "")
	assert.Equal(t, http.StatusUnauthorized, status, "no project header")
	status, _ = send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"bot":true}`)
	assert.Equal(t, http.StatusServiceUnavailable, status, "the first fault")
	status, _ = send(t, http.MethodDelete, server.URL+"/messages/"+id, credentials(), "")
	assert.Equal(t, http.StatusTooManyRequests, status, "the second fault")

	messages := server.Messages()
	require.Len(t, messages, 1, "a faulted DELETE deletes nothing")
	assert.Nil(t, messages[0].Bot, "a faulted PUT changes nothing")
	assert.Equal(t, []int{200, 400, 401, 503, 429}, statuses(server))
	assert.Len(t, recorder.failures(), 2)
}

func TestUpdateAndDeleteWithoutContractChecks(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithoutContractChecks())
	id := post(t, server, `{"ticket":"`+ticketID+`"}`)

	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"bot":"yes"}`)
	assert.Equal(t, http.StatusBadRequest, status, "what is not a change to a message is still refused")
	status, _ = send(t, http.MethodGet, server.URL+"/messages/"+id, credentials(), "")
	assert.Equal(t, http.StatusNotFound, status, "Gleap's API has no GET of one message")
	status, _ = send(t, http.MethodPut, server.URL+"/messages/"+id+"/faq", credentials(), `{}`)
	assert.Equal(t, http.StatusNotFound, status)
	status, updated := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"bot":true,"colour":"red"}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, updated["bot"])
	assert.NotContains(t, updated, "colour", "the store keeps only a message's fields")
	status, _, _ = exchange(t, http.MethodDelete, server.URL+"/messages/"+id, http.Header{}, "")
	assert.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, server.Messages())
}

func TestWithMaxMessagesCountsTheMessagesStoredNow(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithMaxMessages(2))
	ids := postMany(t, server, ticketID, 2)
	status, _, _ := exchange(t, http.MethodDelete, server.URL+"/messages/"+ids[0], credentials(), "")
	require.Equal(t, http.StatusNoContent, status)

	third := post(t, server, `{"ticket":"`+ticketID+`"}`)
	assert.Equal(t, []string{ids[1], third}, listArray(t, server, ""), "a deletion made room: nothing was evicted")
	fourth := post(t, server, `{"ticket":"`+ticketID+`"}`)
	assert.Equal(t, []string{third, fourth}, listArray(t, server, ""), "the oldest is evicted")
}
