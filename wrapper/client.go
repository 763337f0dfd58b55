package wrapper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gleap-community/gleap-go/api"
)

// Version is the version of gleap-go, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is where the client sends requests unless WithBaseURL says otherwise.
const DefaultBaseURL = api.ServerURLGleapProductionAPI

const defaultUserAgent = "gleap-go/" + Version

// maxResponseBytes caps how much of a success answer the client reads, so a broken or hostile server
// cannot make it allocate without bound. A stored message is a few KiB.
const maxResponseBytes = 4 << 20

// Client calls the Gleap REST API for one project. It is safe for concurrent use by multiple goroutines;
// make one per project and reuse it.
type Client struct {
	// The API key lives only inside raw's request editors, so printing a Client never shows it.
	raw *api.ClientWithResponses
}

// New returns a client that authenticates with apiKey (the project's secret API key) and acts on the
// project projectID. Both are checked before anything is sent: an empty or malformed value (spaces, line
// breaks, control characters) is a *ValidationError that never repeats the value.
func New(apiKey, projectID string, opts ...Option) (*Client, error) {
	if err := checkToken("apiKey", apiKey); err != nil {
		return nil, err
	}
	if err := checkToken("projectID", projectID); err != nil {
		return nil, err
	}
	s := settings{baseURL: DefaultBaseURL, httpClient: &http.Client{}, userAgent: defaultUserAgent}
	for _, opt := range opts {
		if err := opt(&s); err != nil {
			return nil, err
		}
	}
	userAgent := s.userAgent
	raw, err := api.NewClientWithResponses(s.baseURL,
		api.WithHTTPClient(s.httpClient),
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
	return &Client{raw: raw}, nil
}

// Raw returns the generated client this Client is built on, already set up with the same base URL, HTTP
// client, credentials and User-Agent, for endpoints and options the wrapper does not cover.
func (c *Client) Raw() *api.ClientWithResponses {
	return c.raw
}

// CreateMessage posts req into a ticket (POST /messages) and returns the message Gleap stored. Fields of
// req left nil are not sent. The helpers PostReply, PostNote and PostBotMessage cover the common cases.
//
// Any JSON field of req (Comment, Data, ...) that is not valid JSON is a *ValidationError and nothing is
// sent. A non-2xx answer is an *APIError. A success answer that cannot be read wraps ErrInvalidResponse.
//
// Gleap's API reference: Messages, "Create a new message".
func (c *Client) CreateMessage(ctx context.Context, req api.CreateMessageRequest) (*api.Message, error) {
	// Encoding checks every json.RawMessage field; the body is encoded once and sent as it is.
	encoded, err := json.Marshal(req)
	if err != nil {
		return nil, invalidJSONField(req)
	}
	resp, err := c.raw.CreateMessageWithBody(ctx, "application/json", bytes.NewReader(encoded))
	if err != nil {
		return nil, fmt.Errorf("gleap: create message: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodyBytes))
		return nil, newAPIError(resp.StatusCode, body)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("gleap: create message: reading the answer: %w", err)
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("%w: the answer is larger than %d bytes", ErrInvalidResponse, maxResponseBytes)
	}
	var message api.Message
	if err := json.Unmarshal(body, &message); err != nil {
		return nil, fmt.Errorf("%w: the answer is not a message: %v", ErrInvalidResponse, err)
	}
	return &message, nil
}

var (
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	rawMessageSliceType = reflect.TypeFor[[]json.RawMessage]()
)

// invalidJSONField names the field that made req impossible to encode: one of its pass-through JSON
// fields (any json.RawMessage in it, whatever the spec adds later) that does not parse. It runs only after
// encoding failed, so the reflection stays off the path of every request.
func invalidJSONField(req api.CreateMessageRequest) *ValidationError {
	value := reflect.ValueOf(req)
	for i := 0; i < value.NumField(); i++ {
		field := value.Type().Field(i)
		var values []json.RawMessage
		switch field.Type {
		case rawMessageType:
			values = []json.RawMessage{value.Field(i).Interface().(json.RawMessage)}
		case rawMessageSliceType:
			values = value.Field(i).Interface().([]json.RawMessage)
		}
		for _, raw := range values {
			if raw != nil && !json.Valid(raw) {
				return &ValidationError{Field: jsonName(field), Problem: "is not valid JSON"}
			}
		}
	}
	return &ValidationError{Field: "request", Problem: "cannot be encoded as JSON"}
}

func jsonName(field reflect.StructField) string {
	name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
	return name
}
