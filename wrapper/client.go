package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
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
	// The API key lives only inside closures (raw's request editors and redact), so printing a Client
	// never shows it.
	raw *api.ClientWithResponses
	// redact removes the API key from text that came from outside the client.
	redact func(string) string
	settings
}

// New returns a client that authenticates with apiKey (the project's secret API key) and acts on the
// project projectID. Both are checked before anything is sent: an empty or malformed value (spaces, line
// breaks, control characters) is a *ValidationError that never repeats the value.
//
// Without options the client talks to DefaultBaseURL, follows DefaultRetryPolicy, gives each attempt 30
// seconds unless the context has a deadline, and reads success answers of up to 4 MiB.
func New(apiKey, projectID string, opts ...Option) (*Client, error) {
	if err := checkToken("apiKey", apiKey); err != nil {
		return nil, err
	}
	if err := checkToken("projectID", projectID); err != nil {
		return nil, err
	}
	s := defaultSettings()
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	if err := s.checkBaseURLScheme(); err != nil {
		return nil, err
	}
	userAgent := s.userAgent
	raw, err := api.NewClientWithResponses(s.baseURL,
		api.WithHTTPClient(guardRedirects(s.httpClient)),
		api.WithRequestEditorFn(BearerAuth(apiKey)),
		api.WithRequestEditorFn(ProjectHeader(projectID)),
		api.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("User-Agent", userAgent)
			return nil
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("gleap: creating the client: %w", err)
	}
	return &Client{raw: raw, redact: newRedactor(apiKey), settings: s}, nil
}

// Raw returns the generated client this Client is built on, already set up with the same base URL, HTTP
// client, credentials and User-Agent, for endpoints and options the wrapper does not cover. Calls made
// through it are not retried and their answers are not size-checked.
func (c *Client) Raw() *api.ClientWithResponses {
	return c.raw
}

// CreateMessage posts req into a ticket (POST /messages) and returns the message Gleap stored. Fields of
// req left nil are not sent. The helpers PostReply, PostNote and PostBotMessage cover the common cases.
//
// req is checked before anything is sent (see checkCreateMessage): a problem is a *ValidationError. Every
// other failure is a *RequestError: its cause is an *APIError for a non-2xx answer, wraps
// ErrInvalidResponse for a success answer that cannot be read, and it wraps ErrOutcomeUnknown when the
// message may exist anyway. Retries follow the client's RetryPolicy and re-send the identical body.
//
// Gleap's API reference: Messages, "Create a new message".
func (c *Client) CreateMessage(ctx context.Context, req api.CreateMessageRequest) (*api.Message, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	// Encoding checks every json.RawMessage field; the body is encoded once and sent as it is.
	encoded, err := encodeJSON(req)
	if err != nil {
		if invalid := findField(reflect.ValueOf(req), "", invalidJSON); invalid != nil {
			return nil, invalid
		}
		return nil, &ValidationError{Field: "request", Problem: "cannot be encoded as JSON"}
	}
	if invalid := checkCreateMessage(&req, encoded); invalid != nil {
		return nil, invalid
	}
	return c.send(ctx, "create message", encoded)
}

// errNilContext answers a call made with a nil context, as net/http refuses one, instead of panicking.
var errNilContext = &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}

// encodeJSON encodes value as encoding/json does, but leaves <, > and & as they are: the body is JSON,
// not HTML, and the caller's text should arrive as written.
func encodeJSON(value any) ([]byte, error) {
	var out bytes.Buffer
	encoder := json.NewEncoder(&out)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// send makes attempts with body until one succeeds, the retry policy gives up or ctx ends.
func (c *Client) send(ctx context.Context, op string, body []byte) (*api.Message, error) {
	mayExist := false
	for attempts := 0; ; {
		if err := ctx.Err(); err != nil {
			return nil, &RequestError{Op: op, Attempts: attempts, OutcomeUnknown: mayExist, Err: err}
		}
		attempts++
		message, f := c.attempt(ctx, body, attempts)
		if f == nil {
			return message, nil
		}
		mayExist = mayExist || f.mayExist
		final := &RequestError{Op: op, Attempts: attempts, OutcomeUnknown: mayExist, Err: redactError(f.err, c.redact)}
		pause, retry := c.retry.wait(attempts+1, f)
		if !retry || ctx.Err() != nil || !fitsDeadline(ctx, pause) {
			return nil, final
		}
		if err := c.wait(ctx, pause); err != nil {
			final.Err = fmt.Errorf("%w while waiting %v to retry after: %w", err, pause, final.Err)
			return nil, final
		}
	}
}

// fitsDeadline reports whether ctx leaves time for a wait of d: waiting past the caller's deadline only
// to fail then would hide the real cause.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}
