package gleaptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/gleap-community/gleap-go/internal/redact"
	"github.com/gleap-community/gleap-go/webhook"
)

// Webhook is one delivery of a webhook, to send to a receiver under test as Gleap sends it: a POST of
// the envelope {"event", "projectId", "data"} as JSON, with the shared secret in the header
// webhook.SecretHeader or in a query parameter. Gleap itself sends the secret only where its URL holds
// it; a secret in a header is how gleap mock and `gleap webhooks trigger` send it.
//
// A bad delivery is one field away: a wrong Secret, no Secret at all, an Event without a Type, a Body
// that is no envelope. Send delivers it once, SendDuplicates several times at once, as Gleap's repeats
// can arrive.
type Webhook struct {
	// Event is what is delivered: its Type, ProjectID and Data make the envelope (see SampleEvent).
	Event webhook.Event
	// Body, when set, is sent as it is instead of Event's envelope: a delivery received before
	// (Event.Body), or a malformed one.
	Body []byte
	// Secret is the shared secret; "" sends none.
	Secret string
	// SecretParameter, when set, sends Secret in this query parameter of the URL, such as
	// webhook.SecretQueryParameter, rather than in the header webhook.SecretHeader.
	SecretParameter string
}

// Send delivers w to handler once, as a request to its root, and returns the answer. The answer's body
// is read whole already: closing it is not needed.
func (w Webhook) Send(handler http.Handler) *http.Response {
	return w.SendDuplicates(handler, 1)[0]
}

// SendDuplicates delivers w to handler n times at once, n at least 1, each on a goroutine of its own,
// and returns the answers in no particular order: the repeats of one event that a receiver must handle
// once. It panics when n is less than 1.
func (w Webhook) SendDuplicates(handler http.Handler, n int) []*http.Response {
	if n < 1 {
		panic(fmt.Sprintf("gleaptest: Webhook.SendDuplicates(handler, %d): want at least 1 delivery", n))
	}
	body, target := w.encode("/")
	answers := make([]*http.Response, n)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
			w.setHeaders(req)
			recorder := httptest.NewRecorder()
			handler.ServeHTTP(recorder, req)
			answers[i] = recorder.Result()
		})
	}
	wg.Wait()
	return answers
}

// Post delivers w to target, a URL, with client, and returns the answer, whose body the caller closes.
// The error never holds the secret, not even where target holds it in its query.
func (w Webhook) Post(ctx context.Context, client *http.Client, target string) (*http.Response, error) {
	body, withSecret := w.encode(target)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, withSecret, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gleaptest: the webhook URL is not a URL")
	}
	w.setHeaders(req)
	answer, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gleaptest: posting the webhook: %s", withoutURL(err, w.Secret))
	}
	return answer, nil
}

// encode returns the body of w, and target with the secret in its query where w puts it there: escaped
// (url.QueryEscape), in place of any value target gives the parameter, the rest of target's query kept
// as it is written.
func (w Webhook) encode(target string) ([]byte, string) {
	body := w.Body
	if body == nil {
		body = w.envelope()
	}
	if w.SecretParameter == "" {
		return body, target
	}
	parsed, err := url.Parse(target)
	if err != nil {
		return body, target
	}
	var kept []string
	for pair := range strings.SplitSeq(parsed.RawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if unescaped, err := url.QueryUnescape(name); pair != "" && (err != nil || unescaped != w.SecretParameter) {
			kept = append(kept, pair)
		}
	}
	parsed.RawQuery = strings.Join(append(kept, url.QueryEscape(w.SecretParameter)+"="+url.QueryEscape(w.Secret)), "&")
	return body, parsed.String()
}

// envelope returns the body of Event: its Data as it is, even when it is not JSON, which a test may want.
func (w Webhook) envelope() []byte {
	body := []byte(`{"event":` + string(jsonText(w.Event.Type)))
	if w.Event.ProjectID != "" {
		body = append(append(body, `,"projectId":`...), jsonText(w.Event.ProjectID)...)
	}
	if w.Event.Data != nil {
		body = append(append(body, `,"data":`...), w.Event.Data...)
	}
	return append(body, '}')
}

// setHeaders sets the headers of a delivery of w on req.
func (w Webhook) setHeaders(req *http.Request) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gleaptest")
	if w.Secret != "" && w.SecretParameter == "" {
		req.Header.Set(webhook.SecretHeader, w.Secret)
	}
}

// withoutURL returns the text of err, a failed request's, without the URL net/http puts in it (which may
// hold a secret in its query), and with secret replaced wherever else it is, in any spelling.
func withoutURL(err error, secret string) string {
	var urlErr *url.Error
	text := err.Error()
	if errors.As(err, &urlErr) {
		text = urlErr.Err.Error()
	}
	return redact.New(secret).Text(text)
}
