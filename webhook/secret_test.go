package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/webhook"
)

func TestTheSecretDecidesWhoReachesTheCallback(t *testing.T) {
	t.Parallel()
	escaped := url.QueryEscape(testSecret)
	cases := []struct {
		name    string
		opts    []webhook.Option
		target  string
		headers map[string]string
		want    int
	}{
		{name: "in the header", target: "/gleap", headers: map[string]string{webhook.SecretHeader: testSecret}, want: http.StatusOK},
		{name: "in the query", target: "/gleap?secret=" + escaped, want: http.StatusOK},
		{name: "in the query as it is, unescaped", target: "/gleap?secret=" + testSecret, want: http.StatusOK},
		{name: "missing", target: "/gleap", want: http.StatusUnauthorized},
		{name: "wrong in the header", target: "/gleap", headers: map[string]string{webhook.SecretHeader: testSecret + "x"}, want: http.StatusUnauthorized},
		{name: "a prefix of it", target: "/gleap", headers: map[string]string{webhook.SecretHeader: testSecret[:len(testSecret)-1]}, want: http.StatusUnauthorized},
		{name: "empty header", target: "/gleap", headers: map[string]string{webhook.SecretHeader: ""}, want: http.StatusUnauthorized},
		{name: "wrong in the query", target: "/gleap?secret=nope-nope-nope-nope", want: http.StatusUnauthorized},
		{name: "right in the header, wrong in the query", target: "/gleap?secret=nope",
			headers: map[string]string{webhook.SecretHeader: testSecret}, want: http.StatusUnauthorized},
		{name: "right in the query, given twice with a wrong one", target: "/gleap?secret=" + escaped + "&secret=nope",
			want: http.StatusUnauthorized},
		{name: "in another header than the handler's", opts: []webhook.Option{webhook.WithSecretHeader("X-Gleap-Token")},
			target: "/gleap", headers: map[string]string{webhook.SecretHeader: testSecret}, want: http.StatusUnauthorized},
		{name: "in the handler's own header", opts: []webhook.Option{webhook.WithSecretHeader("X-Gleap-Token")},
			target: "/gleap", headers: map[string]string{"X-Gleap-Token": testSecret}, want: http.StatusOK},
		{name: "in the query of a handler that reads only headers", opts: []webhook.Option{webhook.WithSecretQueryParameter("")},
			target: "/gleap?secret=" + escaped, want: http.StatusUnauthorized},
		{name: "in the handler's own parameter", opts: []webhook.Option{webhook.WithSecretQueryParameter("token")},
			target: "/gleap?token=" + escaped, want: http.StatusOK},
		{name: "in the header of a handler that reads only the query", opts: []webhook.Option{webhook.WithSecretHeader("")},
			target: "/gleap", headers: map[string]string{webhook.SecretHeader: testSecret}, want: http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got calls
			answer := post(newHandler(t, &got, tc.opts...), tc.target, ticketCreated, tc.headers)
			assert.Equal(t, tc.want, answer.Code, answer.Body.String())
			wantCalls := 0
			if tc.want == http.StatusOK {
				wantCalls = 1
			}
			assert.Equal(t, wantCalls, got.count(), "calls of the callback")
		})
	}
}

func TestASecretIsCheckedBeforeAnythingElse(t *testing.T) {
	t.Parallel()
	var got calls
	handler := newHandler(t, &got, webhook.WithMaxBodyBytes(10))
	for name, req := range map[string]*http.Request{
		"a GET":            httptest.NewRequest(http.MethodGet, "/gleap", nil),
		"an oversized one": httptest.NewRequest(http.MethodPost, "/gleap", strings.NewReader(ticketCreated)),
		"a malformed one":  httptest.NewRequest(http.MethodPost, "/gleap", strings.NewReader("{")),
	} {
		answer := httptest.NewRecorder()
		handler.ServeHTTP(answer, req)
		assert.Equal(t, http.StatusUnauthorized, answer.Code, name)
	}
	assert.Zero(t, got.count())
}

func TestNewHandlerRefusesAWeakSecret(t *testing.T) {
	t.Parallel()
	var got calls
	for name, secret := range map[string]string{
		"empty":          "",
		"short":          "fifteen-bytes-x",
		"with a space":   "a secret with spaces in it",
		"with a newline": "a-secret-that-ends-in\n",
		"not ASCII":      "ein-geheimnis-für-alle",
	} {
		handler, err := webhook.NewHandler(secret, got.record)
		require.Error(t, err, name)
		assert.Nil(t, handler, name)
		if secret != "" {
			assert.NotContains(t, err.Error(), secret, name)
		}
	}
	handler, err := webhook.NewHandler("sixteen-bytes-ok", got.record)
	require.NoError(t, err)
	assert.NotNil(t, handler)
}

// A secret that a URL's query cannot carry as it is would be refused, delivery after delivery, when the
// URL given to the sender holds it unescaped: NewHandler refuses it at once, unless the secret is read
// from a header only.
func TestNewHandlerRefusesASecretTheQueryCannotCarry(t *testing.T) {
	t.Parallel()
	var got calls
	for _, unsafe := range []string{"#", "%", "&", "+", ";"} {
		secret := "abcdefgh" + unsafe + "ijklmnop"
		handler, err := webhook.NewHandler(secret, got.record)
		require.Error(t, err, unsafe)
		assert.Nil(t, handler, unsafe)
		assert.Contains(t, err.Error(), "which a URL's query does not carry as they are", unsafe)
		assert.NotContains(t, err.Error(), secret, unsafe)

		headerOnly, err := webhook.NewHandler(secret, got.record, webhook.WithSecretQueryParameter(""))
		require.NoError(t, err, "a header carries %q", unsafe)
		answer := post(headerOnly, "/gleap", ticketCreated, map[string]string{webhook.SecretHeader: secret})
		assert.Equal(t, http.StatusOK, answer.Code, unsafe)
	}
	// What the query carries as it is, NewHandler takes, and a delivery that writes it so is accepted.
	const safe = "ab-cd_ef.gh~ij!kl$mn'op(qr)st*uv,wx/yz:AB=CD?EF@GH"
	handler, err := webhook.NewHandler(safe, got.record)
	require.NoError(t, err)
	answer := post(handler, "/gleap?secret="+safe, ticketCreated, nil)
	assert.Equal(t, http.StatusOK, answer.Code, answer.Body.String())
}

func TestADeliveryWithoutTheSecretIsNotRead(t *testing.T) {
	t.Parallel()
	var got calls
	body := &endlessReader{}
	req := httptest.NewRequest(http.MethodPost, "/gleap", body)
	req.Header.Set(webhook.SecretHeader, "not-the-secret-of-the-tests")
	answer := httptest.NewRecorder()
	newHandler(t, &got).ServeHTTP(answer, req)
	assert.Equal(t, http.StatusUnauthorized, answer.Code)
	assert.Zero(t, body.read.Load(), "bytes read of the body")
	assert.Zero(t, got.count())
}
