package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// startMock runs "gleap mock" with timeouts and the flags in args on a free loopback port and returns
// its API root; the mock stops, and must exit 0, when the test ends.
func startMock(t *testing.T, timeouts fakegleap.Timeouts, args ...string) (baseURL string, stderr *lockedWriter) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutReader, stdoutWriter := io.Pipe()
	stderr = &lockedWriter{w: &bytes.Buffer{}}
	exited := make(chan int, 1)
	go func() {
		args := append([]string{"--addr", "127.0.0.1:0"}, args...)
		exited <- serveMock(ctx, args, stdio{strings.NewReader(""), stdoutWriter, stderr}, timeouts)
		stdoutWriter.Close()
	}()
	line, err := bufio.NewReader(stdoutReader).ReadString('\n') // the mock announces itself once it listens
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, stdoutReader) }()
	t.Cleanup(func() {
		cancel()
		assert.Equal(t, exitOK, <-exited)
	})
	fields := strings.Fields(line)
	return fields[len(fields)-1], stderr
}

// logged returns what the mock has written to log so far.
func logged(log *lockedWriter) string {
	log.mu.Lock()
	defer log.mu.Unlock()
	return log.w.(*bytes.Buffer).String()
}

// listStored returns the messages the mock at baseURL keeps, from its GET /v3/messages.
func listStored(t *testing.T, baseURL string) []api.Message {
	t.Helper()
	resp, err := http.Get(baseURL + "/messages")
	require.NoError(t, err)
	defer resp.Body.Close()
	var listed struct{ Messages []api.Message }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&listed))
	return listed.Messages
}

func TestMockServesTheCLIEndToEnd(t *testing.T) {
	t.Parallel()
	baseURL, mockLog := startMock(t, fakegleap.DefaultTimeouts())
	require.True(t, strings.HasPrefix(baseURL, "http://127.0.0.1:"), baseURL)

	r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "Hello from the mock")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "A note", "--note")
	require.Equal(t, exitOK, r.code, r.stderr)

	listed := listStored(t, baseURL)
	require.Len(t, listed, 2)
	assert.Equal(t, 1, *listed[1].Index)
	assert.True(t, *listed[1].IsNote)

	// A request that breaks the contract is refused and reported.
	bad, err := http.Post(baseURL+"/messages", "application/json", strings.NewReader(`{"ticket":1}`))
	require.NoError(t, err)
	bad.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, bad.StatusCode)

	log := logged(mockLog)
	assert.Contains(t, log, "gleap mock: POST /v3/messages 200")
	assert.Contains(t, log, "gleap mock: contract violation")
	assert.NotContains(t, log, testKey)
}

func TestMockFailsOnABusyAddress(t *testing.T) {
	t.Parallel()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer listener.Close()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, []string{"mock", "--addr", listener.Addr().String()}, stdio{strings.NewReader(""), &stdout, &stderr}, os.Getenv)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr.String(), "address already in use")
}

func TestMockRefusesBodiesOverOneMiB(t *testing.T) {
	t.Parallel()
	baseURL, mockLog := startMock(t, fakegleap.DefaultTimeouts())
	const streamed = 2 << 20 // produced while it is sent, never held by the test
	for _, declared := range []bool{true, false} {
		t.Run("Content-Length declared: "+strconv.FormatBool(declared), func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, baseURL+"/messages", io.LimitReader(rand.Reader, streamed))
			require.NoError(t, err)
			req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + testKey}, "Project": {"p"}}
			if declared {
				req.ContentLength = streamed
			} // else the length is unknown and the body goes chunked
			transport := &http.Transport{}
			defer transport.CloseIdleConnections()

			resp, err := (&http.Client{Transport: transport}).Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()

			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, 413.0, body["statusCode"], "a Gleap-style error body")
			assert.Contains(t, body["message"], "larger than 1048576 bytes")
		})
	}
	assert.Empty(t, listStored(t, baseURL))
	assert.Contains(t, logged(mockLog), "gleap mock: POST /v3/messages 413")
}

func TestMockKeepsAtMostMaxMessages(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t, fakegleap.DefaultTimeouts(), "--max-messages", "2")

	for _, text := range []string{"first", "second", "third"} {
		r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", text)
		require.Equal(t, exitOK, r.code, r.stderr)
	}

	listed := listStored(t, baseURL)
	require.Len(t, listed, 2, "the oldest message is evicted")
	assert.Contains(t, string(listed[0].Comment), `"text":"second"`)
	assert.Contains(t, string(listed[1].Comment), `"text":"third"`)
}

func TestMockRefusesBadFlags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no room for a message", []string{"--max-messages", "0"}, "gleap mock: --max-messages must be at least 1, got 0"},
		{"a count that is not a number", []string{"--max-messages", "many"}, `invalid value "many" for flag -max-messages`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"mock", "--addr", "127.0.0.1:0"}, tc.args...),
				stdio{strings.NewReader(""), &stdout, &stderr}, os.Getenv)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout.String(), "nothing was served")
			assert.Contains(t, strings.SplitN(stderr.String(), "\n", 2)[0], tc.wantErr)
		})
	}
}

func TestMockClosesConnectionsThatSendTheirBodySlowly(t *testing.T) {
	t.Parallel()
	timeouts := fakegleap.DefaultTimeouts()
	timeouts.Read = 200 * time.Millisecond
	baseURL, mockLog := startMock(t, timeouts)
	host := strings.TrimSuffix(strings.TrimPrefix(baseURL, "http://"), "/v3")
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	defer conn.Close()

	// The headers promise 100 bytes; a dozen come, then nothing.
	_, err = fmt.Fprintf(conn, "POST /v3/messages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer k\r\nProject: p\r\nContent-Length: 100\r\n\r\n{\"ticket\":\"", host)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second))) // a failsafe, far past the timeout

	answer, err := io.ReadAll(conn)
	require.NoError(t, err, "the mock must hang up, not wait for the rest of the body")
	assert.NotContains(t, string(answer), "200 OK")
	assert.Empty(t, listStored(t, baseURL))
	assert.NotContains(t, logged(mockLog), "POST /v3/messages 200")
}
