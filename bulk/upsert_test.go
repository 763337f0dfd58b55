package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// people returns n contacts to upsert, of the user ids "user-<index>", each with its e-mail address.
func people(n int) []wrapper.UpdateContactRequest {
	contacts := make([]wrapper.UpdateContactRequest, n)
	for i := range contacts {
		contacts[i] = wrapper.UpdateContactRequest{
			UserID: wrapper.Ptr(fmt.Sprintf("user-%d", i)),
			Email:  wrapper.Ptr(fmt.Sprintf("user-%d@example.com", i)),
			Plan:   wrapper.Ptr("Pro"),
		}
	}
	return contacts
}

// storedByUserID returns the contacts server holds, by user id, failing t on a user id held twice.
func storedByUserID(t *testing.T, server *gleaptest.Server) map[string]wrapper.Contact {
	t.Helper()
	byUserID := map[string]wrapper.Contact{}
	for _, contact := range server.Contacts() {
		_, twice := byUserID[contact.UserID]
		assert.False(t, twice, "user id %s is held by two contacts", contact.UserID)
		byUserID[contact.UserID] = contact
	}
	return byUserID
}

// creates counts the contacts created among requests.
func creates(requests []gleaptest.Request) int {
	return countOf(requests, func(request gleaptest.Request) bool {
		return request.Method == http.MethodPost && strings.HasSuffix(request.Path, "/sessions")
	})
}

func TestUpsertImportsEveryContactOnceAndSkipsThemOnTheNextRun(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	contacts := people(20)
	// Three of them are known already: they are updated, the others created.
	for _, i := range []int{0, 7, 19} {
		_, err := client.Contacts.Create(context.Background(), wrapper.CreateContactRequest{UserID: contacts[i].UserID, Plan: wrapper.Ptr("Free")})
		require.NoError(t, err)
	}
	journal := filepath.Join(t.TempDir(), "contacts.journal")
	first := collect(t)

	summary, err := bulk.Upsert(context.Background(), client, slices.All(contacts), bulk.WithJournal(journal), bulk.WithConcurrency(4), first.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 20}, summary)
	stored := storedByUserID(t, server)
	require.Len(t, stored, 20)
	for number, outcome := range first.byNumber {
		contact := stored[*contacts[number].UserID]
		assert.Equal(t, contact.ID, outcome.ID, "request %d has the id of its contact", number)
		assert.Equal(t, *contacts[number].Email, contact.Email)
		require.NotNil(t, contact.Plan)
		assert.Equal(t, "Pro", *contact.Plan)
	}
	assert.Equal(t, 17+3, creates(server.Requests()), "17 created by the run, 3 before it")

	before := len(server.Requests())
	again := collect(t)
	summary, err = bulk.Upsert(context.Background(), client, slices.All(contacts), bulk.WithJournal(journal), again.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Skipped: 20}, summary)
	assert.Len(t, server.Requests(), before, "nothing to send, nothing to look up")
	for number, outcome := range again.byNumber {
		assert.Equal(t, first.byNumber[number].ID, outcome.ID, "a skipped request has the id it was upserted with")
	}
}

func TestUpsertResumedAfterACancelUpsertsEachRemainingContactOnce(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	contacts := slices.All(people(30))
	journal := filepath.Join(t.TempDir(), "contacts.journal")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := map[int]bulk.Outcome{}

	_, err := bulk.Upsert(ctx, client, contacts, bulk.WithJournal(journal), bulk.WithConcurrency(3),
		bulk.WithOutcomes(func(outcome bulk.Outcome) error {
			first[outcome.Number] = outcome
			if len(first) == 8 {
				cancel()
			}
			return nil
		}))

	require.ErrorIs(t, err, context.Canceled)
	done := len(first)
	require.Less(t, done, 30, "the cancel left contacts to the next run")
	for _, outcome := range first {
		require.Equal(t, bulk.Sent, outcome.Status, "the requests in flight were finished")
	}

	before := len(server.Requests())
	second := collect(t)
	summary, err := bulk.Upsert(context.Background(), client, contacts, bulk.WithJournal(journal), bulk.WithConcurrency(3), second.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 30 - done, Skipped: done}, summary)
	for number, outcome := range second.byNumber {
		if _, wasDone := first[number]; wasDone {
			assert.Equal(t, bulk.Skipped, outcome.Status, "request %d was done by the first run", number)
		} else {
			assert.Equal(t, bulk.Sent, outcome.Status, "request %d is done now", number)
		}
	}
	assert.Equal(t, 2*(30-done), len(server.Requests())-before, "a lookup and a create for each contact left, nothing for those done")
	assert.Len(t, storedByUserID(t, server), 30)
	assert.Equal(t, 30, creates(server.Requests()), "each contact created once across both runs")
}

// refusePOSTsOnce answers the first POST with a 503 of its own, without sending it on: a create of unknown
// outcome that stored nothing.
type refusePOSTsOnce struct{ refused atomic.Bool }

func (r *refusePOSTsOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && r.refused.CompareAndSwap(false, true) {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Content-Type": {"application/json"}},
			Body: http.NoBody, Request: req}, nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestUpsertCarriesOutAgainWhatAnEarlierRunLeftUnknown(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	contacts := slices.All(people(3))
	journal := filepath.Join(t.TempDir(), "contacts.journal")
	failing := newClient(t, server, wrapper.WithHTTPClient(&http.Client{Transport: &refusePOSTsOnce{}}))
	first := collect(t)

	summary, err := bulk.Upsert(context.Background(), failing, contacts, bulk.WithJournal(journal), bulk.WithConcurrency(1), first.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 2, Unknown: 1}, summary)
	assert.ErrorIs(t, first.byNumber[0].Err, wrapper.ErrOutcomeUnknown)
	assert.NotContains(t, storedByUserID(t, server), "user-0")

	// As after a crash once request 1's contact was stored, before its outcome was journaled: its last
	// record is "started".
	var kept []string
	for _, line := range strings.SplitAfter(readFile(t, journal), "\n") {
		if !strings.HasPrefix(line, `{"line":1,"status":"sent"`) {
			kept = append(kept, line)
		}
	}
	require.NoError(t, os.WriteFile(journal, []byte(strings.Join(kept, "")), 0o600))
	require.Contains(t, storedByUserID(t, server), "user-1")
	before := len(server.Requests())
	second := collect(t)
	summary, err = bulk.Upsert(context.Background(), newClient(t, server), contacts, bulk.WithJournal(journal), second.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 2, Skipped: 1}, summary, "both are upserted again, with no lookup first")
	assert.Equal(t, map[int]bulk.Status{0: bulk.Sent, 1: bulk.Sent, 2: bulk.Skipped}, second.statuses())
	stored := storedByUserID(t, server)
	assert.Len(t, stored, 3)
	assert.Equal(t, stored["user-1"].ID, second.byNumber[1].ID, "the contact stored before is updated, not made twice")
	assert.Equal(t, 1, creates(server.Requests()[before:]), "only user-0 is created now")
}

func TestUpsertAndSendRefuseEachOthersJournal(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	dir := t.TempDir()
	messagesJournal, contactsJournal := filepath.Join(dir, "messages.journal"), filepath.Join(dir, "contacts.journal")
	// The same numbers and the same input id: only the journal's name tells the two apart.
	inputID := bulk.WithInputID("sha256:00", 2)
	_, err := bulk.Send(context.Background(), client, slices.All(notes(t, 3)), bulk.WithJournal(messagesJournal), inputID)
	require.NoError(t, err)
	_, err = bulk.Upsert(context.Background(), client, slices.All(people(3)), bulk.WithJournal(contactsJournal), inputID)
	require.NoError(t, err)
	messagesBefore, contactsBefore := readFile(t, messagesJournal), readFile(t, contactsJournal)
	requestsBefore := len(server.Requests())

	_, upsertErr := bulk.Upsert(context.Background(), client, slices.All(people(3)), bulk.WithJournal(messagesJournal), inputID)
	_, sendErr := bulk.Send(context.Background(), client, slices.All(notes(t, 3)), bulk.WithJournal(contactsJournal), inputID)

	var journalErr *bulk.JournalError
	require.ErrorAs(t, upsertErr, &journalErr)
	assert.ErrorIs(t, upsertErr, bulk.ErrJournalMismatch)
	assert.ErrorContains(t, upsertErr, "it is a journal of gleap send --batch, not of gleap contacts import")
	require.ErrorAs(t, sendErr, &journalErr)
	assert.ErrorIs(t, sendErr, bulk.ErrJournalMismatch)
	assert.ErrorContains(t, sendErr, "it is a journal of gleap contacts import, not of gleap send --batch")
	assert.Len(t, server.Requests(), requestsBefore, "nothing is sent")
	assert.Equal(t, messagesBefore, readFile(t, messagesJournal), "a journal that is refused is left as it was")
	assert.Equal(t, contactsBefore, readFile(t, contactsJournal))
	assert.True(t, strings.HasPrefix(contactsBefore, `{"journal":"gleap contacts import","version":1,`), contactsBefore)
}

func TestUpsertRefusesBadOptionsAndInputBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	client := newClient(t, server)
	journal := filepath.Join(t.TempDir(), "contacts.journal")
	repeated := people(4)
	repeated[3].UserID = repeated[1].UserID
	cases := []struct {
		name     string
		client   *wrapper.Client
		contacts func(func(int, wrapper.UpdateContactRequest) bool)
		opts     []bulk.Option
		want     string
	}{
		{"no client", nil, slices.All(people(1)), nil, "invalid client"},
		{"no input", client, nil, nil, "invalid requests"},
		{"resend unknown", client, slices.All(people(1)), []bulk.Option{bulk.WithJournal(journal), bulk.WithResendUnknown()},
			"invalid resendUnknown: has no use here"},
		{"a user id twice, with a journal", client, slices.All(repeated), []bulk.Option{bulk.WithJournal(journal)},
			"bulk: request 3: its userId is that of request 1: with a journal each contact must be upserted by one request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = bulk.Upsert(context.Background(), tc.client, tc.contacts, tc.opts...) })
			assert.ErrorContains(t, err, tc.want)
			var validation *wrapper.ValidationError
			var input *bulk.InputError
			assert.True(t, errors.As(err, &validation) || errors.As(err, &input), "a typed error: %T", err)
		})
	}
	assert.Empty(t, server.Requests(), "nothing is sent")
	assert.NoFileExists(t, journal, "nor is a journal started")
}

func TestUpsertWithoutAUserIDFailsThatRequestOnly(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	contacts := people(3)
	contacts[1].UserID = nil
	outcomes := collect(t)

	summary, err := bulk.Upsert(context.Background(), newClient(t, server), slices.All(contacts), outcomes.option())

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 2, Failed: 1}, summary)
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, outcomes.byNumber[1].Err, &invalid)
	assert.Equal(t, "userID", invalid.Field)
	assert.Len(t, storedByUserID(t, server), 2)
}

func TestUpsertStaysUnderTheRateLimit(t *testing.T) {
	t.Parallel()
	// 40 requests each half second for the server: 30 contacts are 60 requests, which eight at a time
	// unpaced would send well within the first half second. The client is paced 10 % under it, as its
	// own 2 % (10 ms here) is less than a loaded machine can delay a request on its way;
	// BenchmarkUpsertAtGleapsRateLimit runs at the very limit, a minute wide.
	const requests, period = 40, 500 * time.Millisecond
	server := gleaptest.NewServer(t, gleaptest.WithRateLimit(requests, period))
	client := newClient(t, server, wrapper.WithRateLimit(requests, period*11/10))

	summary, err := bulk.Upsert(context.Background(), client, slices.All(people(30)), bulk.WithConcurrency(8))

	require.NoError(t, err)
	assert.Equal(t, bulk.Summary{Sent: 30}, summary)
	assert.Zero(t, countOf(server.Requests(), answered429), "no request is answered 429")
	assert.Len(t, storedByUserID(t, server), 30)
}

// answered429 reports whether request was answered 429 Too Many Requests.
func answered429(request gleaptest.Request) bool {
	return request.Status == http.StatusTooManyRequests
}
