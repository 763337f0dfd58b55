package wrapper

import "net/http"

// Limits of the default transport that differ from net/http's.
const (
	// maxIdleConnsPerHost is how many idle connections to Gleap the default client keeps. net/http's own
	// default of 2 makes a busy service open a new connection for nearly every concurrent message.
	maxIdleConnsPerHost = 256
	// maxResponseHeaderBytes caps the headers of an answer, which the body's size cap does not cover;
	// net/http allows 10 MiB.
	maxResponseHeaderBytes = 64 << 10
)

// defaultHTTPClient is the *http.Client of a client made without WithHTTPClient: net/http's default
// transport (proxy from the environment, HTTP/2, its timeouts) with a pool sized for many goroutines and
// a cap on answer headers.
func defaultHTTPClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = maxIdleConnsPerHost
	transport.MaxIdleConnsPerHost = maxIdleConnsPerHost
	transport.MaxResponseHeaderBytes = maxResponseHeaderBytes
	return &http.Client{Transport: transport}
}

// guardRedirects returns a copy of httpClient (sharing its transport, so its connections too) that
// follows no redirect, whatever the caller's CheckRedirect says. Every request carries the API key, and
// net/http keeps the Authorization header on a redirect to the same host name, even from https to plain
// http; it also turns a redirected POST into a GET. So the 3xx answer is returned as it is (an *APIError,
// with the message possibly created) and the key only ever goes to the base URL.
func guardRedirects(httpClient *http.Client) *http.Client {
	guarded := *httpClient
	guarded.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &guarded
}
