package wrapper

import (
	"context"
	"net/http"
	"net/url"
)

// apiTokenHeader is where Gleap's admin routes take the API key, without "Bearer".
const apiTokenHeader = "Api-Token"

// apiTokenAuth returns a request editor that sends apiKey as Gleap's admin routes take it:
// "Api-Token: <apiKey>", as Gleap's own admin SDK and its Segment destination send it. New checks the key
// before it makes one.
func apiTokenAuth(apiKey string) RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set(apiTokenHeader, apiKey)
		return nil
	}
}

// adminRoot returns where Gleap's admin routes are for server, an API root with its trailing slash:
// its parent, as https://api.gleap.io/ is the parent of https://api.gleap.io/v3/ (a root without a path
// is its own parent). It is on the same host, so the key goes nowhere the base URL does not lead.
func adminRoot(server string) string {
	root, err := url.Parse(server)
	if err != nil { // WithBaseURL parsed it already
		return server
	}
	return root.ResolveReference(&url.URL{Path: "../"}).String()
}
