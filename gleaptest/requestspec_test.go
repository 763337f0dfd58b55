package gleaptest_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// published is the name these tests give Gleap's published OpenAPI document.
const published = "Gleap's published document"

// publishedSpec returns Gleap's published OpenAPI document, a third-party fixture.
func publishedSpec(t *testing.T) []byte {
	t.Helper()
	spec, err := os.ReadFile("../testdata/gleap-published-openapi-messages.yaml")
	require.NoError(t, err)
	return spec
}

func TestWithRequestsCheckedAgainstPassesValidRequests(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst(published, publishedSpec(t)))

	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "Hello")
	require.NoError(t, err, "the client's own request")
	id := post(t, server, `{"ticket":"`+ticketID+`","type":"COMMENT","replyTo":"6752f0c1a4b3c2d1e0f98765",`+
		`"attachments":[{"name":"a.pdf","url":"https://files.example.com/a.pdf"}],"actions":[{"type":"BUTTON"}]}`)
	lowercase := credentials()
	lowercase.Del("Project")
	lowercase["project"] = []string{"p"} // as Gleap's documents spell it; HTTP header names ignore case
	status, _, _ := exchange(t, http.MethodGet, server.URL+"/messages?paginated=true&limit=1&ticket="+ticketID+"&createdAt>=2020-01-01T00:00:00Z", lowercase, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, search(t, server, "hello"), 1)
	status, _ = send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"comment":`+tiptap("Changed")+`,"isNote":true}`)
	assert.Equal(t, http.StatusOK, status)
	status, _, _ = exchange(t, http.MethodDelete, server.URL+"/messages/"+id, credentials(), "")
	assert.Equal(t, http.StatusNoContent, status)

	assert.Empty(t, recorder.failures())
	for _, req := range server.Requests() {
		assert.NoError(t, req.Violation, "%s %s", req.Method, req.Path)
	}
}

func TestWithRequestsCheckedAgainstReportsWhatTheDocumentForbids(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		method string
		path   string
		body   string
		reason string
	}{
		// openapi.yaml allows a field it does not know; Gleap's DTOs declare additionalProperties: false.
		{"an unknown field", http.MethodPost, "/messages", `{"ticket":"t","colour":"red"}`, `property "colour" is unsupported`},
		{"isReply, on the reference page only", http.MethodPost, "/messages", `{"ticket":"t","isReply":true}`, `property "isReply" is unsupported`},
		{"an unknown field in an attachment", http.MethodPost, "/messages", `{"attachments":[{"name":"a","url":"u","size":1}]}`, `property "size" is unsupported`},
		{"an unknown field in a change", http.MethodPut, "/messages/6752f0c1a4b3c2d1e0f98765", `{"colour":"red"}`, `property "colour" is unsupported`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst(published, publishedSpec(t)))

			status, body := send(t, tc.method, server.URL+tc.path, credentials(), tc.body)

			assert.Equal(t, http.StatusBadRequest, status, "refused as Gleap would")
			assert.Equal(t, 400.0, body["statusCode"], "a Gleap-style error body")
			assert.Empty(t, server.Messages())
			failures := recorder.failures()
			require.Len(t, failures, 1)
			assert.Contains(t, failures[0], "gleaptest: the request breaks "+published+": request "+tc.method+" /v3/messages")
			assert.Contains(t, failures[0], tc.reason)
			requests := server.Requests()
			require.Len(t, requests, 1)
			assert.Equal(t, http.StatusBadRequest, requests[0].Status)
			require.Error(t, requests[0].Violation)
			assert.True(t, strings.HasPrefix(requests[0].Violation.Error(), published+": request "), requests[0].Violation.Error())
		})
	}
}

func TestWithRequestsCheckedAgainstComesAfterOpenAPIYAML(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst(published, publishedSpec(t)))

	// Both documents require an attachment's url: openapi.yaml says so first.
	status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"attachments":[{"name":"a.pdf"}]}`)

	assert.Equal(t, http.StatusBadRequest, status)
	failures := recorder.failures()
	require.Len(t, failures, 1)
	assert.Contains(t, failures[0], "gleaptest: the traffic breaks openapi.yaml: request POST /v3/messages")
	assert.Contains(t, failures[0], "url")
}

func TestWithRequestsCheckedAgainstChecksCredentialsLikeOpenAPIYAML(t *testing.T) {
	t.Parallel()
	// Without openapi.yaml's checks, only Gleap's document asks for credentials: an http bearer scheme,
	// and the project header as a required parameter of every operation.
	server := gleaptest.NewServer(&recordingTB{TB: t}, gleaptest.WithoutContractChecks(),
		gleaptest.WithRequestsCheckedAgainst(published, publishedSpec(t)))
	cases := []struct {
		name   string
		header http.Header
		reason string
	}{
		{"no project header", http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}}, `missing "project" header`},
		{"a blank project header", http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {" "}}, `missing "project" header`},
		{"no Authorization header", http.Header{"Content-Type": {"application/json"}, "Project": {"p"}}, `missing "Authorization: Bearer <key>" header`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body := send(t, http.MethodPost, server.URL+"/messages", tc.header, `{"ticket":"t"}`)
			assert.Equal(t, http.StatusUnauthorized, status)
			assert.Contains(t, body["message"], published+": request POST /v3/messages: security requirements failed: "+tc.reason)
		})
	}
	t.Run("both", func(t *testing.T) {
		t.Parallel()
		status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t"}`)
		assert.Equal(t, http.StatusOK, status)
	})
}

// smallSpec declares only POST /messages, with the project header as a parameter of the path and a
// bearer scheme required by the whole document.
const smallSpec = `
openapi: 3.0.0
info: {title: small, version: '1'}
servers: [{url: 'https://api.example.com/v3'}]
security: [{key: []}]
paths:
  /messages:
    parameters:
      - {in: header, name: Project, required: true, schema: {type: string}}
    post:
      responses: {'200': {description: Ok}}
      requestBody:
        required: true
        content: {application/json: {schema: {type: object}}}
components:
  securitySchemes:
    key: {type: http, scheme: bearer}
`

func TestWithRequestsCheckedAgainstRefusesARouteTheDocumentLacks(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequestsCheckedAgainst("small", []byte(smallSpec)))

	status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t"}`)
	assert.Equal(t, http.StatusOK, status)
	status, _ = send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}}, `{}`)
	assert.Equal(t, http.StatusUnauthorized, status, "openapi.yaml refuses it first")
	status, body := send(t, http.MethodGet, server.URL+"/messages/search?searchTerm=x", credentials(), "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body["message"], "small: request GET /v3/messages/search: ")

	failures := recorder.failures()
	require.Len(t, failures, 2)
	assert.Contains(t, failures[1], "gleaptest: the request breaks small: request GET /v3/messages/search")
}

// smallTicketsSpec declares only GET /tickets and GET /tickets/t1/console-logs, as a second document beside
// Gleap's of messages would.
const smallTicketsSpec = `
openapi: 3.0.0
info: {title: tickets, version: '1'}
servers: [{url: 'https://api.gleap.io/v3'}]
security: [{jwt: []}]
paths:
  /tickets:
    get:
      parameters:
        - {in: header, name: project, required: true, schema: {type: string}}
        - {in: query, name: limit, schema: {type: integer}}
      responses: {'200': {description: Ok}}
  /tickets/t1/console-logs:
    get:
      parameters:
        - {in: header, name: project, required: true, schema: {type: string}}
      responses: {'200': {description: Ok}}
components:
  securitySchemes:
    jwt: {type: http, scheme: bearer}
`

func TestWithRequestsCheckedAgainstTwiceChecksEachRouteByItsDocument(t *testing.T) {
	t.Parallel()
	// Without openapi.yaml's checks, which has no tickets: only the two documents check the requests.
	server := gleaptest.NewServer(&recordingTB{TB: t}, gleaptest.WithoutContractChecks(),
		gleaptest.WithRequestsCheckedAgainst(published, publishedSpec(t)), gleaptest.WithRequestsCheckedAgainst("tickets", []byte(smallTicketsSpec)))

	status, _ := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t"}`)
	assert.Equal(t, http.StatusOK, status, "the messages document has the route, the tickets document need not")
	status, body := send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"t","colour":"red"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body["message"], published+": request POST /v3/messages: ")
	status, body = send(t, http.MethodGet, server.URL+"/tickets?limit=many", credentials(), "")
	assert.Equal(t, http.StatusBadRequest, status, "checked by the tickets document")
	assert.Contains(t, body["message"], "tickets: request GET /v3/tickets: ")
	status, body = send(t, http.MethodGet, server.URL+"/tickets?limit=10", credentials(), "")
	assert.Equal(t, http.StatusOK, status, "a valid request, answered by gleaptest's tickets")
	assert.Contains(t, body, "tickets")
	status, body = send(t, http.MethodGet, server.URL+"/tickets/t1/console-logs", credentials(), "")
	assert.Equal(t, http.StatusNotFound, status, "a valid request, to a route gleaptest does not serve")
	assert.Contains(t, body["message"], "gleaptest does not serve GET /v3/tickets/t1/console-logs")
	status, body = send(t, http.MethodGet, server.URL+"/sessions", credentials(), "")
	assert.Equal(t, http.StatusNotFound, status, "neither document has the route")
	assert.Contains(t, body["message"], published+": request GET /v3/sessions: ")
}

func TestWithRequestsCheckedAgainstNeedsAValidNamedDocument(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		specName string
		spec     string
		wantErr  string
	}{
		{"not a document", "broken", "openapi: [", `gleaptest: WithRequestsCheckedAgainst("broken"): loading broken: `},
		{"not a valid document", "invalid", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\nservers: [{url: /v3}]\npaths: {messages: {}}\n",
			`gleaptest: WithRequestsCheckedAgainst("invalid"): invalid is not valid: `},
		{"no server", "serverless", "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n",
			`gleaptest: WithRequestsCheckedAgainst("serverless"): serverless declares no server`},
		{"no name", " ", smallSpec, `gleaptest: WithRequestsCheckedAgainst(" "): the document needs a name`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := gleaptest.Start(gleaptest.WithRequestsCheckedAgainst(tc.specName, []byte(tc.spec)))
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.wantErr), err.Error())
		})
	}
}

func TestWithRequestsCheckedAgainstKeepsItsOwnCopyOfTheDocument(t *testing.T) {
	t.Parallel()
	spec := []byte(smallSpec)
	option := gleaptest.WithRequestsCheckedAgainst("small", spec)
	copy(spec, "garbage")

	server, err := gleaptest.Start(option)
	require.NoError(t, err)
	server.Close()
}
