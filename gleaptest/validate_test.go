package gleaptest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestValidTrafficPassesWithoutViolations(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)

	status, body := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"6752e9a8b7c6d5e4f3a21098","type":"COMMENT"}`)

	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "6752e9a8b7c6d5e4f3a21098", body["ticket"])
	assert.Empty(t, recorder.failures())
	assert.NoError(t, server.Requests()[0].Violation)
}

func TestRequestsThatBreakTheContractAreRefusedAndReported(t *testing.T) {
	t.Parallel()
	withCredentials := func(header http.Header) http.Header {
		header.Set("Content-Type", "application/json")
		return header
	}
	cases := []struct {
		name       string
		path       string
		header     http.Header
		body       string
		wantStatus int
		wantReason string
	}{
		{"no Authorization header", "/messages", withCredentials(http.Header{"Project": {"p"}}), `{}`, 401, "Authorization"},
		{"Authorization without a token", "/messages", withCredentials(http.Header{"Authorization": {"Bearer "}, "Project": {"p"}}), `{}`, 401, "Authorization"},
		{"Authorization with another scheme", "/messages", withCredentials(http.Header{"Authorization": {"Basic a2V5"}, "Project": {"p"}}), `{}`, 401, "Authorization"},
		{"no project header", "/messages", withCredentials(http.Header{"Authorization": {"Bearer k"}}), `{}`, 401, "project"},
		{"field of the wrong type", "/messages", credentials(), `{"bot":"yes"}`, 400, "bot"},
		{"attachment of the wrong shape", "/messages", credentials(), `{"attachments":[{"url":7}]}`, 400, "url"},
		{"no body", "/messages", credentials(), ``, 400, "body"},
		{"unknown path", "/nothing", credentials(), `{}`, 404, "no matching operation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)

			status, body := send(t, http.MethodPost, server.URL+tc.path, tc.header, tc.body)

			assert.Equal(t, tc.wantStatus, status)
			assert.Equal(t, float64(tc.wantStatus), body["statusCode"], "a Gleap-style error body")
			assert.Empty(t, server.Messages(), "an invalid request is not stored")
			failures := recorder.failures()
			require.Len(t, failures, 1)
			assert.Contains(t, failures[0], "gleaptest: the traffic breaks openapi.yaml")
			assert.Contains(t, failures[0], tc.wantReason)
			requests := server.Requests()
			require.Len(t, requests, 1)
			assert.Equal(t, tc.wantStatus, requests[0].Status)
			assert.ErrorContains(t, requests[0].Violation, tc.wantReason)
		})
	}
}

func TestAnswersThatBreakTheContractAreReportedAndSent(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTeapot}))

	status, body := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t"}`)

	assert.Equal(t, http.StatusTeapot, status, "the client gets the answer all the same, to test how it copes")
	assert.Equal(t, 418.0, body["statusCode"])
	failures := recorder.failures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], "gleaptest: the traffic breaks openapi.yaml: response 418 to POST /v3/messages")
	assert.ErrorContains(t, server.Requests()[0].Violation, "response 418")
}

func TestWithoutContractChecksServesWithoutValidating(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithoutContractChecks(), gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTeapot}))

	status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t"}`)
	assert.Equal(t, http.StatusTeapot, status, "an undocumented answer is not reported")
	status, answer := send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}}, `{"ticket":"t","colour":"red"}`)
	assert.Equal(t, http.StatusOK, status, "no credentials needed")
	assert.NotContains(t, answer, "colour", "the store still keeps only a message's fields")
	status, _ = send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":42}`)
	assert.Equal(t, http.StatusBadRequest, status, "what is not a message is still refused")
	status, body := send(t, http.MethodPost, server.URL+"/nothing", credentials(), `{}`)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, 404.0, body["statusCode"], "a Gleap-style error body")

	assert.Empty(t, recorder.failures())
	assert.Equal(t, []int{418, 200, 400, 404}, statuses(server), "every request is recorded")
	for _, req := range server.Requests() {
		assert.NoError(t, req.Violation)
	}
	require.Len(t, server.Messages(), 1)
	assert.Equal(t, "t", *server.Messages()[0].Ticket)
}

func TestWithoutContractChecksServesTheClient(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithoutContractChecks())
	msg, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err)
	assert.Equal(t, 0, msg.Index)
	assert.Len(t, server.Messages(), 1)
}
