package gleaptest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestRequestsRecordEveryRequestAndItsAnswer(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	status, _ := send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}}, `{"ticket":"t"}`)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _, _ = exchange(t, http.MethodGet, server.URL+"/messages?ticket="+ticketID, credentials(), "")
	require.Equal(t, http.StatusOK, status)

	requests := server.Requests()
	require.Len(t, requests, 3)

	valid := requests[0]
	assert.Equal(t, http.MethodPost, valid.Method)
	assert.Equal(t, "/v3/messages", valid.Path)
	assert.Equal(t, "Bearer gl_sk_test", valid.Header.Get("Authorization"))
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f999", valid.Header.Get("Project"))
	assert.JSONEq(t, `{"ticket":"`+ticketID+`","type":"COMMENT","comment":{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}}`, string(valid.Body))
	assert.Equal(t, http.StatusOK, valid.Status)
	assert.NoError(t, valid.Violation)

	invalid := requests[1]
	assert.Equal(t, `{"ticket":"t"}`, string(invalid.Body))
	assert.Empty(t, invalid.Header.Get("Authorization"))
	assert.Equal(t, http.StatusUnauthorized, invalid.Status)
	require.Error(t, invalid.Violation)
	assert.Contains(t, invalid.Violation.Error(), `missing "Authorization: Bearer <key>" header`)
	require.Len(t, recorder.failures(), 1)
	assert.Contains(t, recorder.failures()[0], invalid.Violation.Error(), "the record and the test failure give the same reason")

	listing := requests[2]
	assert.Equal(t, http.MethodGet, listing.Method)
	assert.Equal(t, http.StatusOK, listing.Status)
	assert.Equal(t, "/v3/messages", listing.Path, "the path without the query")
	assert.Equal(t, url.Values{"ticket": {ticketID}}, listing.Query, "the query, decoded")
	assert.Equal(t, url.Values{}, valid.Query, "empty without a query")
	assert.NoError(t, listing.Violation, "the listing and its answer conform")
}

func TestRequestsAreCopies(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)

	status, _, _ := exchange(t, http.MethodGet, server.URL+"/messages?createdAt>=2026-11-25T09:30:00Z&createdAt%3C=2026-11-26T09:30:00Z", credentials(), "")
	require.Equal(t, http.StatusOK, status)

	first := server.Requests()
	assert.Equal(t, url.Values{"createdAt>": {"2026-11-25T09:30:00Z"}, "createdAt<": {"2026-11-26T09:30:00Z"}}, first[1].Query,
		"a raw > and an escaped < decode alike")
	first[1].Query.Set("createdAt>", "changed")
	first[0].Header.Set("Project", "changed")
	first[0].Body[0] = 'X'
	first[0].Status = 0

	again := server.Requests()[0]
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f999", again.Header.Get("Project"))
	assert.Equal(t, byte('{'), again.Body[0])
	assert.Equal(t, http.StatusOK, again.Status)
	assert.Equal(t, "2026-11-25T09:30:00Z", server.Requests()[1].Query.Get("createdAt>"))
}

func TestWithRequestLogSeesEachRequestOnceAnswered(t *testing.T) {
	t.Parallel()
	logged := make(chan gleaptest.Request, 2)
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestLog(func(req gleaptest.Request) { logged <- req }))

	_, err := newClient(t, server).Messages.Note(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	ok := <-logged
	assert.Equal(t, http.StatusOK, ok.Status)
	assert.Contains(t, string(ok.Body), `"isNote":true`)
	assert.NoError(t, ok.Violation)

	status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":42}`)
	require.Equal(t, http.StatusBadRequest, status)
	refused := <-logged
	assert.Equal(t, http.StatusBadRequest, refused.Status)
	require.Error(t, refused.Violation)
	assert.Contains(t, refused.Violation.Error(), "ticket")
	assert.Len(t, recorder.failures(), 1, "NewServer still fails the test beside the log")

	server.Close()
	assert.Empty(t, logged, "once per request")
}

func TestAPathCannotForgeALogLine(t *testing.T) {
	t.Parallel()
	var logged []string
	server, err := gleaptest.Start(gleaptest.WithRequestLog(func(r gleaptest.Request) {
		logged = append(logged, r.Path)
		if r.Violation != nil {
			logged = append(logged, r.Violation.Error())
		}
	}))
	require.NoError(t, err)
	t.Cleanup(server.Close)

	status, _ := send(t, http.MethodGet, server.URL+"/x%0Agleap%20mock:%20contract%20violation:%20forged", nil, "")
	server.Close() // the log is written after the answer; Close waits for it

	assert.Equal(t, http.StatusNotFound, status)
	require.NotEmpty(t, logged)
	for _, line := range logged {
		assert.NotContains(t, line, "\n", "a line break from the path would start a line of its own")
	}
	assert.Equal(t, "/v3/x%0Agleap%20mock:%20contract%20violation:%20forged", logged[0])
}
