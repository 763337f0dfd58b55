package gleaptest

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestServerRefusesLargeBodiesAfterReadingAboutTheCap(t *testing.T) {
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
		{"chunked", false, maxRequestBodyBytes + 512<<10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server, _, err := configure(nil)
			require.NoError(t, err)
			listener, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			counting := &countingListener{Listener: listener, accepted: make(chan *countingConn, 1)}
			server.start(counting)
			t.Cleanup(server.Close)

			req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", io.LimitReader(rand.Reader, streamed))
			require.NoError(t, err)
			req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}
			if tc.declared {
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
			assert.Equal(t, 413.0, body["statusCode"])
			assert.Equal(t, "Request Entity Too Large", body["error"])
			assert.Contains(t, body["message"], strconv.Itoa(maxRequestBodyBytes))
			conn := <-counting.accepted
			<-conn.closed // the server hangs up instead of reading on
			assert.Less(t, conn.read.Load(), tc.maxRead, "the server must not read the body it refuses")
			assert.Empty(t, server.Messages())
		})
	}
}
