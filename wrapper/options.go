package wrapper

import (
	"net/http"
	"net/url"
	"strings"
)

// Option configures a Client made by New. Options are applied in order; a later one wins.
type Option func(*settings) error

// settings is what the options configure. It never holds the API key.
type settings struct {
	baseURL    string
	httpClient *http.Client
	userAgent  string
}

// WithBaseURL points the client at another Gleap API root, such as a regional deployment or a local test
// server. The URL must be absolute (http or https) and include the version path, as in
// "https://api.gleap.io/v3"; it must not carry credentials, a query or a fragment.
func WithBaseURL(baseURL string) Option {
	return func(s *settings) error {
		parsed, err := url.Parse(baseURL)
		switch {
		case err != nil:
			return &ValidationError{Field: "baseURL", Problem: "is not a URL"}
		case parsed.Scheme != "https" && parsed.Scheme != "http":
			return &ValidationError{Field: "baseURL", Problem: "must start with https:// or http://"}
		case parsed.Host == "":
			return &ValidationError{Field: "baseURL", Problem: "must name a host"}
		case parsed.User != nil:
			return &ValidationError{Field: "baseURL", Problem: "must not hold credentials; the API key is passed to New"}
		case parsed.RawQuery != "" || parsed.Fragment != "":
			return &ValidationError{Field: "baseURL", Problem: "must not have a query or a fragment"}
		}
		s.baseURL = strings.TrimSuffix(baseURL, "/")
		return nil
	}
}

// WithHTTPClient makes the client send its requests through httpClient, for a custom transport, proxy,
// TLS set-up or instrumentation.
func WithHTTPClient(httpClient *http.Client) Option {
	return func(s *settings) error {
		if httpClient == nil {
			return &ValidationError{Field: "httpClient", Problem: "must not be nil"}
		}
		s.httpClient = httpClient
		return nil
	}
}

// WithUserAgent names the application in the User-Agent header. It is put before the library's own
// token, as in "billing-service/2.1 gleap-go/0.1.0", so Gleap can tell both apart.
func WithUserAgent(userAgent string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(userAgent) == "" {
			return &ValidationError{Field: "userAgent", Problem: "must not be empty"}
		}
		if !asciiFrom(userAgent, ' ') {
			return &ValidationError{Field: "userAgent", Problem: "must hold only printable ASCII characters (no line breaks or control characters)"}
		}
		s.userAgent = userAgent + " " + defaultUserAgent
		return nil
	}
}
