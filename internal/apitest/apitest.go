// Package apitest sends the raw requests that tests of gleaptest and of the inbox send to a gleaptest
// server: valid ones, with well-formed credentials, and the ones the contract refuses; and it receives
// the webhooks a server posts (EventReceiver). It is for tests only.
package apitest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// Credentials returns the headers of a JSON request with well-formed credentials.
func Credentials() http.Header {
	return http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}
}

// Send makes a request to url with header and body, on a connection of its own, and returns the status
// and the decoded JSON answer.
func Send(t testing.TB, method, url string, header http.Header, body string) (int, map[string]any) {
	t.Helper()
	status, _, answer := Exchange(t, method, url, header, body)
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(answer, &decoded), "answer: %s", answer)
	return status, decoded
}

// Exchange makes a request to url with header and body, on a connection of its own, and returns the
// status, the headers and the body of the answer.
func Exchange(t testing.TB, method, url string, header http.Header, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = header
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, answer
}

// Post stores the message body describes and returns its id.
func Post(t testing.TB, server *gleaptest.Server, body string) string {
	t.Helper()
	status, answer := Send(t, http.MethodPost, server.URL+"/messages", Credentials(), body)
	require.Equal(t, http.StatusOK, status, "%v", answer)
	return answer["id"].(string)
}

// PostMany stores n messages in ticket and returns their ids, oldest first.
func PostMany(t testing.TB, server *gleaptest.Server, ticket string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = Post(t, server, `{"ticket":"`+ticket+`","type":"COMMENT","messageRef":"m`+strconv.Itoa(i)+`"}`)
	}
	return ids
}
