package fakegleap_test

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// countingListener hands the server connections that count the bytes it reads from them.
type countingListener struct {
	net.Listener
	accepted chan *countingConn
}

func (l *countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	counted := &countingConn{Conn: conn, closed: make(chan struct{})}
	l.accepted <- counted
	return counted, nil
}

type countingConn struct {
	net.Conn
	read      atomic.Int64
	closeOnce sync.Once
	closed    chan struct{} // closed when the server hangs up
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// serveCounted serves handler behind LimitRequestBodies on a listener that counts what the server reads.
func serveCounted(t *testing.T, handler http.Handler) (*httptest.Server, *countingListener) {
	t.Helper()
	srv := httptest.NewUnstartedServer(fakegleap.LimitRequestBodies(handler))
	listener := &countingListener{Listener: srv.Listener, accepted: make(chan *countingConn, 1)}
	srv.Listener = listener
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, listener
}

// postStream posts size bytes, produced while they are sent so that the test never holds them, with
// Content-Length declared or chunked, on a connection of its own.
func postStream(t *testing.T, url string, size int64, declared bool) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, io.LimitReader(rand.Reader, size))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if declared {
		req.ContentLength = size
	} // else the length is unknown and the body goes chunked
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	resp, err := (&http.Client{Transport: transport}).Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestLimitRequestBodiesRefusesLargeBodiesAfterReadingAboutTheCap(t *testing.T) {
	t.Parallel()
	const streamed = 16 << 20 // far over the cap
	cases := []struct {
		name     string
		declared bool
		maxRead  int64
	}{
		// Refused from its Content-Length: the server reads the headers and what came with them.
		{"Content-Length declared", true, 64 << 10},
		// Refused once past the cap. After a handler, net/http may read up to 256 KiB of what is left to
		// keep the connection; past that it hangs up. Headers and buffering add a few KiB.
		{"chunked", false, fakegleap.MaxRequestBodyBytes + 512<<10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var reached atomic.Bool
			srv, listener := serveCounted(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Store(true) }))

			resp := postStream(t, srv.URL+"/v3/messages", streamed, tc.declared)

			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.Equal(t, 413.0, body["statusCode"])
			assert.Equal(t, "Request Entity Too Large", body["error"])
			assert.Contains(t, body["message"], strconv.Itoa(fakegleap.MaxRequestBodyBytes))
			assert.False(t, reached.Load(), "a body over the cap must not reach the handler")
			conn := <-listener.accepted
			<-conn.closed // the server hangs up instead of reading on
			assert.Less(t, conn.read.Load(), tc.maxRead, "the server must not read the body it refuses")
		})
	}
}

func TestLimitRequestBodiesPassesABodyAtTheCapWhole(t *testing.T) {
	t.Parallel()
	for _, declared := range []bool{true, false} {
		t.Run("Content-Length declared: "+strconv.FormatBool(declared), func(t *testing.T) {
			t.Parallel()
			received := make(chan int, 1)
			srv, _ := serveCounted(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, err := io.ReadAll(r.Body)
				assert.NoError(t, err)
				received <- len(body)
				w.WriteHeader(http.StatusNoContent)
			}))

			resp := postStream(t, srv.URL+"/v3/messages", fakegleap.MaxRequestBodyBytes, declared)

			assert.Equal(t, http.StatusNoContent, resp.StatusCode)
			assert.Equal(t, fakegleap.MaxRequestBodyBytes, <-received)
		})
	}
}

func TestMockRefusesLargeBodiesWithoutStoringThem(t *testing.T) {
	t.Parallel()
	validator, err := fakegleap.NewValidator()
	require.NoError(t, err)
	found := &violations{}
	fake := fakegleap.NewServer(nil)
	srv := httptest.NewServer(fakegleap.NewMock(fake, validator, found.report))
	t.Cleanup(srv.Close)
	// A message whose text alone is over the cap: valid JSON, valid to the spec, too large.
	body := io.MultiReader(strings.NewReader(`{"ticket":"t","messageRef":"`),
		strings.NewReader(strings.Repeat("a", fakegleap.MaxRequestBodyBytes)), strings.NewReader(`"}`))
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v3/messages", body)
	require.NoError(t, err)
	for name, value := range credentials {
		req.Header.Set(name, value)
	}
	req.Header.Set("Content-Type", "application/json")

	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Empty(t, fake.Messages())
	assert.Empty(t, found.all(), "a body over the cap is refused, not reported as a contract violation")
}
