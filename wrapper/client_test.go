package wrapper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gleap "github.com/gleap-community/gleap-go"
	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestNewRejectsMalformedInputBeforeSending(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	cases := []struct {
		name      string
		apiKey    string
		projectID string
		opts      []wrapper.Option
		wantField string
	}{
		{"empty key", "", testProject, nil, "apiKey"},
		{"key with a space", "gl_sk 123", testProject, nil, "apiKey"},
		{"key with CR LF (header injection)", testKey + "\r\nX-Evil: 1", testProject, nil, "apiKey"},
		{"key with a control character", testKey + "\x00", testProject, nil, "apiKey"},
		{"key with a tab", "\t" + testKey, testProject, nil, "apiKey"},
		{"key with non-ASCII", testKey + "é", testProject, nil, "apiKey"},
		{"key of one letter", "k", testProject, nil, "apiKey"},
		{"key a character shorter than the shortest", "gl_sk_7", testProject, nil, "apiKey"},
		{"empty project", testKey, "", nil, "projectID"},
		{"project with LF", testKey, testProject + "\nproject: other", nil, "projectID"},
		{"project with a space", testKey, "my project", nil, "projectID"},
		{"relative base URL", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("api.gleap.io/v3")}, "baseURL"},
		{"base URL of another scheme", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("ftp://api.gleap.io/v3")}, "baseURL"},
		{"base URL without a host", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("https:///v3")}, "baseURL"},
		{"base URL with credentials", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("https://user:" + testKey + "@api.gleap.io/v3")}, "baseURL"},
		{"base URL with a query", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("https://api.gleap.io/v3?x=1")}, "baseURL"},
		{"unparsable base URL", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("https://api.gleap.io/%zz")}, "baseURL"},
		{"nil HTTP client", testKey, testProject, []wrapper.Option{wrapper.WithHTTPClient(nil)}, "httpClient"},
		{"blank user agent", testKey, testProject, []wrapper.Option{wrapper.WithUserAgent("  ")}, "userAgent"},
		{"user agent with CR LF", testKey, testProject, []wrapper.Option{wrapper.WithUserAgent("app/1\r\nAuthorization: x")}, "userAgent"},
		{"plain http to a remote host", testKey, testProject, []wrapper.Option{wrapper.WithBaseURL("http://api.gleap.io/v3")}, "baseURL"},
		{"negative retries", testKey, testProject, []wrapper.Option{wrapper.WithMaxRetries(-1)}, "RetryPolicy.MaxRetries"},
		{"negative backoff", testKey, testProject, []wrapper.Option{wrapper.WithRetryPolicy(wrapper.RetryPolicy{MinBackoff: -time.Second})}, "RetryPolicy"},
		{"backoff bounds swapped", testKey, testProject, []wrapper.Option{wrapper.WithRetryPolicy(wrapper.RetryPolicy{MinBackoff: time.Second, MaxBackoff: time.Millisecond})}, "RetryPolicy.MaxBackoff"},
		{"negative timeout", testKey, testProject, []wrapper.Option{wrapper.WithTimeout(-time.Second)}, "timeout"},
		{"zero response cap", testKey, testProject, []wrapper.Option{wrapper.WithMaxResponseBytes(0)}, "maxResponseBytes"},
		{"nil logger", testKey, testProject, []wrapper.Option{wrapper.WithLogger(nil)}, "logger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, err := wrapper.New(tc.apiKey, tc.projectID, append([]wrapper.Option{wrapper.WithBaseURL(server.URL)}, tc.opts...)...)
			assert.Nil(t, client)
			var invalid *wrapper.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tc.wantField, invalid.Field)
			assert.NotEmpty(t, invalid.Problem)
			assertNoSecret(t, err)
			assert.NotContains(t, err.Error(), "X-Evil")
		})
	}
	// Cleanups run after the parallel subtests have finished.
	t.Cleanup(func() { assert.Empty(t, server.Requests(), "nothing is sent for malformed input") })
}

func TestClientSendsCredentialsAndUserAgent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		opts          []wrapper.Option
		wantUserAgent string
	}{
		{"default", nil, "gleap-go/" + wrapper.Version},
		{"application named", []wrapper.Option{wrapper.WithUserAgent("billing-service/2.1")}, "billing-service/2.1 gleap-go/" + wrapper.Version},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t)
			_, err := newClient(t, server, tc.opts...).Messages.Reply(context.Background(), ticketID, "hi")
			require.NoError(t, err)
			requests := server.Requests()
			require.Len(t, requests, 1)
			header := requests[0].Header
			assert.Equal(t, "Bearer "+testKey, header.Get("Authorization"))
			assert.Equal(t, testProject, header.Get("project"))
			assert.Equal(t, tc.wantUserAgent, header.Get("User-Agent"))
			assert.Equal(t, "application/json", header.Get("Content-Type"))
		})
	}
}

func TestWithBaseURLAcceptsATrailingSlash(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL+"/"))
	require.NoError(t, err)
	_, err = client.Messages.Reply(context.Background(), ticketID, "hi")
	require.NoError(t, err)
	assert.Len(t, server.Messages(), 1)
}

func TestDefaultBaseURLIsTheSpecServer(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "https://api.gleap.io/v3", wrapper.DefaultBaseURL)
}

// countingTransport counts the requests that go through it.
type countingTransport struct {
	mu    chan struct{}
	count int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu <- struct{}{}
	c.count++
	<-c.mu
	return http.DefaultTransport.RoundTrip(req)
}

func TestWithHTTPClientSendsThroughTheGivenClient(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	transport := &countingTransport{mu: make(chan struct{}, 1)}
	client := newClient(t, server, wrapper.WithHTTPClient(&http.Client{Transport: transport}))
	_, err := client.Messages.Note(context.Background(), ticketID, "note")
	require.NoError(t, err)
	assert.Equal(t, 1, transport.count)
}

// fullExample is the "full" request example of openapi.yaml: every field of Gleap's reference page.
func fullExample(t *testing.T) []byte {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(gleap.OpenAPISpec())
	require.NoError(t, err)
	media := doc.Paths.Value("/messages").Post.RequestBody.Value.Content.Get("application/json")
	example, err := json.Marshal(media.Examples["full"].Value.Value)
	require.NoError(t, err)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(example, &fields))
	require.Len(t, fields, 25, "the full example sets every field of the reference page")
	return example
}

func TestCreateMessageRoundTripsEveryField(t *testing.T) {
	t.Parallel()
	example := fullExample(t)
	var req api.CreateMessageRequest
	require.NoError(t, json.Unmarshal(example, &req))

	server := newServer(t)
	message, err := newClient(t, server).Messages.Create(context.Background(), req)
	require.NoError(t, err)

	requests := server.Requests()
	require.Len(t, requests, 1)
	assert.JSONEq(t, string(example), string(requests[0].Body), "the server receives exactly what was set")
	var received api.CreateMessageRequest
	require.NoError(t, json.Unmarshal(requests[0].Body, &received))
	assert.Equal(t, req, received)
	stored := server.Messages()
	require.Len(t, stored, 1)
	assert.Equal(t, stored[0], *message, "the client returns the message the server stored")

	// The stored message echoes the request's fields back, decoded into the generated types.
	require.NotNil(t, message.ID)
	assert.Equal(t, message.ID, message.DocumentID)
	assert.Equal(t, req.Ticket, message.Ticket)
	assert.JSONEq(t, string(req.Comment), string(message.Comment))
	assert.JSONEq(t, string(req.Data), string(message.Data))
	assert.Equal(t, req.Attachments, message.Attachments)
	assert.Equal(t, req.Channel, message.Channel)
	assert.Equal(t, req.FallbackUser, message.FallbackUser)
	assert.Equal(t, req.SendToChannel, message.SendToChannel)
	assert.Equal(t, req.Rating, message.Rating)
	require.NotNil(t, message.User.Object, "gleaptest embeds the author")
	assert.Equal(t, *req.User, message.User.ID)
	assert.Equal(t, req.User, message.User.Object.ID)
	require.NotNil(t, message.CreatedAt)
	assert.Equal(t, 0, message.Index)
}

func TestCreateMessageSendsOnlyTheFieldsThatWereSet(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	_, err := newClient(t, server).Messages.Create(context.Background(), api.CreateMessageRequest{
		Ticket: wrapper.Ptr(ticketID),
		IsNote: wrapper.Ptr(false),
	})
	require.NoError(t, err)
	requests := server.Requests()
	require.Len(t, requests, 1)
	assert.JSONEq(t, `{"ticket":"`+ticketID+`","isNote":false}`, string(requests[0].Body),
		"unset fields are absent; a field set to its zero value is sent")
}

func TestCreateMessageKeepsFieldsTheServerAddsLater(t *testing.T) {
	t.Parallel()
	server := newServer(t, gleapAnswer(t, http.StatusOK,
		`{"id":"6752f0c1a4b3c2d1e0f98765","type":"COMMENT","reactions":[{"emoji":"👍"}],"user":"64f1c2d3e4a5b6c7d8e9f012"}`))
	var raw wrapper.Response
	message, err := newClient(t, server).Messages.Create(context.Background(), api.CreateMessageRequest{Ticket: wrapper.Ptr(ticketID)},
		wrapper.WithResponseInto(&raw))
	require.NoError(t, err)
	assert.Equal(t, "COMMENT", message.Type)
	var fields struct {
		Reactions []map[string]string `json:"reactions"`
	}
	require.NoError(t, json.Unmarshal(raw.Body, &fields))
	assert.Equal(t, "👍", fields.Reactions[0]["emoji"], "an unknown field is accepted and kept in the raw answer")
	assert.Equal(t, "64f1c2d3e4a5b6c7d8e9f012", message.User.ID, "the author may come as a bare id")
	assert.Nil(t, message.User.Object)
}

func TestCreateMessageRejectsInvalidJSONFieldsBeforeSending(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		req       api.CreateMessageRequest
		wantField string
	}{
		{"comment", api.CreateMessageRequest{Comment: json.RawMessage(`{"type":`)}, "comment"},
		{"data", api.CreateMessageRequest{Data: json.RawMessage(`not json`)}, "data"},
		{"statusHistory entry", api.CreateMessageRequest{StatusHistory: []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`{`)}}, "statusHistory[1]"},
		{"aiData", api.CreateMessageRequest{AiData: json.RawMessage(`[1,]`)}, "aiData"},
	}
	server := newServer(t)
	client := newClient(t, server)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Messages.Create(context.Background(), tc.req)
			var invalid *wrapper.ValidationError
			require.ErrorAs(t, err, &invalid)
			assert.Equal(t, tc.wantField, invalid.Field)
		})
	}
	assert.Empty(t, server.Requests())
}

// errorExample is the example body openapi.yaml gives for the response to status.
func errorExample(t *testing.T, status int) string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(gleap.OpenAPISpec())
	require.NoError(t, err)
	response := doc.Paths.Value("/messages").Post.Responses.Status(status)
	require.NotNil(t, response, "status %d is documented", status)
	example, err := json.Marshal(response.Value.Content.Get("application/json").Example)
	require.NoError(t, err)
	return string(example)
}

func TestEveryDocumentedErrorStatusBecomesAnAPIError(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 429, 500, 502, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			body := errorExample(t, status)
			server := newServer(t, gleapAnswer(t, status, body))
			message, err := newClient(t, server, wrapper.WithMaxRetries(0)).Messages.Reply(context.Background(), ticketID, "hello")
			assert.Nil(t, message)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			var example struct{ Message string }
			require.NoError(t, json.Unmarshal([]byte(body), &example))
			assert.Equal(t, example.Message, apiErr.Message)
			assert.Equal(t, body, string(apiErr.Body))
			want := fmt.Sprintf("gleap: create message: %d %s: %s (1 attempt)", status, http.StatusText(status), example.Message)
			if status >= 500 {
				want = strings.Replace(want, ")", "; outcome unknown: the call may have taken effect)", 1)
			}
			assert.Equal(t, want, err.Error())
			assert.Equal(t, status >= 500, errors.Is(err, wrapper.ErrOutcomeUnknown))
			assertNoSecret(t, err)
			assert.Len(t, server.Requests(), 1)
		})
	}
}

func TestAPIErrorReadsWhateverTheServerSends(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantMessage string
		violation   string // why the answer breaks openapi.yaml, when it does
	}{
		{"message list", 400, "application/json", `{"message":["ticket must be a string","bot must be a boolean"]}`, "ticket must be a string; bot must be a boolean", ""},
		{"error name only", 403, "application/json", `{"error":"Forbidden"}`, "Forbidden", ""},
		{"JSON string", 401, "application/json", `"Unauthorized"`, "", ""},
		{"empty body", 404, "application/json", ``, "", "decode response body"},
		{"HTML page from a proxy", 502, "text/html", `<html><body><h1>502 Bad Gateway</h1></body></html>`, "", "Content-Type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, offContractAnswer(tc.status, tc.contentType, tc.body))
			_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "hello")
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.wantMessage, apiErr.Message)
			assert.Equal(t, tc.body, string(apiErr.Body))
			violation := answerViolation(tc.status, http.Header{"Content-Type": {tc.contentType}}, tc.body)
			if tc.violation == "" {
				assert.NoError(t, violation)
			} else {
				require.Error(t, violation)
				assert.Contains(t, violation.Error(), tc.violation)
			}
		})
	}
}

func TestAPIErrorKeepsOnlyTheStartOfALargeBody(t *testing.T) {
	t.Parallel()
	body := `{"message":"` + strings.Repeat("x", 64<<10) + `"}`
	server := newServer(t, gleapAnswer(t, http.StatusInternalServerError, body))
	_, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "hello")
	var apiErr *wrapper.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, body[:4<<10], string(apiErr.Body))
	assert.Empty(t, apiErr.Message, "a cut-off body has no readable message")
}

func TestUnreadableSuccessAnswersWrapErrInvalidResponse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		body      string
		violation string
	}{
		{"malformed JSON", `{"id":`, "response body"},
		{"not an object", `[1,2,3]`, "response body"},
		{"larger than 4 MiB", `{"comment":"` + strings.Repeat("a", 4<<20) + `"}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, offContractAnswer(http.StatusOK, "application/json", tc.body))
			message, err := newClient(t, server).Messages.Reply(context.Background(), ticketID, "hello")
			assert.Nil(t, message)
			require.ErrorIs(t, err, wrapper.ErrInvalidResponse)
			assert.NotErrorAs(t, err, new(*wrapper.APIError))
			assertNoSecret(t, err)
			if tc.violation != "" {
				violation := answerViolation(http.StatusOK, http.Header{"Content-Type": {"application/json"}}, tc.body)
				require.Error(t, violation)
				assert.Contains(t, violation.Error(), tc.violation)
			}
		})
	}
}

func TestTransportFailureIsAnErrorWithoutTheKey(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	client := newClient(t, server, wrapper.WithBaseURL("http://127.0.0.1:1/v3"), wrapper.WithMaxRetries(0))
	message, err := client.Messages.Reply(context.Background(), ticketID, "hello")
	assert.Nil(t, message)
	require.Error(t, err)
	assert.NotErrorAs(t, err, new(*wrapper.APIError))
	assert.Contains(t, err.Error(), "gleap: create message")
	assertNoSecret(t, err)
}

func TestCancelledContextSendsNothing(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, server).Messages.Reply(ctx, ticketID, "hello")
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, server.Requests())
}

func TestPrintingAClientNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	client := newClient(t, newServer(t))
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, fmt.Sprintf(format, client), testKey, format)
		assert.NotContains(t, fmt.Sprintf(format, *client), testKey, format)
		assert.NotContains(t, fmt.Sprintf(format, client.Raw()), testKey, format)
		assert.NotContains(t, fmt.Sprintf(format, *client.Raw()), testKey, format)
	}
}

func TestRawClientSharesTheWrapperSetUp(t *testing.T) {
	t.Parallel()
	server := newServer(t)
	resp, err := newClient(t, server).Raw().CreateMessageWithResponse(context.Background(), api.CreateMessageRequest{
		Ticket: wrapper.Ptr(ticketID),
		Type:   wrapper.Ptr(wrapper.MessageTypeComment),
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode())
	require.NotNil(t, resp.JSON200)
	assert.Equal(t, ticketID, *resp.JSON200.Ticket)
	assert.Equal(t, "Bearer "+testKey, server.Requests()[0].Header.Get("Authorization"))
}

func TestRequestEditorsWorkOnTheGeneratedClient(t *testing.T) {
	t.Parallel()
	body := api.CreateMessageRequest{Ticket: wrapper.Ptr(ticketID)}

	t.Run("both headers", func(t *testing.T) {
		t.Parallel()
		server := newServer(t)
		raw, err := api.NewClientWithResponses(server.URL,
			api.WithRequestEditorFn(wrapper.BearerAuth(testKey)),
			api.WithRequestEditorFn(wrapper.ProjectHeader(testProject)))
		require.NoError(t, err)
		resp, err := raw.CreateMessageWithResponse(context.Background(), body)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode())
		assert.Len(t, server.Messages(), 1)
	})

	for _, missing := range []string{"project", "Authorization"} {
		t.Run("without "+missing, func(t *testing.T) {
			t.Parallel()
			// The request breaks the contract on purpose: Start records the violation instead of failing.
			server, err := gleaptest.Start()
			require.NoError(t, err)
			t.Cleanup(server.Close)
			editor := wrapper.ProjectHeader(testProject)
			if missing == "project" {
				editor = wrapper.BearerAuth(testKey)
			}
			raw, err := api.NewClientWithResponses(server.URL, api.WithRequestEditorFn(editor))
			require.NoError(t, err)
			resp, err := raw.CreateMessageWithResponse(context.Background(), body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode(), "the spec's security fails validation")
			requests := server.Requests()
			require.Len(t, requests, 1)
			require.Error(t, requests[0].Violation)
			assert.Contains(t, requests[0].Violation.Error(), missing)
			assert.Empty(t, server.Messages())
		})
	}

	t.Run("malformed credentials are never sent", func(t *testing.T) {
		t.Parallel()
		server := newServer(t)
		raw, err := api.NewClientWithResponses(server.URL,
			api.WithRequestEditorFn(wrapper.BearerAuth(testKey+"\r\nX-Evil: 1")),
			api.WithRequestEditorFn(wrapper.ProjectHeader(testProject)))
		require.NoError(t, err)
		_, err = raw.CreateMessageWithResponse(context.Background(), body)
		var invalid *wrapper.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, "apiKey", invalid.Field)
		assertNoSecret(t, err)

		raw, err = api.NewClientWithResponses(server.URL,
			api.WithRequestEditorFn(wrapper.BearerAuth(testKey)),
			api.WithRequestEditorFn(wrapper.ProjectHeader("")))
		require.NoError(t, err)
		_, err = raw.CreateMessageWithResponse(context.Background(), body)
		require.True(t, errors.As(err, &invalid))
		assert.Equal(t, "projectID", invalid.Field)
		assert.Empty(t, server.Requests())
	})
}
