package gleaptest

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shortTimeouts has the server give up on a slow request after a fraction of a second.
var shortTimeouts = timeouts{readHeader: time.Second, read: 200 * time.Millisecond, write: 200 * time.Millisecond, idle: time.Second}

func TestDefaultTimeoutsBoundEveryPhaseOfAConnection(t *testing.T) {
	t.Parallel()
	var srv http.Server
	defaultTimeouts().apply(&srv)

	assert.Equal(t, 10*time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 30*time.Second, srv.ReadTimeout)
	assert.Equal(t, 45*time.Second, srv.WriteTimeout)
	assert.Equal(t, time.Minute, srv.IdleTimeout)
	// The write timeout runs from the end of the headers, the read timeout from their start: a body that
	// arrives just in time must still leave time to answer it.
	assert.Greater(t, srv.WriteTimeout, srv.ReadTimeout)
}

func TestServerClosesConnectionsThatSendTheirBodySlowly(t *testing.T) {
	t.Parallel()
	server := NewServer(t, withTimeouts(shortTimeouts))
	address, err := url.Parse(server.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", address.Host)
	require.NoError(t, err)
	defer conn.Close()

	// The headers promise 100 bytes; a dozen come, then nothing.
	_, err = fmt.Fprintf(conn, "POST /v3/messages HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Authorization: Bearer k\r\nProject: p\r\nContent-Length: 100\r\n\r\n{\"ticket\":\"", address.Host)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second))) // a failsafe, far past the timeout

	answer, err := io.ReadAll(conn)
	require.NoError(t, err, "the server must hang up, not wait for the rest of the body")
	assert.NotContains(t, string(answer), "200 OK")
	assert.Empty(t, server.Messages())
	requests := server.Requests()
	require.Len(t, requests, 1, "a request cut off is recorded too")
	assert.Equal(t, `{"ticket":"`, string(requests[0].Body), "with what arrived of its body")
}

func TestDelayedFaultsOutlastTheConnectionTimeouts(t *testing.T) {
	t.Parallel()
	server := NewServer(t, withTimeouts(shortTimeouts), WithFaults(Fault{Delay: 3 * shortTimeouts.write}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server.URL+"/messages", strings.NewReader(`{"ticket":"t"}`))
	require.NoError(t, err)
	req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}, "Project": {"p"}}

	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "a scripted delay is not a slow client: the answer must arrive")
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"ticket":"t"`)
	assert.Len(t, server.Messages(), 1)
}
