package wrapper

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gleap-community/gleap-go/api"
)

// Defaults of a Tracker made with a zero TrackerOptions.
const (
	// DefaultTrackerBatchSize is how many events a request carries at most.
	DefaultTrackerBatchSize = 100
	// DefaultTrackerFlushInterval is how long an event waits at most for its batch to fill, as Gleap's
	// admin SDK sends what it gathered every 2.5 seconds.
	DefaultTrackerFlushInterval = 2500 * time.Millisecond
	// defaultTrackerBuffers is how many batches the buffer holds by default.
	defaultTrackerBuffers = 10
)

// ErrTrackerFull is returned by Tracker.Track when the buffer is full and TrackerOptions.RefuseWhenFull
// is set: the event was not taken.
var ErrTrackerFull = errors.New("gleap: the tracker's buffer is full")

// ErrTrackerClosed is returned by Tracker.Track after Close began (the event was not taken), and wrapped
// by the TrackError of the events a Close whose context ended did not send.
var ErrTrackerClosed = errors.New("gleap: the tracker is closed")

// TrackerOptions configures a Tracker. OnError is required; every other zero value means its default.
type TrackerOptions struct {
	// BatchSize is how many events a request carries at most: 0 means DefaultTrackerBatchSize, at most
	// MaxEventsPerRequest. A batch is cut earlier when it would encode to more than MaxRequestBytes.
	BatchSize int
	// FlushInterval is how long an event waits at most for its batch to fill before what is buffered is
	// sent anyway: 0 means DefaultTrackerFlushInterval.
	FlushInterval time.Duration
	// BufferSize is how many events the tracker holds at most, the batch being sent included: 0 means ten
	// batches. It bounds the tracker's memory whatever the server does.
	BufferSize int
	// RefuseWhenFull makes Track return ErrTrackerFull at once when the buffer is full. Without it, Track
	// waits for room, as long as its context allows.
	RefuseWhenFull bool
	// OnError is called with every batch that failed, from the tracker's one sending goroutine, one call
	// at a time: an event the tracker took is either sent or handed to OnError, never dropped. It must not
	// call the tracker's Flush or Close, which wait for it.
	OnError func(*TrackError)
}

// TrackError is a batch of events a Tracker could not send, handed to TrackerOptions.OnError.
type TrackError struct {
	// Events are the batch's events, as they were sent (names normalised, dates set).
	Events []Event
	// Err is why: a *RequestError (its OutcomeUnknown says whether Gleap may have recorded the events
	// anyway), or an error wrapping ErrTrackerClosed for events that a Close whose context ended did not
	// send.
	Err error
}

// Error says how many events failed, and why.
func (e *TrackError) Error() string {
	return fmt.Sprintf("gleap: %d events not tracked: %v", len(e.Events), e.Err)
}

// Unwrap returns Err.
func (e *TrackError) Unwrap() error {
	return e.Err
}

// Tracker sends events of contacts to Gleap in batches, in the background (POST /admin/track, as
// Contacts.Track): Track checks an event and buffers it, and one goroutine sends a batch when
// BatchSize events are buffered, when an event has waited FlushInterval, on Flush and on Close. Its
// requests go through the client, so they share its pacing under the rate limit, its retries and its
// options: at Gleap's 1000 requests a minute, batches of 100 carry up to 100,000 events a minute.
//
// The buffer is bounded: when it holds BufferSize events, Track waits for room (or refuses, with
// RefuseWhenFull), so a slow or failing Gleap slows the caller down rather than filling the memory.
// No event is dropped silently: one that Track took is sent, or handed to OnError with the reason,
// also when Close's context ends before it was sent. A Tracker is safe for concurrent use; Close it to
// send what it holds and stop its goroutine.
type Tracker struct {
	contacts  *ContactsService
	options   TrackerOptions
	callOpts  []Option
	ticks     <-chan time.Time
	stopTicks func()
	// sendCtx is the context of the tracker's requests; Close cancels it when its own context ends.
	sendCtx context.Context
	cancel  context.CancelFunc
	wake    chan struct{} // nudges the sender: a batch is full, a flush or a close is asked for
	stopped chan struct{} // closed when the sender has finished

	mu       sync.Mutex
	buffer   []queuedEvent // taken, not yet sent, oldest first
	accepted uint64        // events taken so far
	finished uint64        // events sent or handed to OnError so far, oldest first
	flushTo  uint64        // every event taken up to here is to be sent now
	closed   bool
	closeErr error         // why Close stopped the sending, when its context ended
	changed  chan struct{} // closed and replaced at every change Track, Flush and Close wait for
}

// queuedEvent is an event in the buffer, with what it adds to a request's body.
type queuedEvent struct {
	event Event
	size  int
}

// NewTracker starts a Tracker that sends events through the client's engine, with opts applied to each
// of its requests (WithTimeout, WithMaxRetries, ...). options are checked first: a problem is a
// *ValidationError, and no tracker starts.
func (c *ContactsService) NewTracker(options TrackerOptions, opts ...Option) (*Tracker, error) {
	return c.newTracker(options, opts, nil)
}

// newTracker is NewTracker, its flush interval ticking on ticks; nil ticks every FlushInterval.
func (c *ContactsService) newTracker(options TrackerOptions, opts []Option, ticks <-chan time.Time) (*Tracker, error) {
	if err := checkTrackerOptions(&options); err != nil {
		return nil, err
	}
	if _, err := c.engine.prepare(context.Background(), opts); err != nil {
		return nil, err
	}
	stopTicks := func() {}
	if ticks == nil {
		ticker := time.NewTicker(options.FlushInterval)
		ticks, stopTicks = ticker.C, ticker.Stop
	}
	sendCtx, cancel := context.WithCancel(context.Background())
	t := &Tracker{
		contacts: c, options: options, callOpts: opts, ticks: ticks, stopTicks: stopTicks,
		sendCtx: sendCtx, cancel: cancel, wake: make(chan struct{}, 1), stopped: make(chan struct{}),
		buffer: make([]queuedEvent, 0, options.BufferSize), changed: make(chan struct{}),
	}
	go t.run()
	return t, nil
}

// checkTrackerOptions puts the defaults into options and checks them.
func checkTrackerOptions(options *TrackerOptions) error {
	if options.BatchSize == 0 {
		options.BatchSize = DefaultTrackerBatchSize
	}
	if options.FlushInterval == 0 {
		options.FlushInterval = DefaultTrackerFlushInterval
	}
	if options.BufferSize == 0 {
		options.BufferSize = defaultTrackerBuffers * options.BatchSize
	}
	switch {
	case options.BatchSize < 0 || options.BatchSize > MaxEventsPerRequest:
		return &ValidationError{Field: "BatchSize", Problem: fmt.Sprintf("must be between 1 and %d, or 0 for %d", MaxEventsPerRequest, DefaultTrackerBatchSize)}
	case options.FlushInterval < 0:
		return &ValidationError{Field: "FlushInterval", Problem: "must not be negative"}
	case options.BufferSize < 0:
		return &ValidationError{Field: "BufferSize", Problem: "must not be negative"}
	case options.OnError == nil:
		return &ValidationError{Field: "OnError", Problem: "must be set: it is told of every batch that could not be sent"}
	}
	return nil
}

// Track checks event and takes it into the buffer, to be sent with its batch; it does not wait for the
// sending. The event is sent as Gleap keeps it: its name normalised (NormalizeEventName), its Date now
// when zero, at most MaxEventDataKeys metadata keys. Its Data map is copied; the values in it must not
// change after Track.
//
// When the buffer is full Track waits for room until ctx ends, or returns ErrTrackerFull at once with
// RefuseWhenFull. A non-nil error means the event was not taken: a *ValidationError (nothing is wrong
// with the tracker), ErrTrackerFull, ErrTrackerClosed or ctx's error. The context bounds only the wait:
// an event taken is sent whatever happens to ctx after.
func (t *Tracker) Track(ctx context.Context, event Event) error {
	if ctx == nil {
		return &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	}
	prepared, err := prepareEvent("event", event, t.contacts.engine.settings.now().UTC())
	if err != nil {
		return err
	}
	size, err := eventSize(prepared)
	if err != nil || size > maxEventBytes {
		return &ValidationError{Field: "event", Problem: fmt.Sprintf("encodes to more than the %d bytes a request may carry", maxEventBytes)}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		switch {
		case t.closed:
			return ErrTrackerClosed
		case t.accepted-t.finished < uint64(t.options.BufferSize):
			t.buffer = append(t.buffer, queuedEvent{event: prepared, size: size})
			t.accepted++
			if len(t.buffer) >= t.options.BatchSize {
				t.nudge()
			}
			return nil
		case t.options.RefuseWhenFull:
			return ErrTrackerFull
		}
		if err := t.waitLocked(ctx); err != nil {
			return err
		}
	}
}

// Flush sends every event taken before it, and returns once each of them was sent or handed to OnError,
// or with ctx's error when ctx ends first (the events are sent anyway, later).
func (t *Tracker) Flush(ctx context.Context) error {
	if ctx == nil {
		return &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	target := t.accepted
	t.flushTo = max(t.flushTo, target)
	t.nudge()
	for t.finished < target {
		if err := t.waitLocked(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close stops taking events, sends every event it holds and stops the tracker's goroutine, waiting for
// it as long as ctx allows. When ctx ends first, Close cancels the request in flight and hands its batch
// and every event not sent yet to OnError (their Err wraps ErrTrackerClosed, or is the request's error),
// then returns an error saying how many events were not sent. Calling Close again waits for the first.
func (t *Tracker) Close(ctx context.Context) error {
	if ctx == nil {
		return &ValidationError{Field: "ctx", Problem: "must not be nil; use context.Background()"}
	}
	t.mu.Lock()
	t.closed = true
	t.broadcastLocked()
	t.mu.Unlock()
	t.nudge()
	select {
	case <-t.stopped:
		return nil
	case <-ctx.Done():
	}
	t.mu.Lock()
	if t.closeErr == nil {
		t.closeErr = ctx.Err()
	}
	unsent := t.accepted - t.finished
	t.mu.Unlock()
	t.cancel()
	<-t.stopped
	return fmt.Errorf("gleap: the tracker closed before %d events were sent; OnError was told of them: %w", unsent, ctx.Err())
}

// run is the tracker's goroutine: it sends batch after batch until the tracker is closed and empty, or
// Close gave up on it.
func (t *Tracker) run() {
	defer close(t.stopped)
	defer t.stopTicks()
	for {
		batch, ok := t.nextBatch()
		if !ok {
			t.giveUp()
			return
		}
		if batch == nil {
			return
		}
		t.send(batch)
	}
}

// nextBatch waits until a batch is due and takes it from the buffer: at most BatchSize events and
// MaxRequestBytes. It returns nil when the tracker is closed and empty, and false when Close gave up.
func (t *Tracker) nextBatch() ([]Event, bool) {
	for {
		t.mu.Lock()
		due := len(t.buffer) > 0 && (len(t.buffer) >= t.options.BatchSize || t.flushTo > t.finished || t.closed)
		switch {
		case t.sendCtx.Err() != nil:
			t.mu.Unlock()
			return nil, false
		case due:
			batch := t.takeLocked()
			t.mu.Unlock()
			return batch, true
		case t.closed:
			t.mu.Unlock()
			return nil, true
		}
		t.mu.Unlock()
		select {
		case <-t.wake:
		case <-t.ticks:
			t.mu.Lock()
			t.flushTo = max(t.flushTo, t.accepted)
			t.mu.Unlock()
		case <-t.sendCtx.Done():
		}
	}
}

// takeLocked takes the next batch from the front of the buffer. The caller holds t.mu.
func (t *Tracker) takeLocked() []Event {
	bytes, n := requestOverhead, 0
	for n < len(t.buffer) && n < t.options.BatchSize && bytes+t.buffer[n].size <= MaxRequestBytes {
		bytes += t.buffer[n].size
		n++
	}
	batch := make([]Event, n)
	for i := range batch {
		batch[i] = t.buffer[i].event
	}
	// The buffer keeps its array, so that it never holds more than BufferSize events' room.
	kept := copy(t.buffer, t.buffer[n:])
	clear(t.buffer[kept:])
	t.buffer = t.buffer[:kept]
	return batch
}

// send sends batch in one request, hands it to OnError when that fails, and counts it finished.
func (t *Tracker) send(batch []Event) {
	err := t.contacts.engine.do(t.sendCtx, t.callOpts, func() (endpoint, error) {
		encoded, err := encodeJSON(api.TrackEventsRequest{Events: batch})
		return trackEndpoint(encoded), err
	}, nil)
	if err != nil {
		t.options.OnError(&TrackError{Events: batch, Err: err})
	}
	t.finish(len(batch))
}

// giveUp hands every event still buffered to OnError, once Close gave up on sending them.
func (t *Tracker) giveUp() {
	t.mu.Lock()
	unsent := make([]Event, len(t.buffer))
	for i, queued := range t.buffer {
		unsent[i] = queued.event
	}
	t.buffer = nil
	cause := t.closeErr
	t.mu.Unlock()
	if len(unsent) > 0 {
		t.options.OnError(&TrackError{Events: unsent, Err: fmt.Errorf("%w before the events were sent: %w", ErrTrackerClosed, cause)})
		t.finish(len(unsent))
	}
}

// finish counts n events finished and tells whoever waits.
func (t *Tracker) finish(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.finished += uint64(n)
	t.broadcastLocked()
}

// nudge wakes the sender, unless it is to wake already.
func (t *Tracker) nudge() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// broadcastLocked wakes everyone waiting in waitLocked. The caller holds t.mu.
func (t *Tracker) broadcastLocked() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// waitLocked waits, without holding t.mu, for the next change or for ctx to end. The caller holds t.mu,
// and holds it again when it returns.
func (t *Tracker) waitLocked(ctx context.Context) error {
	changed := t.changed
	t.mu.Unlock()
	defer t.mu.Lock()
	select {
	case <-changed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// requestOverhead is what a request of events holds besides them: {"events":[]}.
const requestOverhead = len(`{"events":[]}`)

// maxEventBytes is the most an event may add to a request: one event alone fills it.
const maxEventBytes = MaxRequestBytes - requestOverhead
