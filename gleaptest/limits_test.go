package gleaptest_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
)

const maxBodyBytes = 1 << 20

// sendStream posts size random bytes, produced while they are sent so that the test never holds them,
// with Content-Length declared or chunked, on a connection of its own; it returns the status and the
// decoded answer.
func sendStream(t *testing.T, url string, size int64, declared bool) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, io.LimitReader(rand.Reader, size))
	require.NoError(t, err)
	req.Header = credentials()
	if declared {
		req.ContentLength = size
	} // else the length is unknown and the body goes chunked
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestServerRefusesBodiesOverOneMiB(t *testing.T) {
	t.Parallel()
	for _, declared := range []bool{true, false} {
		t.Run("Content-Length declared: "+strconv.FormatBool(declared), func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)

			status, body := sendStream(t, server.URL+"/messages", 2*maxBodyBytes, declared)

			assert.Equal(t, http.StatusRequestEntityTooLarge, status)
			assert.Equal(t, 413.0, body["statusCode"], "a Gleap-style error body")
			assert.Contains(t, body["message"], "larger than 1048576 bytes")
			assert.Empty(t, server.Messages())
			requests := server.Requests()
			require.Len(t, requests, 1, "the request is recorded")
			assert.Equal(t, http.StatusRequestEntityTooLarge, requests[0].Status)
			assert.LessOrEqual(t, len(requests[0].Body), maxBodyBytes, "with at most the cap of its body")
			assert.NoError(t, requests[0].Violation, "too large is an answer, not a contract violation")
			assert.Empty(t, recorder.failures())
		})
	}
}

func TestServerReadsABodyAtTheCapWhole(t *testing.T) {
	t.Parallel()
	for _, declared := range []bool{true, false} {
		t.Run("Content-Length declared: "+strconv.FormatBool(declared), func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)

			status, _ := sendStream(t, server.URL+"/messages", maxBodyBytes, declared)

			assert.Equal(t, http.StatusBadRequest, status, "random bytes are not a message, and not too large")
			requests := server.Requests()
			require.Len(t, requests, 1)
			assert.Len(t, requests[0].Body, maxBodyBytes)
			assert.Len(t, recorder.failures(), 1, "it reached the validator")
		})
	}
}

func TestWithMaxMessagesKeepsTheNewest(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithMaxMessages(2))
	client := newClient(t, server)

	for _, text := range []string{"first", "second", "third"} {
		_, err := client.Messages.Reply(context.Background(), ticketID, text)
		require.NoError(t, err)
	}

	messages := server.Messages()
	require.Len(t, messages, 2)
	assert.Contains(t, string(messages[0].Comment), `"text":"second"`)
	assert.Contains(t, string(messages[1].Comment), `"text":"third"`)
	requests := server.Requests()
	require.Len(t, requests, 2, "the records of the requests are kept the same way")
	assert.Contains(t, string(requests[0].Body), `"text":"second"`)
	assert.Contains(t, string(requests[1].Body), `"text":"third"`)
}

func TestServerRefusesHeadersOver64KiB(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		valueBytes int
		want       int
	}{
		{"a header under the cap", 60 << 10, http.StatusOK},
		{"a header over the cap", 100 << 10, http.StatusRequestHeaderFieldsTooLarge},
		{"a header of 1 MiB", 1 << 20, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			header := credentials()
			header.Set("X-Padding", strings.Repeat("a", tc.valueBytes))

			status, _, _ := exchange(t, http.MethodPost, server.URL+"/messages", header, `{"ticket":"`+ticketID+`"}`)

			assert.Equal(t, tc.want, status)
			if tc.want != http.StatusOK {
				assert.Zero(t, len(server.Requests()), "net/http refuses it before the server records anything")
			}
		})
	}
}

// requestWithHead returns a POST of body to /v3/messages at host, as sent on the wire, whose request line
// and headers, the blank line that ends them included, are headBytes long.
func requestWithHead(t *testing.T, host string, headBytes int, body string) string {
	t.Helper()
	head := "POST /v3/messages HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n" +
		"Authorization: Bearer k\r\nProject: p\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nX-Padding: "
	const end = "\r\n\r\n"
	padding := headBytes - len(head) - len(end)
	require.Positive(t, padding)
	return head + strings.Repeat("a", padding) + end + body
}

func TestServerCapsHeadersAtExactly64KiB(t *testing.T) {
	t.Parallel()
	const maxHeadBytes = 64 << 10
	cases := []struct {
		name      string
		headBytes int
		want      int
	}{
		{"a byte under the cap", maxHeadBytes - 1, http.StatusOK},
		{"at the cap", maxHeadBytes, http.StatusOK},
		// net/http reads 4 KiB past http.Server.MaxHeaderBytes: the server must not let it.
		{"a byte over the cap", maxHeadBytes + 1, http.StatusRequestHeaderFieldsTooLarge},
		{"4 KiB over the cap", maxHeadBytes + 4<<10, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t)
			address, err := url.Parse(server.URL)
			require.NoError(t, err)
			conn, err := net.Dial("tcp", address.Host)
			require.NoError(t, err)
			defer conn.Close()

			_, err = io.WriteString(conn, requestWithHead(t, address.Host, tc.headBytes, `{"ticket":"`+ticketID+`"}`))
			require.NoError(t, err)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			require.NoError(t, err)
			defer resp.Body.Close()

			assert.Equal(t, tc.want, resp.StatusCode)
			if tc.want == http.StatusOK {
				assert.Equal(t, 1, len(server.Requests()))
			} else {
				assert.Zero(t, len(server.Requests()), "net/http refuses it before the server records anything")
			}
		})
	}
}
