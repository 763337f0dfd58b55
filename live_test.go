//go:build live

package gleap_test

// The live contract check (make live): the client against the real Gleap API, every request and answer
// validated against openapi.yaml. A maintainer runs it to re-check the spec when Gleap changes its API.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/contract"
	"github.com/gleap-community/gleap-go/wrapper"
)

// contractCheck is a transport that checks every request it sends and every answer it gets against
// openapi.yaml, as gleaptest does, failing the test on a mismatch.
type contractCheck struct {
	t   *testing.T
	doc *contract.Document
}

func newContractCheck(t *testing.T) *contractCheck {
	t.Helper()
	doc, err := contract.Ours()
	require.NoError(t, err)
	return &contractCheck{t: t, doc: doc}
}

// RoundTrip sends req, checking it and its answer against openapi.yaml. Requests are matched on their
// path alone, so that GLEAP_BASE_URL may name another region.
func (c *contractCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	exchange, _, err := c.doc.CheckRequest(req, body)
	if err != nil {
		c.t.Errorf("the request breaks openapi.yaml: %v", err)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	if exchange != nil {
		if err := exchange.CheckResponse(resp.StatusCode, resp.Header, answer); err != nil {
			c.t.Errorf("the answer breaks openapi.yaml: %v\n%.2000s", err, answer)
		}
	}
	return resp, nil
}

func TestLiveContract(t *testing.T) {
	apiKey, project, ticket := os.Getenv("GLEAP_API_KEY"), os.Getenv("GLEAP_PROJECT"), os.Getenv("GLEAP_TEST_TICKET")
	if apiKey == "" || project == "" || ticket == "" {
		t.Skip("skipped: set GLEAP_API_KEY, GLEAP_PROJECT and GLEAP_TEST_TICKET (a ticket the check may post a note into) to check openapi.yaml against the real API")
	}
	opts := []wrapper.Option{wrapper.WithHTTPClient(&http.Client{Transport: newContractCheck(t)})}
	if baseURL := os.Getenv("GLEAP_BASE_URL"); baseURL != "" {
		opts = append(opts, wrapper.WithBaseURL(baseURL))
	}
	client, err := wrapper.New(apiKey, project, opts...)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	reference := fmt.Sprintf("gleap-go-live-check-%d", time.Now().UnixNano())
	req, err := wrapper.TextMessage(ticket, "gleap-go live contract check: this note is deleted at once.", wrapper.AsNote())
	require.NoError(t, err)
	req.MessageRef = &reference
	note, err := client.Messages.Create(ctx, req)
	require.NoError(t, err, "post a note")
	require.NotNil(t, note.ID)
	id := note.ID
	deleted := false
	t.Cleanup(func() {
		if !deleted {
			_ = client.Messages.Delete(context.Background(), id)
		}
	})

	found := false
	for message, err := range client.Messages.List(ctx, wrapper.MessageFilter{Ticket: ticket, Sort: "-createdAt", PageSize: 20}) {
		require.NoError(t, err, "list the ticket")
		if message.ID == id {
			found = true
			assert.Equal(t, reference, *message.MessageRef)
			break
		}
	}
	assert.True(t, found, "the note is among the ticket's messages")

	updated, err := client.Messages.Update(ctx, id, wrapper.UpdateMessageRequest{Comment: wrapper.PlainTextDoc("gleap-go live contract check: updated.")})
	require.NoError(t, err, "update the note")
	assert.Contains(t, string(updated.Comment), "updated")

	require.NoError(t, client.Messages.Delete(ctx, id), "delete the note")
	deleted = true
}
