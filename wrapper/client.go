package wrapper

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gleap-community/gleap-go/api"
)

// Version is the version of gleap-go, sent in the User-Agent header.
const Version = "0.1.0"

// DefaultBaseURL is where the client sends requests unless WithBaseURL says otherwise.
const DefaultBaseURL = api.ServerURLGleapProductionAPI

const defaultUserAgent = "gleap-go/" + Version

// Client calls the Gleap REST API for one project. It is safe for concurrent use by multiple goroutines;
// make one per project and reuse it, so that its connections are reused too.
//
// Each resource of the API is a service on the client, as in client.Messages.Create. The services share
// one engine: the options, the retry policy, the pacing under the rate limit and the redaction of the key
// are the client's, whichever service a call goes through.
type Client struct {
	// Messages holds the calls of the messages of tickets: create (and the Reply, Note and BotMessage
	// helpers), list, update, delete, search, and FAQ suggestions.
	Messages *MessagesService
	// Tickets holds the calls of tickets: create and compose, get, update, delete, list and watch,
	// search, find by contact, archive, snooze, link, count, and the safe helpers (assign, set the
	// status, add and remove tags, close).
	Tickets *TicketsService
	// Contacts holds the calls of contacts (Gleap's sessions): create, get, find by user id, update,
	// delete, list, search, unsubscribe, resubscribe and upsert; identify, track and forget over Gleap's
	// admin routes; and NewTracker, which sends events in batches.
	Contacts *ContactsService
	// Companies holds the calls of companies over Gleap's admin routes: put, get and delete.
	Companies *CompaniesService

	engine *engine
}

// MinAPIKeyLength is the length of the shortest API key New accepts, in bytes. The client takes the key
// out of every text a server or the transport wrote before an error, a log line or a raw answer shows
// it; a key of a letter or two would be taken out of unrelated words too ("k" out of "tickets"),
// garbling them. Gleap's keys are far longer: a shorter key is a placeholder or a cut copy.
const MinAPIKeyLength = 8

// New returns a client that authenticates with apiKey (the project's secret API key) and acts on the
// project projectID. Both are checked before anything is sent: an empty or malformed value (spaces, line
// breaks, control characters), or a key shorter than MinAPIKeyLength, is a *ValidationError that never
// repeats the value.
//
// Without options the client talks to DefaultBaseURL, follows DefaultRetryPolicy, gives each attempt 30
// seconds unless the context has a deadline, reads success answers of up to 4 MiB, and paces itself to
// Gleap's rate limit of 1000 requests per minute. The same options can be given to each call, for that
// call only (except WithRateLimit, which is the client's).
func New(apiKey, projectID string, opts ...Option) (*Client, error) {
	if err := checkToken("apiKey", apiKey); err != nil {
		return nil, err
	}
	if len(apiKey) < MinAPIKeyLength {
		return nil, &ValidationError{Field: "apiKey", Problem: fmt.Sprintf(
			"is shorter than %d characters, too short for a Gleap key (check that it was copied whole)", MinAPIKeyLength)}
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
	s.project = projectID
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
	eng := &engine{authorize: authorize, authorizeAdmin: apiTokenAuth(apiKey), redact: newRedactor(apiKey), raw: raw, pacer: newPacer(s.rateLimit), settings: s}
	return &Client{
		Messages: &MessagesService{engine: eng}, Tickets: &TicketsService{engine: eng},
		Contacts: &ContactsService{engine: eng}, Companies: &CompaniesService{engine: eng}, engine: eng,
	}, nil
}

// Raw returns the generated client this Client is built on, already set up with the same base URL, HTTP
// client, credentials and User-Agent, for endpoints and options the wrapper does not cover. Calls made
// through it are not retried, not paced (neither the rate limit nor a 429's pause holds them back, and
// they do not count towards the client's pace), and their answers are not size-checked. It covers the
// routes under the API root: Gleap's admin routes (identify, track, forget, companies), which sit beside
// it and take the key in an Api-Token header, are the Contacts and Companies services' only.
func (c *Client) Raw() *api.ClientWithResponses {
	return c.engine.raw
}
