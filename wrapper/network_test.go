package wrapper_test

// Failures before the request reaches Gleap: refused connections, DNS and dial errors, TLS handshakes
// that fail. Nothing was sent, so they are retried.

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

// freeLoopbackAddress returns a loopback address nothing listens on, for "connection refused".
func freeLoopbackAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	address := listener.Addr().String()
	require.NoError(t, listener.Close())
	return address
}

func TestConnectionRefusedIsRetriedThenFails(t *testing.T) {
	t.Parallel()
	client, run := newFaultClient(t, "http://"+freeLoopbackAddress(t)+"/v3")

	err := post(client, context.Background())

	requireRequestError(t, err, 3, false)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Len(t, run.recordedWaits(), 2)
	assert.Len(t, run.logLines(t), 3)
}

// failingDials returns a transport whose first failures dials fail with err before reaching the network.
func failingDials(failures int, err error) *http.Transport {
	var dials atomic.Int32
	dialer := &net.Dialer{}
	return &http.Transport{DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
		if int(dials.Add(1)) <= failures {
			return nil, err
		}
		return dialer.DialContext(ctx, network, address)
	}}
}

func TestFailuresBeforeSendingAreRetried(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"dial":                                  &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		"DNS":                                   &net.DNSError{Err: "no such host", Name: "api.gleap.io", IsNotFound: true},
		"other, before the request was written": errors.New("proxy refused the tunnel"),
	}
	for name, dialErr := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server := newServer(t)
			client, _ := newFaultClient(t, server.URL, wrapper.WithHTTPClient(&http.Client{Transport: failingDials(2, dialErr)}))
			require.NoError(t, post(client, context.Background()))
			assert.Len(t, server.Requests(), 1, "the message reached the server once")
			assert.Len(t, server.Messages(), 1)
		})
	}
}

func TestTLSHandshakeFailureIsRetriedThenFails(t *testing.T) {
	t.Parallel()
	// A server the client cannot verify: the handshake fails before Gleap could see a request.
	var requests, connections atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			connections.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// The default client does not trust the test server's certificate.
	client, _ := newFaultClient(t, srv.URL+"/v3")

	err := post(client, context.Background())

	requireRequestError(t, err, 3, false)
	var certErr *tls.CertificateVerificationError
	assert.ErrorAs(t, err, &certErr)
	assert.Zero(t, requests.Load(), "no request got through")
	assert.EqualValues(t, 3, connections.Load(), "one handshake per attempt")
}

func TestWithATransportThatReportsNoProgressOnlyDialErrorsAreRetried(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		err            error
		attempts       int
		outcomeUnknown bool
	}{
		{"dial error", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, 3, false},
		{"DNS error", &net.DNSError{Err: "no such host", Name: "api.gleap.io", IsNotFound: true}, 3, false},
		{"any other error", errors.New("stream reset"), 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			transport := roundTripperFunc(func(*http.Request) (*http.Response, error) {
				calls.Add(1)
				return nil, tc.err
			})
			client, _ := newFaultClient(t, wrapper.DefaultBaseURL, wrapper.WithHTTPClient(&http.Client{Transport: transport}))
			err := post(client, context.Background())
			requireRequestError(t, err, tc.attempts, tc.outcomeUnknown)
			assert.EqualValues(t, tc.attempts, calls.Load())
		})
	}
}
