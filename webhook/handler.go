package webhook

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
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
//   - drops a repeat of a delivery it handled (the same project, event, object id and updatedAt) within
//     the duplicate window (WithDuplicateWindow), answering 200 without calling the callback; a repeat
//     that arrives while the first is being handled waits for it;
//   - calls the callback, and answers 200 when it returns nil. When it returns an error, panics, or
//     has not returned within the callback timeout (WithCallbackTimeout), the answer is 500 (503 for
//     the timeout), which tells the sender to try again: such a delivery is not remembered as handled,
//     so the next try runs the callback again.
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
// punctuation, no spaces), so that it can be sent in a header and written into a URL; handle must not
// be nil. The error, for bad arguments or options, never repeats the secret.
//
// handle gets a context that ends after the callback timeout (10 seconds by default), and that keeps the
// request's values but not its cancellation: the work goes on when the sender hangs up. It may be called
// concurrently, for different events.
func NewHandler(secret string, handle func(ctx context.Context, event *Event) error, opts ...Option) (*Handler, error) {
	if err := checkSecret(secret); err != nil {
		return nil, err
	}
	if handle == nil {
		return nil, errors.New("webhook: NewHandler: the callback is nil")
	}
	s := defaultSettings()
	if err := s.apply(opts); err != nil {
		return nil, err
	}
	return &Handler{
		secret:   secretCheck{digest: sha256.Sum256([]byte(secret)), header: s.secretHeader, parameter: s.secretParameter},
		handle:   handle,
		settings: s,
		seen:     newDeliveries(s.duplicateTTL, s.maxRemembered, s.now),
	}, nil
}

// checkSecret refuses a secret that is too short to resist guessing, or that a header or a URL cannot
// carry as it is. It never repeats the secret.
func checkSecret(secret string) error {
	if len(secret) < minSecretBytes {
		return fmt.Errorf("webhook: the secret is %d bytes long, want at least %d", len(secret), minSecretBytes)
	}
	for i := 0; i < len(secret); i++ {
		if secret[i] <= ' ' || secret[i] > '~' {
			return fmt.Errorf("webhook: the secret holds a byte other than visible ASCII at offset %d", i)
		}
	}
	return nil
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
	outcomeCallbackTimeout = "callback timed out"
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
// for one that is being handled.
func (h *Handler) handleOnce(ctx context.Context, event *Event) reply {
	key := keyOf(event)
	timeout := time.NewTimer(h.settings.callbackTimeout)
	defer timeout.Stop()
	for {
		state, done := h.seen.claim(key)
		switch state {
		case handledBefore:
			return reply{http.StatusOK, "handled before", outcomeDuplicate}
		case claimed:
			return h.call(ctx, key, event)
		}
		select {
		case <-done: // the other delivery's callback returned: it was handled, or this one tries
		case <-timeout.C:
			return reply{http.StatusServiceUnavailable, "the same event is still being handled: try again later", outcomeCallbackTimeout}
		case <-ctx.Done():
			return reply{http.StatusServiceUnavailable, "the sender went away", outcomeCallbackTimeout}
		}
	}
}

// pastDeadline reports whether the deadline of ctx has passed, even where ctx was canceled before its
// timer fired.
func pastDeadline(ctx context.Context) bool {
	deadline, ok := ctx.Deadline()
	return ok && !time.Now().Before(deadline)
}

// errCallbackPanicked stands for a panic of the callback, which is answered as a failure.
var errCallbackPanicked = errors.New("the callback panicked")

// call runs the callback for the delivery key, which the caller claimed, and finishes the claim when it
// returns, however late. The answer waits at most the callback timeout.
func (h *Handler) call(parent context.Context, key deliveryKey, event *Event) reply {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), h.settings.callbackTimeout)
	result := make(chan error, 1)
	go func() {
		defer cancel()
		err := h.callback(ctx, event)
		h.seen.finish(key, err == nil)
		result <- err
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
	switch {
	case err != nil && pastDeadline(ctx): // it failed as its time ran out
		return timedOut
	case errors.Is(err, errCallbackPanicked):
		return reply{http.StatusInternalServerError, "the event could not be handled: try again", outcomeCallbackPanic}
	case err != nil:
		return reply{http.StatusInternalServerError, "the event could not be handled: try again", outcomeCallbackFailed}
	}
	return reply{http.StatusOK, "handled", outcomeHandled}
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
