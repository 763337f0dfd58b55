package wrapper_test

// Attacks on the key: plain http beyond loopback, a proxy in the environment, redirects followed by the
// caller's own *http.Client, servers that echo the key or the customer's text back in bodies, status lines
// and headers, and printing the values that hold it.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

// proxyChildBaseURL, when set, makes TestPlainHTTPToLoopbackNeverGoesThroughAProxy the child process
// that posts to that base URL with HTTP_PROXY set: net/http reads the proxy settings once per process.
const proxyChildBaseURL = "GLEAP_TEST_PROXY_CHILD_BASE_URL"

func TestPlainHTTPToLoopbackNeverGoesThroughAProxy(t *testing.T) {
	if baseURL := os.Getenv(proxyChildBaseURL); baseURL != "" {
		client, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(baseURL), wrapper.WithMaxRetries(0))
		require.NoError(t, err)
		require.NoError(t, post(client, context.Background()))
		return
	}
	t.Parallel()
	// A proxy in the environment: another party, which must never see the request.
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		proxied.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	t.Cleanup(proxy.Close)
	server := newServer(t)
	port := server.URL[strings.LastIndex(server.URL, ":")+1:]

	for _, host := range []string{"localhost", "LOCALHOST", "LocalHost", "127.0.0.1"} {
		child := exec.Command(os.Args[0], "-test.run=^TestPlainHTTPToLoopbackNeverGoesThroughAProxy$", "-test.count=1")
		child.Env = append(os.Environ(), "HTTP_PROXY="+proxy.URL, "http_proxy="+proxy.URL, "NO_PROXY=", "no_proxy=",
			proxyChildBaseURL+"=http://"+host+":"+port)
		output, err := child.CombinedOutput()
		assert.NoError(t, err, "host %s: %s", host, output)
	}
	assert.Zero(t, proxied.Load(), "the proxy saw the key in clear text")
	assert.Len(t, server.Requests(), 4)
}

func TestTheCallersHTTPClientFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	// Where the redirects lead: another party, on plain http. The TLS servers that redirect stand in for
	// Gleap over https, which gleaptest does not serve.
	var plain atomic.Int32
	plainServer := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { plain.Add(1) }))
	t.Cleanup(plainServer.Close)
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			var received atomic.Int32
			tlsServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				received.Add(1)
				// The same host name over plain http: net/http would keep the Authorization header.
				http.Redirect(w, r, plainServer.URL+"/v3/messages", status)
			}))
			t.Cleanup(tlsServer.Close)
			callersClient := tlsServer.Client() // follows redirects, as any *http.Client does by default
			client, _ := newFaultClient(t, tlsServer.URL+"/v3", wrapper.WithHTTPClient(callersClient))

			err := post(client, context.Background())

			requireRequestError(t, err, 1, true)
			requireAPIError(t, err, status)
			assert.Equal(t, int32(1), received.Load())
		})
	}
	t.Cleanup(func() { assert.Zero(t, plain.Load(), "the key went over plain http") })
}

func TestTheServerCannotPutTheKeyOrTheMessageIntoErrorsAndLogs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status int
		body   func(r *http.Request) string
	}{
		{"401 quoting the key", http.StatusUnauthorized, func(r *http.Request) string {
			return fmt.Sprintf(`{"message":"Invalid API key %s"}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}},
		{"400 quoting the request", http.StatusBadRequest, func(r *http.Request) string {
			return fmt.Sprintf(`{"message":["%s sent hello"]}`, r.Header.Get("Authorization"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, echoingAnswer(t, tc.status, tc.body))
			client, run := newFaultClient(t, server.URL)
			err := post(client, context.Background())
			requireRequestError(t, err, 1, false)
			apiErr := requireAPIError(t, err, tc.status)
			assert.Contains(t, apiErr.Message, "[REDACTED]")
			assert.NotContains(t, string(apiErr.Body), testKey)
			assertLogHolds(t, run, "hello")
		})
	}
}

// assertLogHolds checks that no log line of run carries the key or any of words.
func assertLogHolds(t *testing.T, run *faultRun, words ...string) {
	t.Helper()
	lines := run.logLines(t)
	require.NotEmpty(t, lines)
	for _, line := range lines {
		for _, word := range append(words, testKey) {
			assert.NotContains(t, fmt.Sprint(line), word)
		}
		assert.NotEmpty(t, line["failure"], "a failed attempt names its kind")
	}
}

func TestMalformedAnswersQuotingTheKeyDoNotLeakIt(t *testing.T) {
	t.Parallel()
	cases := map[string]func(authorization string) string{
		"status code": func(authorization string) string {
			return "HTTP/1.1 " + strings.TrimPrefix(authorization, "Bearer ") + " OK\r\n\r\n"
		},
		"header line": func(authorization string) string {
			return "HTTP/1.1 200 OK\r\n" + authorization + "\r\nContent-Length: 2\r\n\r\n{}"
		},
		"header value": func(authorization string) string {
			return "HTTP/1.1 200 OK\r\nContent-Length: x" + authorization + "\r\n\r\n{}"
		},
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t, rawAnswerHeldOpen(t, answer))
			client, run := newFaultClient(t, server.URL)
			err := post(client, context.Background())
			requireRequestError(t, err, 1, true)
			assert.Contains(t, err.Error(), "[REDACTED]", "the error still says what the server sent")
			assertLogHolds(t, run)
		})
	}
}

func TestPlainHTTPIsOnlyForLoopbackUnlessOptedIn(t *testing.T) {
	t.Parallel()
	for _, baseURL := range []string{"http://localhost:4010/v3", "http://127.0.0.1:4010/v3", "http://[::1]:4010/v3", "https://api.gleap.io/v3"} {
		_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(baseURL))
		assert.NoError(t, err, baseURL)
	}
	_, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL("http://gleap.internal/v3"))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "baseURL", invalid.Field)
	for _, opts := range [][]wrapper.Option{
		{wrapper.WithBaseURL("http://gleap.internal/v3"), wrapper.WithInsecureHTTP()},
		{wrapper.WithInsecureHTTP(), wrapper.WithBaseURL("http://gleap.internal/v3")},
	} {
		_, err = wrapper.New(testKey, testProject, opts...)
		assert.NoError(t, err, "the opt-in works in any order")
	}
}

func TestPrintingOptionsAndPoliciesNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	for _, value := range []any{
		wrapper.WithBaseURL("https://api.gleap.io/v3"), wrapper.WithRetryPolicy(wrapper.DefaultRetryPolicy()),
		wrapper.DefaultRetryPolicy(), wrapper.BearerAuth(testKey), wrapper.ProjectHeader(testProject),
	} {
		for _, format := range []string{"%v", "%+v", "%#v"} {
			assert.NotContains(t, fmt.Sprintf(format, value), testKey)
		}
	}
	assert.False(t, strings.Contains(fmt.Sprintf("%#v", wrapper.DefaultRetryPolicy()), "gl_sk"))
}
