package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Version is the version of gleap-go, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is where the client sends requests unless WithBaseURL says otherwise.
const DefaultBaseURL = api.ServerURLGleapProductionAPI

const defaultUserAgent = "gleap-go/" + Version

// Client calls the Gleap REST API for one project. It is safe for concurrent use by multiple goroutines;
// make one per project and reuse it, so that its connections are reused too.
type Client struct {
	// The API key lives only inside closures (authorize, redact and raw's request editors), so printing a
	// Client never shows it.
	authorize api.RequestEditorFn
	// redact removes the API key from text that came from outside the client.
	redact redactor
	raw    *api.ClientWithResponses
	// pacer is shared by every call, and so by every goroutine using the client.
	pacer *pacer
	settings
}

// New returns a client that authenticates with apiKey (the project's secret API key) and acts on the
// project projectID. Both are checked before anything is sent: an empty or malformed value (spaces, line
// breaks, control characters) is a *ValidationError that never repeats the value.
//
// Without options the client talks to DefaultBaseURL, follows DefaultRetryPolicy, gives each attempt 30
// seconds unless the context has a deadline, reads success answers of up to 4 MiB, and paces itself to
// Gleap's rate limit of 1000 requests per minute. The same options can be given to each call, for that
// call only (except WithRateLimit, which is the client's).
func New(apiKey, projectID string, opts ...Option) (*Client, error) {
	if err := checkToken("apiKey", apiKey); err != nil {
		return nil, err
	}
	if err := checkToken("projectID", projectID); err != nil {
		return nil, err
	}
	s, err := defaultSettings().apply(opts)
	if err != nil {
		return nil, err
	}
	if s.responseInto != nil {
		return nil, &ValidationError{Field: "responseInto", Problem: "is an option of one call; give WithResponseInto to the call"}
	}
	bearer, project := BearerAuth(apiKey), ProjectHeader(projectID)
	authorize := func(ctx context.Context, req *http.Request) error {
		if err := bearer(ctx, req); err != nil {
			return err
		}
		return project(ctx, req)
	}
	userAgent := s.userAgent
	raw, err := api.NewClientWithResponses(s.server,
		api.WithHTTPClient(s.httpClient),
		api.WithRequestEditorFn(authorize),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("User-Agent", userAgent)
			return nil
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("gleap: creating the client: %w", err)
	}
	return &Client{authorize: authorize, redact: newRedactor(apiKey), raw: raw, pacer: newPacer(s.rateLimit), settings: s}, nil
}

// Raw returns the generated client this Client is built on, already set up with the same base URL, HTTP
// client, credentials and User-Agent, for endpoints and options the wrapper does not cover. Calls made
// through it are not retried, not paced (neither the rate limit nor a 429's pause holds them back, and
// they do not count towards the client's pace), and their answers are not size-checked.
func (c *Client) Raw() *api.ClientWithResponses {
	return c.raw
}

// prepare checks what every call checks and returns the settings of the call: the client's with opts
// applied after them.
func (c *Client) prepare(ctx context.Context, opts []Option) (*settings, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	}
	if len(opts) == 0 {
		return &c.settings, nil
	}
	s, err := c.settings.apply(opts)
	if err == nil && s.rateLimit != c.settings.rateLimit {
		err = &ValidationError{Field: "rateLimit", Problem: "is an option of the client, shared by all its calls; give WithRateLimit to New"}
	}
	return &s, err
}

// encodeJSON encodes value as encoding/json does, but leaves <, > and & as they are: the body is JSON,
// not HTML, and the caller's text should arrive as written. json.Marshal is tried first, as it costs
// fewer allocations; only an output holding a \u00XX escape is encoded again without HTML escaping.
func encodeJSON(value any) ([]byte, error) {
	encoded, err := json.Marshal(value)
	if err != nil || !bytes.Contains(encoded, []byte(`\u00`)) {
		return encoded, err
	}
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// fitsDeadline reports whether ctx leaves time for a pause of d: waiting past the caller's deadline only
// to fail then would hide the real cause.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}
