package gleaptest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// search asks for GET /v3/messages/search?searchTerm=term and returns the ids of the hits.
func search(t *testing.T, server *gleaptest.Server, term string) []string {
	t.Helper()
	status, _, answer := exchange(t, http.MethodGet, server.URL+"/messages/search?searchTerm="+url.QueryEscape(term), credentials(), "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var result struct {
		Hits []struct{ ID string }
	}
	require.NoError(t, json.Unmarshal(answer, &result), "%s", answer)
	require.NotNil(t, result.Hits, "hits is an array: %s", answer)
	ids := []string{}
	for _, hit := range result.Hits {
		ids = append(ids, hit.ID)
	}
	return ids
}

// tiptap is a TipTap document of one paragraph that holds text.
func tiptap(text string) string {
	encoded, _ := json.Marshal(text)
	return `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":` + string(encoded) + `}]}]}`
}

func TestSearchFindsTheTextOfComments(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	refund := post(t, server, `{"ticket":"`+ticketID+`","comment":`+tiptap("Your REFUND is on its way")+`}`)
	mention := post(t, server, `{"ticket":"`+ticketID+`","comment":{"type":"doc","content":[{"type":"paragraph","content":[`+
		`{"type":"text","text":"Ask "},{"type":"mention","attrs":{"label":"the Refund team"}}]}]}}`)
	plain := post(t, server, `{"ticket":"`+ticketID+`","comment":"a refund, as a plain string"}`)
	post(t, server, `{"ticket":"`+ticketID+`","comment":`+tiptap("Hello")+`,"data":{"note":"refund"}}`) // not in the comment
	post(t, server, `{"ticket":"`+ticketID+`","messageRef":"refund"}`)                                  // no comment

	assert.Equal(t, []string{refund, mention, plain}, search(t, server, "refund"), "in any string of the comment, any case")
	assert.Equal(t, []string{refund}, search(t, server, "on its WAY"))
	assert.Equal(t, []string{}, search(t, server, "paragraphs"))
	assert.Equal(t, []string{}, search(t, server, "label"), "field names are not text")

	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+refund, credentials(), `{"comment":`+tiptap("Sent")+`}`)
	require.Equal(t, http.StatusOK, status)
	status, _, _ = exchange(t, http.MethodDelete, server.URL+"/messages/"+mention, credentials(), "")
	require.Equal(t, http.StatusNoContent, status)
	assert.Equal(t, []string{plain}, search(t, server, "refund"), "after a change and a deletion")
	assert.Equal(t, []string{refund}, search(t, server, "sent"))
	assert.Empty(t, recorder.failures())
}

func TestSearchNeedsASearchTerm(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)

	status, body := send(t, http.MethodGet, server.URL+"/messages/search", credentials(), "")

	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, 400.0, body["statusCode"])
	failures := recorder.failures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], "searchTerm")

	unchecked := gleaptest.NewServer(t, gleaptest.WithoutContractChecks())
	status, body = send(t, http.MethodGet, unchecked.URL+"/messages/search?searchTerm=", credentials(), "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "searchTerm is required", body["message"])
}
