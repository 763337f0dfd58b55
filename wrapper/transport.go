package wrapper

import (
	"net"
	"net/http"
	"time"
)

// maxIdleConnsPerHost is how many idle connections to Gleap the default client keeps. net/http's own
// default of 2 makes a busy service open a new connection for nearly every concurrent message.
const maxIdleConnsPerHost = 256

// defaultHTTPClient is the *http.Client of a client made without WithHTTPClient: net/http's default
// transport settings, a pool sized for many goroutines, and redirects not followed, so that the API key
// and the message are only ever sent to the base URL (a redirect answer becomes an *APIError).
func defaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdleConnsPerHost,
		MaxIdleConnsPerHost:   maxIdleConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
