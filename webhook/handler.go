package webhook

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Handler receives Gleap's webhooks: an http.Handler to mount at the URL given to Gleap. For each
// delivery it
//   - checks the shared secret (see SecretHeader), in constant time: a delivery without it, or with
//     another, is answered 401 and never reaches the callback;
//   - refuses anything but POST (405) and a body over the cap (413, WithMaxBodyBytes) without reading it
//     on;
//   - decodes the envelope (Parse): a body that is none is answered 400;
//   - drops a repeat of a delivery it handled (the same project, event and data, whatever the order of
//     the data's keys and its spacing) within the duplicate window (WithDuplicateWindow), answering 200
//     without calling the callback; a repeat that arrives while the first is being handled waits for it;
//   - calls the callback, and answers 200 when it returns nil. When it returns an error, panics, ends
//     its goroutine (runtime.Goexit, as t.FailNow does), or has not returned within the callback
//     timeout (WithCallbackTimeout), the answer is 500 (503 for the timeout), which tells the sender to
//     try again: such a delivery is not remembered as handled, so the next try runs the callback again.
//     The timeout counts from the delivery's arrival, the wait for a repeat's first included: no
//     delivery is answered later than that. While WithMaxCallbacks callbacks have not returned, a
//     delivery of another event is answered 503 at once.
//
// The answers say which of these happened in a short text that never repeats the secret or the body.
// A Handler is safe for concurrent use.
type Handler struct {
	secret   secretCheck
	handle   func(context.Context, *Event) error
	settings settings
	seen     *deliveries
}

// NewHandler returns a Handler that checks deliveries against secret and calls handle with each
// verified, new event. secret must be at least 16 bytes of visible ASCII (letters, digits and
// punctuation, no spaces), so that it can be sent in a header; while the Handler reads it from the query
// too (SecretQueryParameter, the default), it must not hold # % & + or ;, which a URL's query does not
// carry as they are (openssl rand -hex 16 makes a good one). handle must not be nil. The error, for bad
// arguments or options, never repeats the secret.
//
// handle gets a context that ends when the delivery's callback timeout (10 seconds by default) is over,
// and that keeps the request's values but not its cancellation: the work goes on when the sender hangs
// up. It may be called concurrently, for different events.
func NewHandler(secret string, handle func(ctx context.Context, event *Event) error, opts ...Option) (*Handler, error) {
	if handle == nil {
		return nil, errors.New("webhook: NewHandler: the callback is nil")
	}
	s := defaultSettings()
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	if err := checkSecret(secret, s.secretParameter != ""); err != nil {
		return nil, err
	}
	return &Handler{
		secret:   secretCheck{digest: sha256.Sum256([]byte(secret)), header: s.secretHeader, parameter: s.secretParameter},
		handle:   handle,
		settings: s,
		seen:     newDeliveries(s.duplicateTTL, s.maxRemembered, s.maxCallbacks, s.now),
	}, nil
}

// What became of a delivery, as the log line of WithLogger says it.
const (
	outcomeHandled         = "handled"
	outcomeDuplicate       = "duplicate"
	outcomeSecretMissing   = "secret missing"
	outcomeSecretWrong     = "secret wrong"
	outcomeMethod          = "method not allowed"
	outcomeTooLarge        = "too large"
	outcomeUnreadable      = "unreadable"
	outcomeMalformed       = "malformed"
	outcomeCallbackFailed  = "callback failed"
	outcomeCallbackPanic   = "callback panicked"
	outcomeCallbackExit    = "callback exited"
	outcomeCallbackTimeout = "callback timed out"
	outcomeOverloaded      = "too many callbacks"
)

// reply is the answer to one delivery, and what became of it.
type reply struct {
	status  int
	text    string
	outcome string
}

// ServeHTTP handles one delivery, as the doc of Handler says.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event, answer := h.receive(w, r)
	if answer.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", http.MethodPost)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(answer.status)
	_, _ = io.WriteString(w, answer.text+"\n")
	h.log(r.Context(), answer, event, time.Since(start))
}

// receive checks, reads and handles one delivery, and returns its event (nil when it has none) and the
// answer.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request) (*Event, reply) {
	switch h.secret.verify(r) {
	case secretMissing:
		return nil, reply{http.StatusUnauthorized, "the webhook secret is missing", outcomeSecretMissing}
	case secretWrong:
		return nil, reply{http.StatusUnauthorized, "the webhook secret is wrong", outcomeSecretWrong}
	}
	if r.Method != http.MethodPost {
		return nil, reply{http.StatusMethodNotAllowed, "a webhook is delivered with POST", outcomeMethod}
	}
	tooLarge := reply{http.StatusRequestEntityTooLarge,
		"the delivery is larger than " + strconv.FormatInt(h.settings.maxBodyBytes, 10) + " bytes", outcomeTooLarge}
	if r.ContentLength > h.settings.maxBodyBytes {
		return nil, tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.settings.maxBodyBytes))
	var overCap *http.MaxBytesError
	switch {
	case errors.As(err, &overCap):
		return nil, tooLarge
	case err != nil:
		return nil, reply{http.StatusBadRequest, "the body could not be read", outcomeUnreadable}
	}
	event, err := Parse(body)
	if err != nil {
		return nil, reply{http.StatusBadRequest, err.Error(), outcomeMalformed} // Parse's errors never quote the body
	}
	return event, h.handleOnce(r.Context(), event)
}

// handleOnce calls the callback with event unless a delivery of the same event was handled, waiting
// for one that is being handled. It answers within the callback timeout, the wait included.
func (h *Handler) handleOnce(ctx context.Context, event *Event) reply {
	key := keyOf(event)
	deadline := time.Now().Add(h.settings.callbackTimeout)
	waiting, stopWaiting := context.WithDeadline(ctx, deadline)
	defer stopWaiting()
	for {
		state, done := h.seen.claim(key)
		switch state {
		case handledBefore:
			return reply{http.StatusOK, "handled before", outcomeDuplicate}
		case claimed:
			return h.call(ctx, deadline, key, event)
		case overloaded:
			return reply{http.StatusServiceUnavailable, "too many events are being handled: try again later", outcomeOverloaded}
		}
		select {
		case <-done: // the other delivery's callback returned: it was handled, or this one tries
		case <-waiting.Done():
			if ctx.Err() != nil {
				return reply{http.StatusServiceUnavailable, "the sender went away", outcomeCallbackTimeout}
			}
			return reply{http.StatusServiceUnavailable, "the same event is still being handled: try again later", outcomeCallbackTimeout}
		}
	}
}

// pastDeadline reports whether the deadline of ctx has passed, even where ctx was canceled before its
// timer fired.
func pastDeadline(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ok && !time.Now().Before(deadline)
}

// The failures of a callback that returned no error of its own, which are answered as failures.
var (
	errCallbackPanicked = errors.New("the callback panicked")
	errCallbackExited   = errors.New("the callback ended its goroutine") // runtime.Goexit, as t.FailNow calls
)

// call runs the callback for the delivery key, which the caller claimed, until deadline, and finishes the
// claim when it returns, however late, or ends its goroutine. The answer waits at most until deadline.
func (h *Handler) call(parent context.Context, deadline time.Time, key deliveryKey, event *Event) reply {
	ctx, cancel := context.WithDeadline(context.WithoutCancel(parent), deadline)
	result := make(chan error, 1)
	go func() {
		err := errCallbackExited // what is left when the callback calls runtime.Goexit: the defers run, nothing else
		defer func() {
			h.seen.finish(key, err == nil)
			result <- err
			cancel() // last: the answer tells a callback that returned from one that ran out of time by ctx
		}()
		err = h.callback(ctx, event)
	}()
	timedOut := reply{http.StatusServiceUnavailable, "the event is still being handled: try again later", outcomeCallbackTimeout}
	var err error
	select {
	case err = <-result:
	case <-ctx.Done():
		select {
		case err = <-result: // it returned as its time ran out
		default:
			return timedOut
		}
	}
	failed := reply{http.StatusInternalServerError, "the event could not be handled: try again", outcomeCallbackFailed}
	switch {
	case err != nil && pastDeadline(ctx): // it failed as its time ran out
		return timedOut
	case errors.Is(err, errCallbackPanicked):
		failed.outcome = outcomeCallbackPanic
	case errors.Is(err, errCallbackExited):
		failed.outcome = outcomeCallbackExit
	case err == nil:
		return reply{http.StatusOK, "handled", outcomeHandled}
	}
	return failed
}

// callback calls handle, turning a panic into errCallbackPanicked: it runs on a goroutine of its own,
// where a panic would end the program.
func (h *Handler) callback(ctx context.Context, event *Event) (err error) {
	defer func() {
		if recover() != nil {
			err = errCallbackPanicked
		}
	}()
	return h.handle(ctx, event)
}

// log writes the line of WithLogger for one delivery: never a header, the query, the body or an error's
// text, which may hold the secret or a customer's words.
func (h *Handler) log(ctx context.Context, answer reply, event *Event, took time.Duration) {
	logger := h.settings.logger
	if logger == nil {
		return
	}
	attrs := []slog.Attr{slog.Int("status", answer.status), slog.String("outcome", answer.outcome)}
	if event != nil {
		attrs = append(attrs, slog.String("event", event.Type), slog.String("project", event.ProjectID))
	}
	attrs = append(attrs, slog.Duration("duration", took))
	level := slog.LevelInfo
	switch {
	case answer.status >= 500:
		level = slog.LevelError
	case answer.status >= 400:
		level = slog.LevelWarn
	}
	logger.LogAttrs(ctx, level, "gleap webhook", attrs...)
}
