package gleaptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/webhook"
)

// WithWebhook makes the server post a webhook to target, an absolute http or https URL, whenever the
// API changes a ticket or stores a message, as Gleap posts to the URL set in its dashboard: POST
// /v3/tickets and /v3/tickets/compose post webhook.TicketCreated; PUT /v3/tickets/{ticketId}, and its
// archive, unarchive, snooze, link and unlink, post webhook.TicketUpdated; POST /v3/messages posts
// webhook.MessageCreated (gleaptest's own event: Gleap's name for it is not known). The data is the
// ticket or the message as the API answered with it, the project the request's. Requests answered with
// a fault, or refused, changed nothing and post nothing.
//
// secret, not empty, is sent in the header webhook.SecretHeader (a secret in target's query is sent as
// well, as it is part of the URL). Deliveries are posted one at a time, in the order of the changes, by
// a goroutine of the server's own: the API's answer never waits for them. A delivery that gets no
// answer, or a 408, 429 or 5xx, is tried again (WithWebhookRetries); any other answer ends it, and no
// redirect is followed (it would take the secret elsewhere). Close lets a try under way finish, within
// the 5 seconds it gives the requests in flight, and posts nothing more: the deliveries still pending
// fail, and the poster keeps no connection to target alive. Server.WebhookDeliveries records each one.
// Start fails when target is not such a URL, when secret is empty, or when target's query has a
// parameter webhook.SecretQueryParameter ("secret") that does not read as secret (write it escaped, as
// url.QueryEscape does: a receiver would refuse every delivery). `gleap mock --webhook` uses it.
func WithWebhook(target, secret string) Option {
	return func(c *config) { c.webhook.target, c.webhook.secret, c.webhook.set = target, secret, true }
}

// WithWebhookRetries tries each delivery of WithWebhook at most attempts times, 1 to 10, waiting
// firstWait, positive, before the second try and twice as long before each next one, at most 30
// seconds, instead of 5 tries from 1 second. A try that gets no answer within 15 seconds has failed.
func WithWebhookRetries(attempts int, firstWait time.Duration) Option {
	return func(c *config) { c.webhook.attempts, c.webhook.firstWait = attempts, firstWait }
}

// WithWebhookLog calls log with the record of a delivery of WithWebhook each time it changes: queued,
// after each try, and when it ends. It is called one call at a time, in the order of the changes, by the
// server's delivery goroutine, never by a request: the API's answer never waits for it. The changes a
// request makes (a delivery queued, or failed at once) are logged by that goroutine when it is not
// posting, before its next try; it waits for each call, so a log that blocks holds the deliveries up.
// When the log falls behind by more than 10,000 changes, those past them are not logged
// (Server.WebhookDeliveries still has them). Close returns once every change has been logged.
// `gleap mock` writes its webhook lines with it.
func WithWebhookLog(log func(WebhookDelivery)) Option {
	return func(c *config) { c.webhook.log = log }
}

// Bounds of the webhooks of WithWebhook, so that a receiver that is down, slow or absent cannot make
// the server grow or hang.
const (
	defaultWebhookAttempts  = 5
	defaultWebhookFirstWait = time.Second
	maxWebhookAttempts      = 10
	maxWebhookWait          = 30 * time.Second
	webhookAttemptTimeout   = 15 * time.Second
	// maxWebhookDeliveries is how many records of deliveries are kept, the newest.
	maxWebhookDeliveries = 1000
	// maxQueuedWebhooks and maxQueuedWebhookBytes bound the deliveries waiting to be posted; past
	// either, a change's delivery fails at once rather than wait.
	maxQueuedWebhooks     = 1000
	maxQueuedWebhookBytes = 16 << 20
	// maxWebhookErrorBytes bounds the text of a failed try that a record keeps.
	maxWebhookErrorBytes = 512
	// maxWebhookObjectIDBytes bounds the object id that a record keeps.
	maxWebhookObjectIDBytes = 64
	// maxUnloggedWebhookChanges bounds the changes that wait for WithWebhookLog; past it, a change is not
	// logged.
	maxUnloggedWebhookChanges = 10_000
)

// webhookBounds bound what a poster keeps: maxWebhookDeliveries, maxQueuedWebhooks,
// maxQueuedWebhookBytes and maxUnloggedWebhookChanges, smaller in tests.
type webhookBounds struct {
	records, queued, queuedBytes, unlogged int
}

// webhookConfig is what WithWebhook, WithWebhookRetries and WithWebhookLog configure.
type webhookConfig struct {
	set            bool
	target, secret string
	attempts       int
	firstWait      time.Duration
	log            func(WebhookDelivery)
}

// WebhookState is where a delivery of WithWebhook stands.
type WebhookState string

// The states of a delivery.
const (
	// WebhookPending: the delivery waits for its turn, or for its next try.
	WebhookPending WebhookState = "pending"
	// WebhookDelivered: the receiver answered a try with a 2xx status.
	WebhookDelivered WebhookState = "delivered"
	// WebhookFailed: the delivery ended without a 2xx answer (see Failure and the last attempt).
	WebhookFailed WebhookState = "failed"
)

// WebhookDelivery is the record of one webhook the server posts (WithWebhook), as
// Server.WebhookDeliveries returns it: a copy, safe to keep. It holds neither the URL nor the secret.
type WebhookDelivery struct {
	// Seq numbers the deliveries from 1, in the order of the changes that made them.
	Seq uint64
	// Event is the event's type, such as webhook.TicketCreated.
	Event string
	// ObjectID is the id of the ticket or message the event is about (its first 64 bytes).
	ObjectID string
	// State says whether the delivery is pending, delivered or failed.
	State WebhookState
	// Attempts are its tries so far, oldest first.
	Attempts []WebhookAttempt
	// Failure says why a failed delivery ended, such as "the receiver answered 401" or "the server
	// closed before the webhook was delivered". It is "" while the delivery is pending or once delivered.
	Failure string
}

// WebhookAttempt is one try of a delivery.
type WebhookAttempt struct {
	// At is when the try started, by the wall clock.
	At time.Time
	// Status is the status the receiver answered with, 0 when no answer came.
	Status int
	// Error says why no answer came, such as "connection refused" (its first 512 bytes); "" when one
	// came. It holds neither the URL nor the secret.
	Error string
}

// queuedWebhook is a delivery waiting for its turn.
type queuedWebhook struct {
	record *WebhookDelivery
	event  webhook.Event
}

// size returns what the queue counts for q: the event's bytes.
func (q queuedWebhook) size() int {
	return len(q.event.Type) + len(q.event.ProjectID) + len(q.event.Data)
}

// webhookPoster posts the webhooks of WithWebhook, one at a time, from a goroutine of its own, and keeps
// the records of the newest deliveries.
type webhookPoster struct {
	target, secret string
	attempts       int
	firstWait      time.Duration
	bounds         webhookBounds
	client         *http.Client
	changes        *changes // the server's: a change to a record is a change a view of the server shows
	stop           context.CancelFunc
	stopped        context.Context // ended by close: no try starts after it, and no wait goes on
	abort          context.CancelFunc
	aborted        context.Context // ended when close has waited closeGrace: the try under way is cut off
	closeGrace     time.Duration   // shutdownGrace, shorter in tests
	// pause waits d before a next try and reports whether to go on: false once the poster is closed.
	// Tests replace it to see the waits without spending them.
	pause func(d time.Duration) bool
	done  chan struct{} // closed when the goroutine has ended
	wake  chan struct{} // holds a token when the queue may have grown

	log func(WebhookDelivery) // called by the poster's goroutine only

	mu          sync.Mutex
	queue       []queuedWebhook // oldest first
	queuedBytes int
	records     []*WebhookDelivery // the newest maxWebhookDeliveries, oldest first
	lastSeq     uint64
	unlogged    []WebhookDelivery // the changes log has not been called with yet, oldest first
}

// newWebhookPoster returns the poster c describes, nil when c has no webhook, or an error when c is
// not a valid one. It never names the secret.
func newWebhookPoster(c webhookConfig, changes *changes) (*webhookPoster, error) {
	if !c.set {
		return nil, nil
	}
	parsed, err := url.Parse(c.target)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return nil, fmt.Errorf("gleaptest: WithWebhook: want an absolute http or https URL")
	}
	if c.secret == "" {
		return nil, fmt.Errorf("gleaptest: WithWebhook: the secret is empty")
	}
	for _, inQuery := range parsed.Query()[webhook.SecretQueryParameter] {
		if inQuery != c.secret {
			return nil, fmt.Errorf("gleaptest: WithWebhook: the URL's query parameter %q does not read as the secret: "+
				"write the secret escaped (url.QueryEscape), or leave it out: it is sent in the header %s",
				webhook.SecretQueryParameter, webhook.SecretHeader)
		}
	}
	if c.attempts == 0 && c.firstWait == 0 {
		c.attempts, c.firstWait = defaultWebhookAttempts, defaultWebhookFirstWait
	}
	if c.attempts < 1 || c.attempts > maxWebhookAttempts || c.firstWait <= 0 {
		return nil, fmt.Errorf("gleaptest: WithWebhookRetries(%d, %v): want 1 to %d attempts and a positive wait",
			c.attempts, c.firstWait, maxWebhookAttempts)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // the secret goes to the receiver, and nowhere else
	stopped, stop := context.WithCancel(context.Background())
	aborted, abort := context.WithCancel(context.Background())
	p := &webhookPoster{
		target: c.target, secret: c.secret, attempts: c.attempts, firstWait: c.firstWait, log: c.log,
		bounds: webhookBounds{records: maxWebhookDeliveries, queued: maxQueuedWebhooks, queuedBytes: maxQueuedWebhookBytes,
			unlogged: maxUnloggedWebhookChanges},
		client: &http.Client{Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		changes: changes, stop: stop, stopped: stopped, abort: abort, aborted: aborted, closeGrace: shutdownGrace,
		done: make(chan struct{}), wake: make(chan struct{}, 1),
	}
	p.pause = p.wait
	return p, nil
}

// wait waits d, logging the changes requests make meanwhile, and reports whether the poster is still
// open.
func (p *webhookPoster) wait(d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return true
		case <-p.stopped.Done():
			return false
		case <-p.wake: // next finds a delivery queued meanwhile in the queue, not by this token
			p.flushLog()
		}
	}
}

// start begins posting.
func (p *webhookPoster) start() {
	if p == nil {
		return
	}
	go p.run()
}

// close stops posting: no try starts after it, and every pending delivery fails. A try under way may
// finish within closeGrace, as the API's requests in flight may; then it is cut off. It waits for the
// goroutine to end: every change logged, and the idle connections closed (the one a try just left as
// soon as the transport takes it back).
func (p *webhookPoster) close() {
	if p == nil {
		return
	}
	p.stop()
	grace := time.NewTimer(p.closeGrace)
	defer grace.Stop()
	select {
	case <-p.done:
	case <-grace.C:
		p.abort()
		<-p.done
	}
	p.abort() // let the context go
}

// webhookEventOf returns the event a successful request method path posts, "" for none.
func webhookEventOf(method, path string) string {
	switch {
	case method == http.MethodPost && (path == ticketsPath || path == ticketsPath+"/compose"):
		return webhook.TicketCreated
	case method == http.MethodPost && path == messagesPath:
		return webhook.MessageCreated
	case method != http.MethodPut:
		return ""
	}
	rest, ok := strings.CutPrefix(path, ticketsPath+"/")
	ticketID, action, _ := strings.Cut(rest, "/")
	switch {
	case !ok || ticketID == "" || ticketID == "merge":
		return ""
	case action == "", slices.Contains([]string{"archive", "unarchive", "snooze", "link", "unlink"}, action):
		return webhook.TicketUpdated
	}
	return ""
}

// routeAndNotify answers r as route does and, when the answer tells of a change WithWebhook posts, queues
// its webhook: the answer does not wait for it.
func (s *Server) routeAndNotify(r *http.Request, body []byte) answer {
	a := s.route(r, body)
	if s.webhooks == nil || a.status < 200 || a.status > 299 {
		return a
	}
	if eventType := webhookEventOf(r.Method, r.URL.Path); eventType != "" {
		s.webhooks.enqueue(webhook.Event{Type: eventType, ProjectID: r.Header.Get("Project"), Data: bytes.Clone(a.body)})
	}
	return a
}

// enqueue records a delivery of event and queues it, or fails it at once when the queue is full or the
// data is no object (an answer without the changed ticket, which a receiver could not read).
func (p *webhookPoster) enqueue(event webhook.Event) {
	var object struct {
		ID         json.RawMessage `json:"id"`
		DocumentID json.RawMessage `json:"_id"`
	}
	isObject := bytes.HasPrefix(bytes.TrimSpace(event.Data), []byte("{")) && json.Unmarshal(event.Data, &object) == nil
	var objectID string
	if json.Unmarshal(object.ID, &objectID) != nil || objectID == "" {
		_ = json.Unmarshal(object.DocumentID, &objectID) // an id of another type is not recorded
	}
	item := queuedWebhook{event: event}
	p.change(func() *WebhookDelivery {
		p.lastSeq++
		item.record = &WebhookDelivery{Seq: p.lastSeq, Event: event.Type, ObjectID: clip(objectID, maxWebhookObjectIDBytes), State: WebhookPending}
		p.records = append(p.records, item.record)
		if len(p.records) > p.bounds.records {
			p.records[0] = nil // the backing array outlives the slice's start: let the record go
			p.records = p.records[1:]
		}
		switch {
		case !isObject:
			item.record.State, item.record.Failure = WebhookFailed, "the API's answer holds no object to post"
		case len(p.queue) >= p.bounds.queued || p.queuedBytes+item.size() > p.bounds.queuedBytes:
			item.record.State, item.record.Failure = WebhookFailed, "too many webhooks wait to be posted"
		default:
			p.queue = append(p.queue, item)
			p.queuedBytes += item.size()
		}
		return item.record
	})
	select {
	case p.wake <- struct{}{}:
	default: // a token is there already
	}
}

// run posts the queued deliveries one at a time until the poster is closed, then closes its connections:
// a kept-alive one would outlive the server, with the transport's goroutines.
func (p *webhookPoster) run() {
	defer close(p.done)
	defer p.client.CloseIdleConnections() // and the one a try just left, once the transport takes it back
	for {
		item, ok := p.next()
		if !ok {
			p.failQueued()
			return
		}
		p.deliver(item)
	}
}

// next takes the oldest queued delivery, waiting for one and logging the changes requests make
// meanwhile; false once the poster is closed.
func (p *webhookPoster) next() (queuedWebhook, bool) {
	for {
		p.flushLog()
		p.mu.Lock()
		if len(p.queue) > 0 && p.stopped.Err() == nil {
			item := p.queue[0]
			p.queue[0] = queuedWebhook{}
			p.queue = p.queue[1:]
			p.queuedBytes -= item.size()
			p.mu.Unlock()
			return item, true
		}
		p.mu.Unlock()
		select {
		case <-p.wake:
		case <-p.stopped.Done():
			return queuedWebhook{}, false
		}
	}
}

// deliver tries item until it is delivered, the receiver answers what another try cannot change, the
// tries run out, or the poster is closed.
func (p *webhookPoster) deliver(item queuedWebhook) {
	wait := p.firstWait
	for attempt := 1; ; attempt++ {
		tried := WebhookAttempt{At: time.Now()}
		tried.Status, tried.Error = p.try(item.event)
		failure := ""
		switch {
		case tried.Status >= 200 && tried.Status <= 299:
		case tried.Status >= 300 && tried.Status <= 399:
			failure = fmt.Sprintf("the receiver answered %d, and redirects are not followed", tried.Status)
		case tried.Status != 0 && !retryableWebhookStatus(tried.Status):
			failure = fmt.Sprintf("the receiver answered %d", tried.Status)
		case p.stopped.Err() != nil:
			failure = "the server closed before the webhook was delivered"
		case attempt == p.attempts:
			failure = fmt.Sprintf("no try of %d was answered with 2xx", p.attempts)
		}
		p.settle(item.record, tried, failure, attempt == p.attempts || failure != "")
		if item.record.State != WebhookPending {
			return
		}
		if !p.pause(wait) {
			p.fail(item.record, "the server closed before the webhook was delivered")
			return
		}
		wait = min(2*wait, maxWebhookWait)
	}
}

// retryableWebhookStatus reports whether another try may get another answer than status, an answer.
func retryableWebhookStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

// try posts event once and returns the answer's status, or 0 and why no answer came.
func (p *webhookPoster) try(event webhook.Event) (int, string) {
	ctx, cancel := context.WithTimeout(p.aborted, webhookAttemptTimeout)
	defer cancel()
	answer, err := Webhook{Event: event, Secret: p.secret}.Post(ctx, p.client, p.target)
	if err != nil {
		return 0, clip(strings.TrimPrefix(err.Error(), "gleaptest: posting the webhook: "), maxWebhookErrorBytes)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(answer.Body, 64<<10)) // read, so that the connection is kept
	_ = answer.Body.Close()
	return answer.StatusCode, ""
}

// settle records tried on record, and ends the delivery when the try was answered with 2xx, or with
// failure when it is not "" (the last try ends it in any case). It logs the change, with those before it.
func (p *webhookPoster) settle(record *WebhookDelivery, tried WebhookAttempt, failure string, last bool) {
	defer p.flushLog()
	p.change(func() *WebhookDelivery {
		record.Attempts = append(record.Attempts, tried)
		switch {
		case tried.Status >= 200 && tried.Status <= 299:
			record.State = WebhookDelivered
		case last:
			record.State, record.Failure = WebhookFailed, failure
		}
		return record
	})
}

// fail ends the delivery of record with failure, and logs the change, with those before it.
func (p *webhookPoster) fail(record *WebhookDelivery, failure string) {
	defer p.flushLog()
	p.change(func() *WebhookDelivery {
		record.State, record.Failure = WebhookFailed, failure
		return record
	})
}

// failQueued fails every delivery still queued: the poster is closed.
func (p *webhookPoster) failQueued() {
	p.mu.Lock()
	queued := p.queue
	p.queue, p.queuedBytes = nil, 0
	p.mu.Unlock()
	for _, item := range queued {
		p.fail(item.record, "the server closed before the webhook was posted")
	}
}

// change makes edit, a change to the records (and the queue) that returns the record it changed, under
// the lock, and keeps the record as edit left it for the log, in the order of the changes; then it tells
// whoever follows the server. It never calls the log: a request calls it, and must not wait for the log.
func (p *webhookPoster) change(edit func() *WebhookDelivery) {
	p.mu.Lock()
	changed := edit()
	if p.log != nil && len(p.unlogged) < p.bounds.unlogged {
		p.unlogged = append(p.unlogged, cloneDelivery(changed))
	}
	p.mu.Unlock()
	p.changes.bump()
}

// flushLog calls the log with each change not logged yet, oldest first. Only the poster's goroutine
// calls it, so that the log is called one call at a time, in the order of the changes.
func (p *webhookPoster) flushLog() {
	for {
		p.mu.Lock()
		if len(p.unlogged) == 0 {
			p.unlogged = nil // let the backing array go
			p.mu.Unlock()
			return
		}
		changed := p.unlogged[0]
		p.unlogged[0] = WebhookDelivery{}
		p.unlogged = p.unlogged[1:]
		p.mu.Unlock()
		p.log(changed)
	}
}

// cloneDelivery returns a copy of record that shares nothing with it. The caller holds the lock of the
// poster record is in.
func cloneDelivery(record *WebhookDelivery) WebhookDelivery {
	c := *record
	c.Attempts = slices.Clone(record.Attempts)
	return c
}

// WebhookDeliveries returns the records of the webhooks the server posted or is posting (WithWebhook),
// oldest first: the newest 1,000 of them. It returns nil without WithWebhook. A change to a record
// counts as a change of the server, as a request does, for whoever follows the server's changes (the
// inbox's live updates).
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	p := s.webhooks
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	deliveries := make([]WebhookDelivery, len(p.records))
	for i, record := range p.records {
		deliveries[i] = cloneDelivery(record)
	}
	return deliveries
}

// clear forgets the records of the deliveries; the ones under way go on, unrecorded.
func (p *webhookPoster) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.records) // the backing array may outlive the slice: let the records go
	p.records = p.records[:0]
}

// clip returns at most the first max bytes of text, cut where a rune starts.
func clip(text string, max int) string {
	if len(text) <= max {
		return text
	}
	return strings.ToValidUTF8(text[:max], "")
}
