package gleaptest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

func TestWithRequiredKeyAnswers401ToAnyOtherKey(t *testing.T) {
	t.Parallel()
	const key = "gl_sk_the_right_one"
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithRequiredKey(key))
	cases := []struct {
		name          string
		authorization string
		want          int
	}{
		{"the key", "Bearer " + key, http.StatusOK},
		{"the key, the scheme in lower case", "bearer " + key, http.StatusOK},
		{"another key", "Bearer gl_sk_another_one", http.StatusUnauthorized},
		{"a prefix of the key", "Bearer gl_sk_the_right", http.StatusUnauthorized},
		{"the key and more", "Bearer " + key + "x", http.StatusUnauthorized},
		{"another scheme", "Basic " + key, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			header := credentials()
			header.Set("Authorization", tc.authorization)
			status, _, answer := exchange(t, http.MethodPost, server.URL+"/messages", header, `{"ticket":"`+ticketID+`"}`)

			assert.Equal(t, tc.want, status, "%s", answer)
			if tc.want == http.StatusUnauthorized {
				var body map[string]any
				require.NoError(t, json.Unmarshal(answer, &body))
				assert.Equal(t, 401.0, body["statusCode"], "Gleap's error body")
				assert.Equal(t, "Unauthorized", body["error"])
				assert.NotContains(t, string(answer), key, "the answer never holds the key")
			}
		})
	}
	assert.Len(t, server.Messages(), 2, "only the requests with the key stored anything")
	failures := recorder.failures()
	require.Len(t, failures, 1, "a wrong key is an answer, not a violation; but another scheme breaks the contract")
	assert.Contains(t, failures[0], "Authorization")
	for _, failure := range failures {
		assert.NotContains(t, failure, key)
	}
}

func TestWithRequiredKeyAnswersBeforeFaultsAndTheRateLimit(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithRequiredKey("k"),
		gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	wrong := credentials()
	wrong.Set("Authorization", "Bearer not-k")
	exchange(t, http.MethodPost, server.URL+"/messages", wrong, `{"ticket":"`+ticketID+`"}`)
	exchange(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"`+ticketID+`"}`)
	assert.Equal(t, []int{401, 503}, statuses(server), "the fault waited for a request with the key")
}

func TestWithRequiredKeyRefusesAnEmptyKey(t *testing.T) {
	t.Parallel()
	_, err := gleaptest.Start(gleaptest.WithRequiredKey(""))
	assert.ErrorContains(t, err, "WithRequiredKey")
}
