package contract_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/contract"
)

// request returns a request to url with Gleap's credentials and a JSON body.
func request(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	req.Header = http.Header{"Authorization": {"Bearer test-key"}, "Project": {"test-project"}, "Content-Type": {"application/json"}}
	return req
}

func TestOursChecksAClientsRequestByItsPathAndItsAnswer(t *testing.T) {
	t.Parallel()
	doc, err := contract.Ours()
	require.NoError(t, err)
	assert.Equal(t, contract.OpenAPIYAML, doc.Name())
	again, err := contract.Ours()
	require.NoError(t, err)
	assert.Same(t, doc, again, "loaded once")

	// As the live check sends it: a whole URL, of Gleap's host or another region's.
	for _, url := range []string{"https://api.gleap.io/v3/messages", "https://eu.example.com:8443/v3/messages"} {
		exchange, status, err := doc.CheckRequest(request(t, http.MethodPost, url), []byte(`{"ticket":"6752e9a8b7c6d5e4f3a21098"}`))
		require.NoError(t, err, url)
		assert.Zero(t, status)
		jsonHeader := http.Header{"Content-Type": {"application/json"}}
		assert.NoError(t, exchange.CheckResponse(http.StatusOK, jsonHeader, []byte(`{"_id":"6752f0c1a4b3c2d1e0f98765","ticket":"6752e9a8b7c6d5e4f3a21098"}`)))

		err = exchange.CheckResponse(http.StatusOK, jsonHeader, []byte(`[]`))
		require.Error(t, err, "an array is no message")
		var violation *contract.Violation
		require.ErrorAs(t, err, &violation)
		assert.Equal(t, contract.OpenAPIYAML, violation.Document)
		assert.False(t, violation.Published)
		assert.True(t, strings.HasPrefix(err.Error(), "response 200 to POST /v3/messages: "), err.Error())
	}
}

func TestOursRefusesARequestWithGleapsStatus(t *testing.T) {
	t.Parallel()
	doc, err := contract.Ours()
	require.NoError(t, err)
	noKey := request(t, http.MethodPost, "/v3/messages")
	noKey.Header.Del("Authorization")
	cases := []struct {
		name       string
		req        *http.Request
		body       string
		wantStatus int
		wantReason string
	}{
		{"a route openapi.yaml lacks", request(t, http.MethodGet, "/v3/nothing"), "", http.StatusNotFound, "request GET /v3/nothing: "},
		{"no credentials", noKey, `{"ticket":"t"}`, http.StatusUnauthorized, `missing "Authorization: Bearer <key>" header`},
		{"a body of the wrong type", request(t, http.MethodPost, "/v3/messages"), `{"isNote":"yes"}`, http.StatusBadRequest, "isNote"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			exchange, status, err := doc.CheckRequest(tc.req, []byte(tc.body))
			assert.Nil(t, exchange)
			assert.Equal(t, tc.wantStatus, status)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantReason)
		})
	}
}

// oneRoute returns a small published document with one route, POST path, whose body may not hold
// unknown fields, behind a bearer scheme and the project header, as Gleap's documents have it.
func oneRoute(t *testing.T, name, path string) *contract.Document {
	t.Helper()
	doc, err := contract.Published(name, []byte(`
openapi: 3.0.0
info: {title: `+name+`, version: '1'}
servers: [{url: 'https://api.example.com/v3'}]
security: [{jwt: []}]
paths:
  `+path+`:
    post:
      parameters:
        - {in: header, name: project, required: true, schema: {type: string}}
      responses: {'200': {description: Ok}}
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, additionalProperties: false, properties: {title: {type: string}}}}}
components:
  securitySchemes:
    jwt: {type: http, scheme: bearer}
`))
	require.NoError(t, err)
	return doc
}

func TestDocumentsCheckEachRequestAgainstTheOnesWithItsRoute(t *testing.T) {
	t.Parallel()
	messages, tickets := oneRoute(t, "messages document", "/messages"), oneRoute(t, "tickets document", "/tickets")
	both := contract.Documents{messages, tickets}
	cases := []struct {
		name       string
		documents  contract.Documents
		path       string
		body       string
		wantStatus int
		wantReason string // "" when the request passes
	}{
		{"the first document's route", both, "/v3/messages", `{"title":"a"}`, 0, ""},
		{"the second document's route", both, "/v3/tickets", `{"title":"a"}`, 0, ""},
		{"checked by the document with the route", both, "/v3/tickets", `{"colour":"red"}`, http.StatusBadRequest,
			`tickets document: request POST /v3/tickets: `},
		{"a route neither has", both, "/v3/sessions", `{}`, http.StatusNotFound, "messages document: request POST /v3/sessions: "},
		{"one document alone refuses the other's route", contract.Documents{messages}, "/v3/tickets", `{}`, http.StatusNotFound,
			"messages document: request POST /v3/tickets: "},
		{"no documents check nothing", nil, "/v3/sessions", `{}`, 0, ""},
		{"a request beside their servers' path is none of theirs", both, "/admin/identify", `{"colour":"red"}`, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, err := tc.documents.CheckRequest(request(t, http.MethodPost, tc.path), []byte(tc.body))
			assert.Equal(t, tc.wantStatus, status)
			if tc.wantReason == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tc.wantReason), err.Error())
			var violation *contract.Violation
			require.ErrorAs(t, err, &violation)
			assert.True(t, violation.Published)
		})
	}
}

func TestPublishedDocumentsNeedTheProjectHeaderAsACredential(t *testing.T) {
	t.Parallel()
	doc := oneRoute(t, "tickets document", "/tickets")
	req := request(t, http.MethodPost, "/v3/tickets")
	req.Header.Del("Project")
	_, status, err := doc.CheckRequest(req, []byte(`{}`))
	assert.Equal(t, http.StatusUnauthorized, status, "as openapi.yaml refuses it, not as a missing parameter")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `missing "project" header`)
}

func TestOursRoutesTheAdminRoutesBesideV3AndRefusesAStrayCredential(t *testing.T) {
	t.Parallel()
	doc, err := contract.Ours()
	require.NoError(t, err)
	admin := func(path string, extra http.Header) *http.Request {
		req := request(t, http.MethodPost, path)
		req.Header = http.Header{"Content-Type": {"application/json"}, "Api-Token": {"k"}}
		for name, values := range extra {
			req.Header[name] = values
		}
		return req
	}
	withToken := request(t, http.MethodPost, "https://api.gleap.io/v3/messages")
	withToken.Header.Set("Api-Token", "k")
	cases := []struct {
		name       string
		req        *http.Request
		body       string
		wantStatus int
		wantReason string // "" when the request passes
	}{
		{"an admin route at the host's root", admin("https://api.gleap.io/admin/identify", nil), `{"userId":"u1"}`, 0, ""},
		{"an admin route under /v3", admin("/v3/admin/identify", nil), `{"userId":"u1"}`, http.StatusNotFound,
			"request POST /v3/admin/identify: "},
		{"an admin route with the bearer key besides", admin("/admin/identify", http.Header{"Authorization": {"Bearer k"}}),
			`{"userId":"u1"}`, http.StatusBadRequest,
			"request POST /admin/identify: the request sends the Authorization header (security scheme bearerAuth), " +
				"a credential POST /admin/identify does not take"},
		{"an admin route with the bearer key instead", request(t, http.MethodPost, "/admin/identify"), `{"userId":"u1"}`,
			http.StatusUnauthorized, `missing "Api-Token" header`},
		{"a /v3 route with the admin token besides", withToken, `{"ticket":"6752e9a8b7c6d5e4f3a21098"}`, http.StatusBadRequest,
			"request POST /v3/messages: the request sends the Api-Token header (security scheme apiToken), " +
				"a credential POST /v3/messages does not take"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, status, err := doc.CheckRequest(tc.req, []byte(tc.body))
			assert.Equal(t, tc.wantStatus, status)
			if tc.wantReason == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantReason)
		})
	}
}

func TestPublishedDocumentsTakeAnUndeclaredPathParameterAsAString(t *testing.T) {
	t.Parallel()
	// As Gleap's document of sessions leaves {userId}: kin-openapi alone refuses such a document.
	doc, err := contract.Published("sessions document", []byte(`
openapi: 3.0.0
info: {title: sessions, version: '1'}
servers: [{url: 'https://api.example.com/v3'}]
security: [{jwt: []}]
paths:
  /sessions/by-user-id/{userId}:
    get:
      parameters:
        - {in: header, name: project, required: true, schema: {type: string}}
      responses: {'200': {description: Ok}}
components:
  securitySchemes:
    jwt: {type: http, scheme: bearer}
`))
	require.NoError(t, err)
	for _, userID := range []string{"u1", "42", "ada%40example.com"} {
		_, status, err := doc.CheckRequest(request(t, http.MethodGet, "/v3/sessions/by-user-id/"+userID), nil)
		assert.NoError(t, err, userID)
		assert.Zero(t, status, userID)
	}
}
