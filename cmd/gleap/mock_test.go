package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/api"
)

// startMock runs "gleap mock" with the flags in args on a free loopback port and returns its API root,
// and stop: it stops the mock, checks that it exits 0 and returns what it wrote on standard error. The
// mock stops when the test ends, if stop was not called before. Its environment is empty.
func startMock(t *testing.T, args ...string) (baseURL string, stop func() (stderr string)) {
	t.Helper()
	return startMockWithEnv(t, nil, args...)
}

// startMockWithEnv is startMock with env as the mock's environment.
func startMockWithEnv(t *testing.T, env map[string]string, args ...string) (baseURL string, stop func() (stderr string)) {
	t.Helper()
	getenv := func(name string) string { return env[name] }
	ctx, cancel := context.WithCancel(context.Background())
	stdoutReader, stdoutWriter := io.Pipe()
	var stderr bytes.Buffer // written by the mock until it exits
	exited := make(chan int, 1)
	go func() {
		args := append([]string{"--addr", "127.0.0.1:0"}, args...)
		exited <- mock(ctx, args, stdio{strings.NewReader(""), stdoutWriter, &stderr}, getenv)
		stdoutWriter.Close()
	}()
	announcements := bufio.NewReader(stdoutReader)
	line, err := announcements.ReadString('\n') // the mock announces itself once it listens
	require.NoError(t, err)
	fields := strings.Fields(line)
	baseURL = fields[len(fields)-1]
	inbox, err := announcements.ReadString('\n') // and its inbox next
	require.NoError(t, err)
	require.Equal(t, "gleap mock: the inbox shows what was posted at "+strings.TrimSuffix(baseURL, "/v3")+"/\n", inbox)
	go func() { _, _ = io.Copy(io.Discard, announcements) }()
	stop = sync.OnceValue(func() string {
		cancel()
		assert.Equal(t, exitOK, <-exited)
		return stderr.String()
	})
	t.Cleanup(func() { stop() })
	return baseURL, stop
}

// mockRequest sends method baseURL+path to the mock with the credentials its help shows and body, and
// returns the status and the answer.
func mockRequest(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = http.Header{"Authorization": {"Bearer test"}, "Project": {"test"}}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, answer
}

// listStored returns the messages the mock at baseURL keeps, as its help says to list them: GET
// /v3/messages with credentials, which answers with a bare array.
func listStored(t *testing.T, baseURL string) []api.Message {
	t.Helper()
	status, answer := mockRequest(t, http.MethodGet, baseURL+"/messages", "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var listed []api.Message
	require.NoError(t, json.Unmarshal(answer, &listed))
	return listed
}

func TestMockServesTheCLIEndToEnd(t *testing.T) {
	t.Parallel()
	baseURL, stop := startMock(t)
	require.True(t, strings.HasPrefix(baseURL, "http://127.0.0.1:"), baseURL)

	r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "Hello from the mock")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "A note", "--note")
	require.Equal(t, exitOK, r.code, r.stderr)

	listed := listStored(t, baseURL)
	require.Len(t, listed, 2)
	assert.Equal(t, 1, listed[1].Index)
	assert.True(t, *listed[1].IsNote)

	// A request that breaks the contract is refused and reported.
	bad, err := http.Post(baseURL+"/messages", "application/json", strings.NewReader(`{"ticket":1}`))
	require.NoError(t, err)
	bad.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, bad.StatusCode)

	// The messages can be changed, searched and deleted, as in Gleap.
	id := listed[0].ID
	status, answer := mockRequest(t, http.MethodPut, baseURL+"/messages/"+id, `{"isNote":true}`)
	require.Equal(t, http.StatusOK, status, "%s", answer)
	status, answer = mockRequest(t, http.MethodGet, baseURL+"/messages/search?searchTerm=from+the+MOCK", "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	assert.Contains(t, string(answer), id)
	status, _ = mockRequest(t, http.MethodDelete, baseURL+"/messages/"+id, "")
	require.Equal(t, http.StatusNoContent, status)
	listed = listStored(t, baseURL)
	require.Len(t, listed, 1)
	assert.Equal(t, 1, listed[0].Index)

	log := stop() // the mock has answered every request, and logged it, once it has exited
	assert.Contains(t, log, "gleap mock: POST /v3/messages 200\n")
	assert.Contains(t, log, "gleap mock: GET /v3/messages 200\n")
	assert.Contains(t, log, "gleap mock: PUT /v3/messages/"+id+" 200\n")
	assert.Contains(t, log, "gleap mock: GET /v3/messages/search 200\n")
	assert.Contains(t, log, "gleap mock: DELETE /v3/messages/"+id+" 204\n")
	assert.NotContains(t, log, "contract violation: request GET", "the listing and its answers conform")
	assert.Regexp(t, `(?s)gleap mock: contract violation: request POST /v3/messages: [^\n]*Authorization.*\n`+
		`gleap mock: POST /v3/messages 401\n`, log, "the reason, then the request")
	assert.NotContains(t, log, testKey)
}

func TestMockHelpSaysHowToListWhatItStored(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"mock", "--help"}, stdio{strings.NewReader(""), &stdout, &stderr}, os.Getenv)

	assert.Equal(t, exitOK, code)
	help := stdout.String()
	assert.Contains(t, help, "curl -H 'Authorization: Bearer test-key' -H 'project: test' http://127.0.0.1:4010/v3/messages\n")
	assert.NotContains(t, help, "not part of Gleap's API", "the listing is Gleap's own route")
	for _, flag := range []string{"-addr", "-max-messages"} {
		assert.Contains(t, help, flag)
	}
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
	baseURL, stop := startMock(t)
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
	assert.Contains(t, stop(), "gleap mock: POST /v3/messages 413")
}

func TestMockKeepsAtMostMaxMessages(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t, "--max-messages", "2")

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
		{"a fault that is no status", []string{"--fault", "teapot"}, `invalid value "teapot" for flag -fault`},
		{"an empty key, as from an unset variable", []string{"--require-key", ""}, "gleap mock: --require-key is empty"},
		{"no variable name", []string{"--require-key-env", ""}, "gleap mock: --require-key-env is empty"},
		{"an unset variable", []string{"--require-key-env", "GLEAP_MOCK_TEST_UNSET"},
			"gleap mock: --require-key-env: the environment variable GLEAP_MOCK_TEST_UNSET is empty or not set"},
		{"an empty variable", []string{"--require-key-env", "GLEAP_MOCK_TEST_EMPTY"},
			"gleap mock: --require-key-env: the environment variable GLEAP_MOCK_TEST_EMPTY is empty or not set"},
		{"two keys", []string{"--require-key", "gl_sk_one", "--require-key-env", "GLEAP_MOCK_TEST_KEY"},
			"gleap mock: give --require-key-env or --require-key, not both"},
		{"a webhook without a secret", []string{"--webhook", "http://127.0.0.1:4020/"},
			"gleap mock: --webhook needs a secret: --webhook-secret-env NAME (or --webhook-secret)"},
		{"a webhook secret without a webhook", []string{"--webhook-secret-env", "GLEAP_MOCK_TEST_KEY"},
			"gleap mock: --webhook-secret needs --webhook, the URL to post to"},
		{"a webhook secret from an unset variable", []string{"--webhook", "http://127.0.0.1:4020/", "--webhook-secret-env", "GLEAP_MOCK_TEST_UNSET"},
			"gleap mock: --webhook-secret-env: the environment variable GLEAP_MOCK_TEST_UNSET is empty or not set"},
		{"two webhook secrets", []string{"--webhook", "http://127.0.0.1:4020/", "--webhook-secret", "s", "--webhook-secret-env", "GLEAP_MOCK_TEST_KEY"},
			"gleap mock: give --webhook-secret-env or --webhook-secret, not both"},
	}
	env := map[string]string{"GLEAP_MOCK_TEST_EMPTY": "", "GLEAP_MOCK_TEST_KEY": "gl_sk_two"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"mock", "--addr", "127.0.0.1:0"}, tc.args...),
				stdio{strings.NewReader(""), &stdout, &stderr}, func(name string) string { return env[name] })
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout.String(), "nothing was served")
			assert.Contains(t, strings.SplitN(stderr.String(), "\n", 2)[0], tc.wantErr)
		})
	}
}

func TestMockServesTheInboxAtItsRoot(t *testing.T) {
	t.Parallel()
	baseURL, stop := startMock(t)
	r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "Customer is <b>on</b> the enterprise plan.", "--note")
	require.Equal(t, exitOK, r.code, r.stderr)

	resp, err := http.Get(strings.TrimSuffix(baseURL, "/v3") + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")
	assert.Contains(t, string(page), "Customer is &lt;b&gt;on&lt;/b&gt; the enterprise plan.")
	assert.Contains(t, string(page), `<span class="badge badge-note">Internal note</span>`)
	assert.Len(t, listStored(t, baseURL), 1, "the API is where it was")

	log := stop()
	assert.NotContains(t, log, "GET / ", "the inbox's requests are not the API's, and are not logged")
}

func TestMockHelpShowsTheInbox(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"mock", "--help"}, stdio{strings.NewReader(""), &stdout, &stderr}, os.Getenv)
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout.String(), "The inbox is a web page at the mock's root (http://127.0.0.1:4010/ by default)")
}

func TestMockAPIRefusesAHostAWebPageCouldRebind(t *testing.T) {
	t.Parallel()
	baseURL, _ := startMock(t)
	r := gleap(t, baseURL, "", nil, "send", "--ticket", ticketID, "--text", "A customer's words")
	require.Equal(t, exitOK, r.code, r.stderr)
	port := strings.TrimSuffix(baseURL[strings.LastIndex(baseURL, ":")+1:], "/v3")
	cases := []struct {
		host string
		want int
	}{
		{"127.0.0.1:" + port, http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"[::1]:" + port, http.StatusOK},
		{"attacker.example:" + port, http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.host, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, baseURL+"/messages", nil)
			require.NoError(t, err)
			req.Header = http.Header{"Authorization": {"Bearer test"}, "Project": {"test"}}
			req.Host = tc.host
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tc.want, resp.StatusCode, "%s", answer)
			if tc.want == http.StatusForbidden {
				assert.NotContains(t, string(answer), "A customer's words")
			}
		})
	}
}

// postToMock posts a message to the API at baseURL with authorization as the Authorization header, and
// returns the status and the headers of the answer.
func postToMock(t *testing.T, baseURL, authorization string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, baseURL+"/messages", strings.NewReader(`{"ticket":"`+ticketID+`"}`))
	require.NoError(t, err)
	req.Header = http.Header{"Authorization": {authorization}, "Project": {"test"}, "Content-Type": {"application/json"}}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header
}

func TestMockRequireKeyAnswers401ToOtherKeysAndNeverPrintsTheKey(t *testing.T) {
	t.Parallel()
	const key = "gl_sk_mock_only_this_one"
	baseURL, stop := startMock(t, "--require-key", key)

	status, _ := postToMock(t, baseURL, "Bearer "+key)
	assert.Equal(t, http.StatusOK, status)
	status, _ = postToMock(t, baseURL, "Bearer gl_sk_another")
	assert.Equal(t, http.StatusUnauthorized, status)
	req, err := http.NewRequest(http.MethodGet, baseURL+"/messages", nil)
	require.NoError(t, err)
	req.Header = http.Header{"Authorization": {"Bearer " + key + "-but-longer"}, "Project": {"test"}}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no stored message is listed")
	assert.Equal(t, map[string]any{"statusCode": 401.0, "error": "Unauthorized",
		"message": "the API key is not the one this server requires (gleaptest.WithRequiredKey, gleap mock --require-key)"}, body)

	log := stop()
	assert.Contains(t, log, "gleap mock: POST /v3/messages 401\n")
	assert.NotContains(t, log, "contract violation", "another key is answered as Gleap would, valid per openapi.yaml")
	assert.NotContains(t, log, key)
}

func TestMockRequireKeyEnvReadsTheKeyFromTheEnvironment(t *testing.T) {
	t.Parallel()
	const key = "gl_sk_mock_from_the_environment"
	baseURL, stop := startMockWithEnv(t, map[string]string{"GLEAP_API_KEY": key}, "--require-key-env", "GLEAP_API_KEY")

	status, _ := postToMock(t, baseURL, "Bearer "+key)
	assert.Equal(t, http.StatusOK, status)
	status, _ = postToMock(t, baseURL, "Bearer gl_sk_another")
	assert.Equal(t, http.StatusUnauthorized, status)

	log := stop()
	assert.Contains(t, log, "gleap mock: POST /v3/messages 401\n")
	assert.NotContains(t, log, key)
}

func TestMockFaultsScriptTheAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		faults     []string
		want       []int
		retryAfter string // the first answer's
	}{
		{"once, with a Retry-After", []string{"429:2s"}, []int{429, 200, 200}, "2"},
		{"the next two", []string{"503x2"}, []int{503, 503, 200}, ""},
		{"every third", []string{"503@3"}, []int{200, 200, 503, 200, 200, 503}, ""},
		{"once, then every other", []string{"500", "502@2"}, []int{500, 502, 200, 502}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--rate-limit", "0"}
			for _, fault := range tc.faults {
				args = append(args, "--fault", fault)
			}
			baseURL, _ := startMock(t, args...)
			var got []int
			var firstRetryAfter string
			for i := range tc.want {
				status, header := postToMock(t, baseURL, "Bearer test")
				got = append(got, status)
				if i == 0 {
					firstRetryAfter = header.Get("Retry-After")
				}
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.retryAfter, firstRetryAfter)
		})
	}
}

func TestMockHelpShowsKeysAndFaults(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"mock", "--help"}, stdio{strings.NewReader(""), &stdout, &stderr}, os.Getenv)
	assert.Equal(t, exitOK, code)
	help := stdout.String()
	for _, want := range []string{"[--require-key-env NAME | --require-key KEY]", "[--fault STATUS[:RETRY_AFTER][xN|@N] ...]",
		"-require-key KEY", "-require-key-env NAME", "-fault", "--fault 503 ", "--fault 429:2s ", "--fault 503x2 ", "--fault 503@3 "} {
		assert.True(t, strings.Contains(help, want), "the help shows %q", want)
	}
	// A key on the command line is in ps and /proc/PID/cmdline for every user of the machine to read.
	start, end := strings.Index(help, "  -require-key KEY"), strings.Index(help, "  -require-key-env NAME")
	require.True(t, start >= 0 && end > start, "the flags list -require-key, then -require-key-env")
	assert.Contains(t, strings.Join(strings.Fields(help[start:end]), " "), "other users of the machine can read it")
}
