package fakegleap_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// violations collects what a validator reports.
type violations struct {
	mu   sync.Mutex
	errs []error
}

func (v *violations) report(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.errs = append(v.errs, err)
}

func (v *violations) all() []error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]error(nil), v.errs...)
}

func serve(t *testing.T, handler http.Handler) (*httptest.Server, *violations) {
	t.Helper()
	validator, err := fakegleap.NewValidator()
	require.NoError(t, err)
	found := &violations{}
	srv := httptest.NewServer(validator.Wrap(handler, found.report))
	t.Cleanup(srv.Close)
	return srv, found
}

func post(t *testing.T, url, body string, header map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for name, value := range header {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var decoded map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&decoded))
	return resp, decoded
}

var credentials = map[string]string{"Authorization": "Bearer test-key", "project": "test-project"}

func TestValidatorPassesValidTrafficThrough(t *testing.T) {
	t.Parallel()
	srv, found := serve(t, fakegleap.NewServer(nil))
	resp, body := post(t, srv.URL+"/v3/messages", `{"ticket":"6752e9a8b7c6d5e4f3a21098","type":"COMMENT"}`, credentials)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "6752e9a8b7c6d5e4f3a21098", body["ticket"])
	assert.Empty(t, found.all())
}

func TestValidatorRejectsRequestsThatBreakTheContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		path       string
		body       string
		header     map[string]string
		wantStatus int
		wantReason string
	}{
		{"no Authorization header", "/v3/messages", `{}`, map[string]string{"project": "p"}, 401, "Authorization"},
		{"Authorization without a token", "/v3/messages", `{}`, map[string]string{"Authorization": "Bearer ", "project": "p"}, 401, "Authorization"},
		{"Authorization with another scheme", "/v3/messages", `{}`, map[string]string{"Authorization": "Basic a2V5", "project": "p"}, 401, "Authorization"},
		{"no project header", "/v3/messages", `{}`, map[string]string{"Authorization": "Bearer k"}, 401, "project"},
		{"field of the wrong type", "/v3/messages", `{"bot":"yes"}`, credentials, 400, "bot"},
		{"attachment of the wrong shape", "/v3/messages", `{"attachments":[{"url":7}]}`, credentials, 400, "url"},
		{"no body", "/v3/messages", ``, credentials, 400, "body"},
		{"unknown path", "/v3/nothing", `{}`, credentials, 404, "no matching operation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reached := false
			srv, found := serve(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
			resp, body := post(t, srv.URL+tc.path, tc.body, tc.header)
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
			assert.Equal(t, float64(tc.wantStatus), body["statusCode"])
			assert.False(t, reached, "an invalid request must not reach the handler")
			errs := found.all()
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Error(), tc.wantReason)
		})
	}
}

func TestValidatorReportsResponsesThatBreakTheContract(t *testing.T) {
	t.Parallel()
	srv, found := serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"index":"three"}`))
	}))
	resp, body := post(t, srv.URL+"/v3/messages", `{}`, credentials)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "three", body["index"], "the invalid response is still delivered")
	errs := found.all()
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "index")
}

func TestServerStoresMessagesAndAnswersLikeGleap(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 9, 30, 0, 123e6, time.UTC)
	fake := fakegleap.NewServer(func() time.Time { return now })
	srv, found := serve(t, fake)

	var answers []map[string]any
	for _, ticket := range []string{"ticket-a", "ticket-b", "ticket-a"} {
		_, body := post(t, srv.URL+"/v3/messages",
			`{"ticket":"`+ticket+`","user":"agent-1","session":"contact-9","isNote":true,"data":{"n":1}}`, credentials)
		answers = append(answers, body)
	}
	require.Empty(t, found.all())

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
		assert.Equal(t, map[string]any{"_id": "agent-1"}, answer["user"])
		assert.Equal(t, map[string]any{"_id": "contact-9"}, answer["session"])
	}
	assert.Equal(t, []any{0.0, 0.0, 1.0}, []any{answers[0]["index"], answers[1]["index"], answers[2]["index"]},
		"index counts the messages of each ticket")

	stored := fake.Messages()
	require.Len(t, stored, 3)
	assert.Equal(t, api.CreateMessageRequest{
		Ticket: ptr("ticket-b"), User: ptr("agent-1"), Session: ptr("contact-9"), IsNote: ptr(true),
		Data: json.RawMessage(`{"n":1}`),
	}, stored[1])
}

func ptr[T any](v T) *T { return &v }

func TestServerAnswersOnlyWithSentAndAssignedFields(t *testing.T) {
	t.Parallel()
	srv, found := serve(t, fakegleap.NewServer(nil))
	_, answer := post(t, srv.URL+"/v3/messages", `{"ticket":"t-1","comment":{"type":"doc"},"data":null}`, credentials)
	require.Empty(t, found.all())
	var fields []string
	for name := range answer {
		fields = append(fields, name)
	}
	assert.ElementsMatch(t, []string{"ticket", "comment", "data", "_id", "id", "createdAt", "updatedAt", "index"}, fields)
	assert.Nil(t, answer["data"], "a null that was sent is echoed as null")
}

func TestMockListsWhatItStoredBesideTheValidatedAPI(t *testing.T) {
	t.Parallel()
	validator, err := fakegleap.NewValidator()
	require.NoError(t, err)
	found := &violations{}
	srv := httptest.NewServer(fakegleap.NewMock(fakegleap.NewServer(nil), validator, found.report))
	t.Cleanup(srv.Close)

	resp, _ := post(t, srv.URL+"/v3/messages", `{"ticket":"6752e9a8b7c6d5e4f3a21098","type":"COMMENT"}`, credentials)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = post(t, srv.URL+"/v3/messages", `{"ticket":"6752e9a8b7c6d5e4f3a21098"}`, nil)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the API routes stay validated")

	listed, err := http.Get(srv.URL + "/v3/messages")
	require.NoError(t, err)
	defer listed.Body.Close()
	var body struct{ Messages []api.Message }
	require.NoError(t, json.NewDecoder(listed.Body).Decode(&body))
	require.Len(t, body.Messages, 1)
	assert.Equal(t, "COMMENT", *body.Messages[0].Type)
	assert.Len(t, found.all(), 1, "only the request without credentials is a violation")
}

func TestWrapRequestsChecksRequestsAndLeavesAnswersAlone(t *testing.T) {
	t.Parallel()
	validator, err := fakegleap.NewValidator()
	require.NoError(t, err)
	found := &violations{}
	srv := httptest.NewServer(validator.WrapRequests(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot) // undocumented, and not reported
		_, _ = w.Write([]byte(`{}`))
	}), found.report))
	t.Cleanup(srv.Close)

	resp, _ := post(t, srv.URL+"/v3/messages", `{"ticket":"6752e9a8b7c6d5e4f3a21098"}`, credentials)
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Empty(t, found.all())

	resp, _ = post(t, srv.URL+"/v3/messages", `{"ticket":1}`, credentials)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Len(t, found.all(), 1)
}

func TestServerKeepsTheNewestMessagesUpToItsCap(t *testing.T) {
	t.Parallel()
	fake := fakegleap.NewServer(nil, fakegleap.WithMaxMessages(2))
	srv, found := serve(t, fake)

	var answers []map[string]any
	for i, ticket := range []string{"ticket-a", "ticket-b", "ticket-b", "ticket-a"} {
		_, body := post(t, srv.URL+"/v3/messages", `{"ticket":"`+ticket+`","messageRef":"m`+strconv.Itoa(i)+`"}`, credentials)
		answers = append(answers, body)
	}
	require.Empty(t, found.all())

	stored := fake.Messages()
	require.Len(t, stored, 2, "the oldest messages are evicted")
	assert.Equal(t, "m2", *stored[0].MessageRef)
	assert.Equal(t, "m3", *stored[1].MessageRef)
	listed := httptest.NewRecorder()
	fake.ListStored(listed, httptest.NewRequest(http.MethodGet, "/v3/messages", nil))
	var body struct{ Messages []map[string]any }
	require.NoError(t, json.NewDecoder(listed.Body).Decode(&body))
	require.Len(t, body.Messages, 2)
	assert.Equal(t, answers[2]["_id"], body.Messages[0]["_id"])
	assert.Equal(t, answers[3]["_id"], body.Messages[1]["_id"])
	// ticket-a's only message was evicted by the third post, and its count with it: the per-ticket
	// counts are bounded by the cap too.
	assert.Equal(t, []any{0.0, 0.0, 1.0, 0.0},
		[]any{answers[0]["index"], answers[1]["index"], answers[2]["index"], answers[3]["index"]})
}

func TestServerNeedsRoomForAMessage(t *testing.T) {
	t.Parallel()
	assert.PanicsWithValue(t, "fakegleap: maxMessages must be at least 1, got 0", func() { fakegleap.NewServer(nil, fakegleap.WithMaxMessages(0)) })
}
