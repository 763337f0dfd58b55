package bulk_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func TestSendReportsEveryRequestOnceWithTheStoredID(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	outcomes := collect(t)

	summary, err := bulk.Send(context.Background(), newClient(t, server), slices.All(notes(t, 30, 7)), bulk.WithConcurrency(4), outcomes.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 30}, summary)
	require.Len(t, outcomes.byNumber, 30)
	stored := storedByRef(t, server)
	require.Len(t, server.Messages(), 30)
	for number, outcome := range outcomes.byNumber {
		assert.Equal(t, bulk.Sent, outcome.Status)
		assert.NoError(t, outcome.Err)
		if number != 7 {
			assert.Equal(t, stored[fmt.Sprintf("ref-%d", number)], outcome.ID, "request %d has the id the server gave its message", number)
		}
	}
}

func TestSendRefusesBadOptionsAndInputBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	repeated := notes(t, 4)
	repeated[3].MessageRef = repeated[0].MessageRef // the same ticket, tickets[0]
	backwards := func(yield func(int, wrapper.CreateMessageRequest) bool) {
		for i, req := range slices.Backward(notes(t, 2)) {
			if !yield(i, req) {
				return
			}
		}
	}
	cases := []struct {
		name     string
		client   *wrapper.Client
		requests func(func(int, wrapper.CreateMessageRequest) bool)
		opts     []bulk.Option
		want     string
	}{
		{"no client", nil, slices.All(notes(t, 1)), nil, "invalid client"},
		{"no input", client, nil, nil, "invalid requests"},
		{"concurrency 0", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithConcurrency(0)}, "invalid concurrency: must be from 1 to 64"},
		{"concurrency 65", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithConcurrency(65)}, "must be from 1 to 64"},
		{"a blank journal", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithJournal(" ")}, "invalid journal"},
		{"resend without a journal", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithResendUnknown()}, "invalid resendUnknown: goes with a journal"},
		{"a blank input id", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithInputID(" ", 1)}, "invalid inputID"},
		{"negative lines", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithInputID("sha256:00", -1)}, "invalid lines"},
		{"no outcome function", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithOutcomes(nil)}, "invalid outcomes"},
		{"a messageRef twice in a ticket", client, slices.All(repeated), []bulk.Option{bulk.WithJournal(journal)},
			"bulk: request 3: its ticket and messageRef are those of request 0"},
		{"numbers that go back", client, backwards, []bulk.Option{bulk.WithJournal(journal)}, "bulk: request 0: its number does not follow 1"},
		{"a number past the lines", client, slices.All(notes(t, 3)), []bulk.Option{bulk.WithJournal(journal), bulk.WithInputID("sha256:00", 1)},
			"bulk: request 2: its number is over the input's 1 lines"},
		{"numbers that go back, with an input id", client, numberedAs(notes(t, 4), 0, 1, 2, 1),
			[]bulk.Option{bulk.WithJournal(journal), bulk.WithInputID("sha256:00", 3), bulk.WithConcurrency(1)},
			"bulk: request 1: its number does not follow 2"},
		{"a number past MaxNumber", client, numberedAs(notes(t, 2), 0, bulk.MaxNumber+1), []bulk.Option{bulk.WithJournal(journal)},
			fmt.Sprintf("bulk: request %d: its number is over %d, the most a journal keeps", bulk.MaxNumber+1, bulk.MaxNumber)},
		{"the largest int", client, numberedAs(notes(t, 1), math.MaxInt), []bulk.Option{bulk.WithJournal(journal)}, "the most a journal keeps"},
		{"lines past MaxNumber", client, slices.All(notes(t, 1)), []bulk.Option{bulk.WithJournal(journal), bulk.WithInputID("sha256:00", math.MaxInt)},
			"invalid lines: must be from 0 to 10000000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := withMethod(server.Requests(), http.MethodPost)
			var err error
			require.NotPanics(t, func() { _, err = bulk.Send(context.Background(), tc.client, tc.requests, tc.opts...) })
			assert.ErrorContains(t, err, tc.want)
			var validation *wrapper.ValidationError
			var input *bulk.InputError
			assert.True(t, errors.As(err, &validation) || errors.As(err, &input), "a typed error: %T", err)
			assert.Equal(t, before, withMethod(server.Requests(), http.MethodPost), "nothing is sent")
		})
	}
	var ctx context.Context // nil, as a caller's bug might leave it
	_, err := bulk.Send(ctx, client, slices.All(notes(t, 1)), bulk.WithJournal(filepath.Join(t.TempDir(), "journal.jsonl")))
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "ctx", invalid.Field)
	assert.Empty(t, server.Requests())
}

// numberedAs yields reqs with the numbers given, in order.
func numberedAs(reqs []wrapper.CreateMessageRequest, numbers ...int) func(func(int, wrapper.CreateMessageRequest) bool) {
	return func(yield func(int, wrapper.CreateMessageRequest) bool) {
		for i, number := range numbers {
			if !yield(number, reqs[i]) {
				return
			}
		}
	}
}

func TestSendIsExactlyOnceWhenGleapStoresAndThenAnswers500(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	var posts atomic.Int32
	failing := newClient(t, server, wrapper.WithHTTPClient(&http.Client{Transport: answerAfterStoring{fail: func() bool {
		return posts.Add(1) == 2
	}}}))
	requests := slices.All(notes(t, 4, 3))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	first := collect(t)

	summary, err := bulk.Send(context.Background(), failing, requests, bulk.WithJournal(journal), bulk.WithConcurrency(1), first.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 3, Unknown: 1}, summary)
	assert.Equal(t, map[int]bulk.Status{0: bulk.Sent, 1: bulk.Unknown, 2: bulk.Sent, 3: bulk.Sent}, first.statuses())
	assert.ErrorIs(t, first.byNumber[1].Err, wrapper.ErrOutcomeUnknown)
	require.Len(t, server.Messages(), 4, "the 500 came after the message was stored")

	before := len(server.Requests())
	again := collect(t)
	summary, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), again.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Skipped: 4}, summary)
	assert.Equal(t, storedByRef(t, server)["ref-1"], again.byNumber[1].ID, "found in its ticket by its messageRef")
	assert.Zero(t, withMethod(server.Requests()[before:], http.MethodPost), "nothing is posted again")
	assert.Len(t, server.Messages(), 4)
	assert.Contains(t, readFile(t, journal), `{"line":1,"status":"sent","id":"`+again.byNumber[1].ID+`","found":true}`)
}

func TestSendNeverLetsARetryPolicyPostAnUnknownOutcomeAgain(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	var posts atomic.Int32
	policy := wrapper.DefaultRetryPolicy()
	policy.RetryUnknownOutcome, policy.MinBackoff, policy.MaxBackoff = true, 0, 0
	client := newClient(t, server, wrapper.WithRetryPolicy(policy), wrapper.WithHTTPClient(&http.Client{Transport: answerAfterStoring{fail: func() bool {
		return posts.Add(1) == 2 // request 1: stored, then 500
	}}}))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	outcomes := collect(t)

	summary, err := bulk.Send(context.Background(), client, slices.All(notes(t, 3)), bulk.WithJournal(journal), bulk.WithConcurrency(1), outcomes.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 2, Unknown: 1}, summary)
	assert.Equal(t, bulk.Unknown, outcomes.byNumber[1].Status, "left to the next run's look, not posted again")
	assert.Len(t, storedByRef(t, server), 3)
	assert.Equal(t, 3, withMethod(server.Requests(), http.MethodPost))
}

func TestSendIsExactlyOnceAcrossACrashAtEveryRecord(t *testing.T) {
	t.Parallel()
	const n = 4
	// One run, one request at a time, writes 2n records after its header: "started" then the outcome of
	// each. A crash leaves any start of that file, cut at a record or inside one, with the server holding
	// the messages whose "started" is on disk (it is synced before the request is sent) and maybe the
	// last one's. Each cut is resumed against such a server: every message is stored exactly once.
	for cut := 1; cut <= 2*n+1; cut++ {
		for _, torn := range []bool{false, true} {
			t.Run(fmt.Sprintf("after %d lines, torn %v", cut, torn), func(t *testing.T) {
				t.Parallel()
				server := gleaptest.NewServer(t)
				client := newClient(t, server)
				requests := slices.All(notes(t, n))
				journal := filepath.Join(t.TempDir(), "journal.jsonl")
				sent := collect(t)
				_, err := bulk.Send(context.Background(), client, requests, bulk.WithJournal(journal), bulk.WithConcurrency(1), sent.option())
				require.NoError(t, err)

				lines := strings.SplitAfter(readFile(t, journal), "\n")
				kept := strings.Join(lines[:cut], "")
				if torn {
					kept += lines[cut][:len(lines[cut])/2]
				}
				require.NoError(t, os.WriteFile(journal, []byte(kept), 0o600))
				// The messages of the requests not started before the crash were never sent.
				started := strings.Count(kept, `"status":"started"`)
				for number := started; number < n; number++ {
					require.NoError(t, client.Messages.Delete(context.Background(), sent.byNumber[number].ID))
				}
				require.Len(t, server.Messages(), started)

				resumed := collect(t)
				summary, err := bulk.Send(context.Background(), client, requests, bulk.WithJournal(journal), resumed.option())

				require.NoError(t, err)
				assert.Equal(t, n, summary.Sent+summary.Skipped, "every request is settled: %+v", summary)
				assert.Len(t, storedByRef(t, server), n)
				assert.Len(t, server.Messages(), n, "each message once")
				assertJournalSettled(t, journal)
			})
		}
	}
}

func TestSendCancelFinishesTheRequestsInFlightAndTheNextRunTheRest(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var posted atomic.Int32
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(request gleaptest.Request) {
		if request.Method == http.MethodPost && posted.Add(1) == 5 {
			cancel() // after the fifth message is stored
		}
	}))
	client := newClient(t, server)
	requests := slices.All(notes(t, 40))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	first := collect(t)

	summary, err := bulk.Send(ctx, client, requests, bulk.WithJournal(journal), bulk.WithConcurrency(4), first.option())

	require.ErrorIs(t, err, context.Canceled)
	assert.LessOrEqual(t, len(first.byNumber), 5+4, "after the cancel only the requests in flight, at most the concurrency, finish")
	assert.GreaterOrEqual(t, len(first.byNumber), 5)
	assert.Equal(t, bulk.Summary{Sent: len(first.byNumber)}, summary)
	stored := storedByRef(t, server)
	assert.Len(t, stored, len(first.byNumber), "every request sent is reported, and no other")
	for number, outcome := range first.byNumber {
		assert.Equal(t, bulk.Sent, outcome.Status, "request %d finished despite the cancel", number)
		assert.Equal(t, stored[fmt.Sprintf("ref-%d", number)], outcome.ID)
	}
	assertJournalSettled(t, journal)

	before := withMethod(server.Requests(), http.MethodPost)
	_, err = bulk.Send(context.Background(), client, requests, bulk.WithJournal(journal))

	require.NoError(t, err)
	assert.Len(t, storedByRef(t, server), 40)
	assert.Equal(t, 40-len(first.byNumber), withMethod(server.Requests(), http.MethodPost)-before)
}

// stallSecond is a transport that sends the first request through net/http, which reports its progress,
// and holds the second without sending it until its context ends, as net/http does with a request
// cancelled before it asked for a connection.
type stallSecond struct {
	arrived chan struct{}
	calls   atomic.Int32
}

func (s *stallSecond) RoundTrip(req *http.Request) (*http.Response, error) {
	if s.calls.Add(1) == 1 {
		return http.DefaultTransport.RoundTrip(req)
	}
	close(s.arrived)
	<-req.Context().Done()
	return nil, req.Context().Err()
}

// The cancel of a request between its turn and the transport's first step was once reported "unknown"
// (TestBatchCtrlCFinishesTheLinesInFlightAndTheNextRunTheRest, under load): the client cannot tell it
// from a request sent, but Send can.
func TestSendDropsARequestCancelledBeforeTheTransportTookIt(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	transport := &stallSecond{arrived: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-transport.arrived
		cancel()
	}()
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 3))
	first := collect(t)

	summary, err := bulk.Send(ctx, newClient(t, server, wrapper.WithHTTPClient(&http.Client{Transport: transport})), requests,
		bulk.WithJournal(journal), bulk.WithConcurrency(1), first.option())

	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, bulk.Summary{Sent: 1}, summary, "the second request is not reported: it was never sent")
	assert.Equal(t, map[int]bulk.Status{0: bulk.Sent}, first.statuses())
	assert.Equal(t, map[int]string{0: "sent", 1: "failed"}, lastRecords(t, journal))

	before := len(server.Requests())
	_, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal))

	require.NoError(t, err)
	assert.Zero(t, withMethod(server.Requests()[before:], http.MethodGet), "nothing to look for")
	assert.Len(t, storedByRef(t, server), 3)
}

func TestSendDropsTheRequestsWaitingForTheirTurn(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	server := gleaptest.NewServer(t, gleaptest.WithRequestLog(func(request gleaptest.Request) {
		if request.Method == http.MethodPost {
			cancel() // once the first message is stored: the others wait for an hour
		}
	}))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 4))
	slow, err := wrapper.New(testKey, testProject, wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(1, 3600e9))
	require.NoError(t, err)

	summary, err := bulk.Send(ctx, slow, requests, bulk.WithJournal(journal), bulk.WithConcurrency(4))

	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, bulk.Summary{Sent: 1}, summary, "the requests waiting were not sent, nor reported")
	_, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal))
	require.NoError(t, err)
	assert.Len(t, storedByRef(t, server), 4)
	assert.Zero(t, withMethod(server.Requests(), http.MethodGet), "the dropped requests are journaled as not sent: nothing is looked for")
}

func TestSendSettlesRequestsWithoutMessageRefOnlyWhenToldToResend(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 503}, gleaptest.Fault{Status: 400}))
	client := newClient(t, server)
	requests := slices.All(notes(t, 3, 0))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	run := func(opts ...bulk.Option) (*collected, bulk.Summary) {
		outcomes := collect(t)
		summary, err := bulk.Send(context.Background(), client, requests, append(opts, bulk.WithJournal(journal), bulk.WithConcurrency(1), outcomes.option())...)
		require.NoError(t, err)
		return outcomes, summary
	}

	first, _ := run()
	held, _ := run()
	resent, summary := run(bulk.WithResendUnknown())

	assert.Equal(t, map[int]bulk.Status{0: bulk.Unknown, 1: bulk.Failed, 2: bulk.Sent}, first.statuses())
	assert.Equal(t, map[int]bulk.Status{0: bulk.Unknown, 1: bulk.Sent, 2: bulk.Skipped}, held.statuses())
	assert.ErrorIs(t, held.byNumber[0].Err, bulk.ErrUnknownWithoutRef)
	assert.Equal(t, map[int]bulk.Status{0: bulk.Sent, 1: bulk.Skipped, 2: bulk.Skipped}, resent.statuses())
	assert.Equal(t, bulk.Summary{Sent: 1, Skipped: 2}, summary)
	assert.Len(t, server.Messages(), 3)
}

func TestSendStopsWhenTheOutcomesCannotBeReported(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	full := errors.New("disk full")
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 20))
	failing := bulk.WithOutcomes(func(bulk.Outcome) error { return full })

	_, err := bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithConcurrency(1), bulk.WithJournal(journal), failing)

	require.ErrorIs(t, err, full)
	assert.ErrorIs(t, err, bulk.ErrReportFailed)
	assert.Less(t, len(server.Messages()), 3, "a run that cannot report stops")

	// A resumed run reports the requests sent before first: it sends nothing when it cannot.
	before := len(server.Messages())
	_, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), failing)
	require.ErrorIs(t, err, full)
	assert.Len(t, server.Messages(), before)
}

// A report function may well return context.Canceled, its own context's error: Send says it stopped for
// it rather than returning nil, or an error a caller would take for a cancel of Send's own context.
func TestSendReturnsTheReportsErrorWhateverItIs(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	reporting, stopReporting := context.WithCancel(context.Background())
	stopReporting() // the reader of the outcomes went away
	report := bulk.WithOutcomes(func(bulk.Outcome) error { return reporting.Err() })

	summary, err := bulk.Send(context.Background(), newClient(t, server), slices.All(notes(t, 10)), bulk.WithConcurrency(1), report)

	require.ErrorIs(t, err, bulk.ErrReportFailed, "the run stopped after %d of 10 requests", len(server.Messages()))
	assert.ErrorIs(t, err, context.Canceled, "the report's own error, wrapped")
	assert.Equal(t, bulk.Summary{Sent: 1}, summary)
	assert.Len(t, server.Messages(), 1)
}

func TestSendAfterACancelReturnsTheContextsErrorNotItsCause(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	shutdown := errors.New("shutting down")
	cancel(shutdown)

	_, err := bulk.Send(ctx, newClient(t, server), slices.All(notes(t, 3)))

	assert.Equal(t, context.Canceled, err, "ctx.Err(), as a caller checks it with errors.Is")
	assert.NotErrorIs(t, err, bulk.ErrReportFailed)
	assert.Empty(t, server.Requests())
}

func TestSendReportsAHeldRequestWithTheErrorItsRunRecorded(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 1, 0))
	_, err := bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal))
	require.NoError(t, err)

	for run := range 2 { // held twice: the text does not pile up
		held := collect(t)
		_, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), held.option())

		require.NoError(t, err)
		require.Equal(t, bulk.Unknown, held.byNumber[0].Status, "run %d", run)
		assert.ErrorIs(t, held.byNumber[0].Err, bulk.ErrUnknownWithoutRef)
		assert.Contains(t, held.byNumber[0].Err.Error(), "the run that sent it recorded: gleap: create message: 503 Service Unavailable")
		assert.Equal(t, 1, strings.Count(held.byNumber[0].Err.Error(), "the run that sent it"))
	}
	assert.Equal(t, 1, withMethod(server.Requests(), http.MethodPost))
}

func TestSendRefusesAJournalOfAnotherRun(t *testing.T) {
	t.Parallel()
	server, other := gleaptest.NewServer(t), gleaptest.NewServer(t)
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	_, err := bulk.Send(context.Background(), newClient(t, server), slices.All(notes(t, 2)), bulk.WithJournal(journal))
	require.NoError(t, err)
	unchanged := readFile(t, journal)

	for name, run := range map[string]func() error{
		"another input": func() error {
			_, err := bulk.Send(context.Background(), newClient(t, server), slices.All(notes(t, 3)), bulk.WithJournal(journal))
			return err
		},
		"another server": func() error {
			_, err := bulk.Send(context.Background(), newClient(t, other), slices.All(notes(t, 2)), bulk.WithJournal(journal))
			return err
		},
	} {
		err := run()
		var journalErr *bulk.JournalError
		require.ErrorAs(t, err, &journalErr, name)
		assert.ErrorIs(t, err, bulk.ErrJournalMismatch, name)
		assert.Equal(t, journal, journalErr.Path)
	}
	assert.Equal(t, unchanged, readFile(t, journal), "the journal is left as it was")
	assert.Len(t, server.Messages(), 2)
	assert.Empty(t, other.Requests())
}

func TestSendNeverWritesTheKeyAServerSendsAsAnID(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"id":%q}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	})
	server := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Handler: echo}, gleaptest.Fault{Status: 500}))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 3))
	first, again := collect(t), collect(t)

	_, err := bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), bulk.WithConcurrency(1), first.option())
	require.NoError(t, err)
	_, err = bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), again.option())
	require.NoError(t, err)

	assert.Equal(t, "[REDACTED]", first.byNumber[0].ID)
	assert.Equal(t, "[REDACTED]", again.byNumber[0].ID, "reported again, as skipped")
	for _, outcome := range append(slices.Collect(mapValues(first.byNumber)), slices.Collect(mapValues(again.byNumber))...) {
		assert.NotContains(t, fmt.Sprint(outcome), testKey)
	}
	assert.NotContains(t, readFile(t, journal), testKey)
}

// The key a server echoes anywhere in its answers (an id, an error message, a header, a body that is no
// JSON) is in no outcome, error or journal, also when a later run reports what the journal recorded.
func TestSendNeverWritesTheKeyAServerEchoesInAnyAnswer(t *testing.T) {
	t.Parallel()
	answer := func(status int, header http.Header, body string) gleaptest.Fault {
		return gleaptest.Fault{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			for name, values := range header {
				w.Header()[name] = values
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = fmt.Fprint(w, body)
		})}
	}
	escaped := strings.ReplaceAll(testKey, "_", `\u005f`)
	faults := []gleaptest.Fault{
		answer(http.StatusOK, nil, `{"_id":"`+testKey+`"}`),
		answer(http.StatusInternalServerError, http.Header{"X-" + testKey: {testKey}}, `{"message":"bad key `+escaped+`"}`),
		answer(http.StatusBadRequest, nil, `{"message":["key `+testKey+`", "`+escaped+`"],"error":"`+testKey+`"}`),
		answer(http.StatusOK, nil, `{"id":"`+testKey+`","index":"`+testKey+`"}`),
		answer(http.StatusOK, nil, `not json `+testKey),
		answer(http.StatusBadGateway, nil, `<html>`+testKey+`</html>`),
	}
	server := gleaptest.NewServer(t, gleaptest.WithFaults(faults...))
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, len(faults)+1, 5)) // request 5, held in the second run, has no messageRef
	var texts []string
	record := bulk.WithOutcomes(func(o bulk.Outcome) error {
		texts = append(texts, fmt.Sprintf("%v %+v %#v", o, o, o))
		if o.Err != nil {
			texts = append(texts, o.Err.Error())
		}
		return nil
	})

	for range 2 {
		summary, err := bulk.Send(context.Background(), newClient(t, server), requests, bulk.WithJournal(journal), bulk.WithConcurrency(1), record)
		texts = append(texts, fmt.Sprint(summary, err))
	}
	texts = append(texts, readFile(t, journal))

	require.Greater(t, len(texts), len(faults)*2)
	for _, text := range texts {
		assert.NotContains(t, text, testKey)
		assert.NotContains(t, text, "gl_sk")
		assert.NotContains(t, text, `gl\u005fsk`)
	}
}

// mapValues yields the values of m.
func mapValues(m map[int]bulk.Outcome) func(func(bulk.Outcome) bool) {
	return func(yield func(bulk.Outcome) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func TestSendResumesInATicketOfLongMessages(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	// 120 messages of 50 KB: a page of 100 is about 5 MB, over the client's default cap of 4 MiB.
	long := strings.Repeat("long ", 10_000)
	for range 120 {
		_, err := client.Messages.Note(context.Background(), tickets[0], long)
		require.NoError(t, err)
	}
	journal := filepath.Join(t.TempDir(), "journal.jsonl")
	requests := slices.All(notes(t, 1))
	failing := newClient(t, server, wrapper.WithHTTPClient(&http.Client{Transport: answerAfterStoring{fail: func() bool { return true }}}))
	_, err := bulk.Send(context.Background(), failing, requests, bulk.WithJournal(journal))
	require.NoError(t, err)
	resumed := collect(t)

	_, err = bulk.Send(context.Background(), client, requests, bulk.WithJournal(journal), resumed.option())

	require.NoError(t, err)
	assert.Equal(t, map[int]bulk.Status{0: bulk.Skipped}, resumed.statuses(), "found past the first page")
	assert.Len(t, storedByRef(t, server), 1)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	content, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(content)
}

// lastRecords returns the status of each request's last record in the journal at path.
func lastRecords(t *testing.T, path string) map[int]string {
	t.Helper()
	last := map[int]string{}
	lines := bufio.NewScanner(strings.NewReader(readFile(t, path)))
	for first := true; lines.Scan(); first = false {
		var record struct {
			Line   int
			Status string
		}
		if !first && assert.NoError(t, json.Unmarshal(lines.Bytes(), &record)) {
			last[record.Line] = record.Status
		}
	}
	return last
}

// assertJournalSettled checks that every request the journal at path says was started has an outcome
// after it: nothing was left in flight.
func assertJournalSettled(t *testing.T, path string) {
	t.Helper()
	require.True(t, bytes.HasSuffix([]byte(readFile(t, path)), []byte("\n")), "the journal ends with a whole record")
	for number, status := range lastRecords(t, path) {
		assert.NotEqual(t, "started", status, "request %d was left in flight", number)
	}
}
