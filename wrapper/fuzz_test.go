package wrapper_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

// FuzzCreateMessageAnswer feeds arbitrary answers (status and body) to Messages.Create through an in-memory
// transport. Whatever arrives, the call must not panic, must agree with encoding/json about whether a
// success answer is a message (taking only an object for one), must turn any other status into an
// *APIError holding the start of the body (the key taken out), and must never put the key in its error.
// The seed corpus runs in every go test; make fuzz runs it briefly with new inputs.
func FuzzCreateMessageAnswer(f *testing.F) {
	for _, status := range []int{200, 201, 400, 401, 404, 429, 500, 502} {
		f.Add(status, []byte(`{"statusCode":401,"error":"Unauthorized","message":"Invalid API key."}`))
		f.Add(status, []byte(`{"_id":"6752e9a8b7c6d5e4f3a21099","type":"COMMENT","user":{"_id":"u1"},"session":"s1","comment":{"type":"doc"}}`))
	}
	// Odd objects: a key twice, escaped, in another case, non-ASCII, or a number or literal at the end.
	for _, body := range []string{
		`{"channel":{"type":"email"},"channel":{"id":"x"}}`, `{"\u005fid":"a","_id":"b"}`, `{"Bot":true,"INDEX":1}`,
		`{"\u212aaiChat":true}`, `{"ſession":"s"}`, `{"extra":{"nested":[1,{"a":"}"}]},"bot":false}`,
		` { "_id" : "a" , "x" : null , "n" : -1.5e3 } `, `{"x":"a\"b","y":true}`,
	} {
		f.Add(200, []byte(body))
	}
	for _, body := range []string{``, `null`, `{"message":"Invalid API key ` + testKey + `"}`, `[]`, `"text"`, `{"_id":`, `{"_id":1}`, `{"user":1}`, `{"index":"x"}`, `{"message":["a","b"]}`, "<html>502</html>", "\xff\xfe"} {
		f.Add(200, []byte(body))
		f.Add(503, []byte(body))
	}

	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 200 || status > 599 || status >= 300 && status < 400 {
			t.Skip("1xx and 3xx answers are the transport's business")
		}
		transport := roundTripperFunc(func(req *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
			}, nil
		})
		client, err := wrapper.New(testKey, testProject, wrapper.WithMaxRetries(0),
			wrapper.WithHTTPClient(&http.Client{Transport: transport}))
		require.NoError(t, err)

		message, err := client.Messages.Reply(context.Background(), ticketID, "hello")

		if status >= 300 {
			assertNoSecret(t, err)
			var apiErr *wrapper.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.Equal(t, strings.ReplaceAll(string(body[:min(len(body), 4<<10)]), testKey, "[REDACTED]"), string(apiErr.Body))
			return
		}
		var expected wrapper.Message
		if json.Unmarshal(body, &expected) != nil || !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
			assertNoSecret(t, err)
			assert.True(t, errors.Is(err, wrapper.ErrInvalidResponse), "%v", err)
			return
		}
		require.NoError(t, err)
		assert.Equal(t, expected, *message)
	})
}
