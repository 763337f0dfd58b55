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

	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// shortTimeouts has the server give up on a slow request after a fraction of a second.
var shortTimeouts = fakegleap.Timeouts{ReadHeader: time.Second, Read: 200 * time.Millisecond, Write: 200 * time.Millisecond, Idle: time.Second}

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
}

func TestDelayedFaultsOutlastTheConnectionTimeouts(t *testing.T) {
	t.Parallel()
	server := NewServer(t, withTimeouts(shortTimeouts), WithFaults(Fault{Delay: 3 * shortTimeouts.Write}))
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
