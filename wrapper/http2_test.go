package wrapper_test

// Attacks over HTTP/2: a server, proxy or load balancer that resets a stream or sends GOAWAY after it
// received the whole request. net/http would replay such a request by itself if it could rewind the body;
// each case counts the requests that reached the server.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/gleap-community/gleap-go/wrapper"
)

// h2Reaction is what the HTTP/2 test server does once it has a whole request.
type h2Reaction int

const (
	h2Answer        h2Reaction = iota // 200 with a stored message
	h2ResetProtocol                   // RST_STREAM with PROTOCOL_ERROR, which net/http treats as retryable
	h2GoAwayZero                      // GOAWAY with last stream id 0, then close: "I processed nothing"
)

// h2Server is an HTTP/2-over-TLS server written frame by frame, so that it can misbehave where
// net/http's own server would not.
type h2Server struct {
	baseURL  string
	roots    *x509.CertPool
	react    func(request int) h2Reaction
	requests atomic.Int32 // HEADERS frames received: requests on the wire, on every connection
}

// startH2Server serves on loopback until the test ends; react decides the fate of the n-th request
// (counted from 1).
func startH2Server(t *testing.T, react func(request int) h2Reaction) *h2Server {
	t.Helper()
	// httptest makes the certificate; the server itself is ours.
	certSource := httptest.NewUnstartedServer(http.NotFoundHandler())
	certSource.StartTLS()
	certificates, leaf := certSource.TLS.Certificates, certSource.Certificate()
	certSource.Close()
	listener, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: certificates, NextProtos: []string{http2.NextProtoTLS}})
	require.NoError(t, err)
	s := &h2Server{baseURL: "https://" + listener.Addr().String() + "/v3", roots: x509.NewCertPool(), react: react}
	s.roots.AddCert(leaf)

	var conns sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open = append(open, conn)
			mu.Unlock()
			conns.Add(1)
			go func() {
				defer conns.Done()
				s.serveConn(conn)
			}()
		}
	}()
	t.Cleanup(func() {
		_ = listener.Close()
		mu.Lock()
		for _, conn := range open {
			_ = conn.Close()
		}
		mu.Unlock()
		conns.Wait()
	})
	return s
}

func (s *h2Server) serveConn(conn net.Conn) {
	defer conn.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	framer := http2.NewFramer(conn, conn)
	if framer.WriteSettings() != nil {
		return
	}
	for {
		frame, err := framer.ReadFrame()
		if err != nil {
			return
		}
		var complete uint32 // the stream whose request just ended
		switch f := frame.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && framer.WriteSettingsAck() != nil {
				return
			}
		case *http2.PingFrame:
			if !f.IsAck() && framer.WritePing(true, f.Data) != nil {
				return
			}
		case *http2.HeadersFrame:
			s.requests.Add(1)
			if f.StreamEnded() {
				complete = f.StreamID
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				complete = f.StreamID
			}
		}
		if complete == 0 {
			continue
		}
		switch s.react(int(s.requests.Load())) {
		case h2Answer:
			err = writeH2Message(framer, complete)
		case h2ResetProtocol:
			err = framer.WriteRSTStream(complete, http2.ErrCodeProtocol)
		case h2GoAwayZero:
			_ = framer.WriteGoAway(0, http2.ErrCodeNo, nil)
			return
		}
		if err != nil {
			return
		}
	}
}

func writeH2Message(framer *http2.Framer, stream uint32) error {
	body := []byte(`{"_id":"6752e9a8b7c6d5e4f3a21099","type":"COMMENT"}`)
	var block bytes.Buffer
	encoder := hpack.NewEncoder(&block)
	for _, field := range []hpack.HeaderField{
		{Name: ":status", Value: "200"},
		{Name: "content-type", Value: "application/json"},
		{Name: "content-length", Value: strconv.Itoa(len(body))},
	} {
		if err := encoder.WriteField(field); err != nil {
			return err
		}
	}
	if err := framer.WriteHeaders(http2.HeadersFrameParam{StreamID: stream, BlockFragment: block.Bytes(), EndHeaders: true}); err != nil {
		return err
	}
	return framer.WriteData(stream, true, body)
}

// trusting returns the default client's HTTP client, trusting the test server's certificate.
func (s *h2Server) trusting() *http.Client {
	httpClient := wrapper.DefaultHTTPClient()
	httpClient.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: s.roots}
	return httpClient
}

func TestHTTP2RequestThatMayHaveArrivedIsNeverReplayed(t *testing.T) {
	t.Parallel()
	onlyFirst := func(reaction h2Reaction) func(int) h2Reaction {
		return func(request int) h2Reaction {
			if request == 1 {
				return reaction
			}
			return h2Answer
		}
	}
	always := func(reaction h2Reaction) func(int) h2Reaction {
		return func(int) h2Reaction { return reaction }
	}
	cases := []struct {
		name         string
		react        func(int) h2Reaction
		retryUnknown bool
		wantRequests int32
		wantSuccess  bool
	}{
		{"stream reset once", onlyFirst(h2ResetProtocol), false, 1, false},
		{"stream reset always", always(h2ResetProtocol), false, 1, false},
		{"GOAWAY with last stream 0 once", onlyFirst(h2GoAwayZero), false, 1, false},
		{"GOAWAY with last stream 0 always", always(h2GoAwayZero), false, 1, false},
		{"stream reset once, unknown outcomes retried", onlyFirst(h2ResetProtocol), true, 2, true},
		{"stream reset always, unknown outcomes retried", always(h2ResetProtocol), true, 3, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			server := startH2Server(t, tc.react)
			opts := []wrapper.Option{wrapper.WithHTTPClient(server.trusting()), wrapper.WithTimeout(5 * time.Second)}
			if tc.retryUnknown {
				opts = append(opts, retryUnknownOutcomes())
			}
			client, _ := newFaultClient(t, server.baseURL, opts...)

			err := post(client, context.Background())

			assert.Equal(t, tc.wantRequests, server.requests.Load(), "requests on the wire")
			if tc.wantSuccess {
				require.NoError(t, err)
				return
			}
			requireRequestError(t, err, int(tc.wantRequests), true)
		})
	}
}

func TestHTTP2IsWhatTheDefaultClientSpeaks(t *testing.T) {
	t.Parallel()
	server := startH2Server(t, func(int) h2Reaction { return h2Answer })
	client, _ := newFaultClient(t, server.baseURL, wrapper.WithHTTPClient(server.trusting()))
	require.NoError(t, post(client, context.Background()))
	assert.Equal(t, int32(1), server.requests.Load(), "the frame-level server answered, so the request went over HTTP/2")
}
