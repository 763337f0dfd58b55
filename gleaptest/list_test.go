package gleaptest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/apitest"
)

// start is when the ticking clocks of these tests start.
var start = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

// at is the time a ticking clock from start reads the (n+1)th time, as the query of a list takes it.
func at(n int) string {
	return start.Add(time.Duration(n) * time.Second).Format(time.RFC3339)
}

// The messages of these tests, stored as the inbox's tests store theirs.
var (
	post     = apitest.Post
	postMany = apitest.PostMany
)

// listArray asks for GET /v3/messages?query, which must answer with a bare array, and returns the ids
// of the messages in it.
func listArray(t *testing.T, server *gleaptest.Server, query string) []string {
	t.Helper()
	status, _, answer := exchange(t, http.MethodGet, server.URL+"/messages?"+query, credentials(), "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var messages []struct{ ID string }
	require.NoError(t, json.Unmarshal(answer, &messages), "a bare array: %s", answer)
	ids := []string{}
	for _, message := range messages {
		ids = append(ids, message.ID)
	}
	return ids
}

// page is one page of messages in cursor mode, as the server sends it.
type page struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
	HasMore    *bool           `json:"hasMore"`
	NextBefore json.RawMessage `json:"nextBefore"`
}

// ids returns the ids of the page's messages.
func (p page) ids() []string {
	ids := []string{}
	for _, item := range p.Items {
		ids = append(ids, item.ID)
	}
	return ids
}

// listPage asks for GET /v3/messages?paginated=true&query and returns the page.
func listPage(t *testing.T, server *gleaptest.Server, query string) page {
	t.Helper()
	status, _, answer := exchange(t, http.MethodGet, server.URL+"/messages?paginated=true&"+query, credentials(), "")
	require.Equal(t, http.StatusOK, status, "%s", answer)
	var p page
	require.NoError(t, json.Unmarshal(answer, &p), "a page: %s", answer)
	require.NotNil(t, p.HasMore, "hasMore is always sent: %s", answer)
	require.NotNil(t, p.NextBefore, "nextBefore is always sent: %s", answer)
	return p
}

// walk asks for every page of GET /v3/messages?paginated=true&query, following the cursors, and returns
// the pages.
func walk(t *testing.T, server *gleaptest.Server, query string) []page {
	t.Helper()
	var pages []page
	cursor := ""
	for {
		q := query
		if cursor != "" {
			q += "&before=" + cursor
		}
		p := listPage(t, server, q)
		pages = append(pages, p)
		if !*p.HasMore {
			assert.Equal(t, "null", string(p.NextBefore), "the last page has no cursor")
			return pages
		}
		require.Less(t, len(pages), 100, "the pages must come to an end")
		require.NoError(t, json.Unmarshal(p.NextBefore, &cursor), "the cursor is a string")
		require.NotEmpty(t, p.Items)
		assert.Equal(t, p.Items[len(p.Items)-1].ID, cursor, "the cursor is the id of the page's last message")
	}
}

// reversed returns a reversed copy of ids.
func reversed(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = id
	}
	return out
}

func TestListPagesFollowEachOtherWithoutRepeatsOrGaps(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithClock(ticking(start)))
	ids := postMany(t, server, ticketID, 7)
	// The other ticket's messages sit between the ticket's, and are filtered out of every page.
	other := postMany(t, server, "6752e9a8b7c6d5e4f3a21099", 2)

	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"oldest first by default", "ticket=" + ticketID + "&limit=3", ids},
		{"sort=createdAt", "ticket=" + ticketID + "&limit=3&sort=createdAt", ids},
		{"newest first", "ticket=" + ticketID + "&limit=3&sort=-createdAt", reversed(ids)},
		{"every ticket", "limit=4", append(append([]string{}, ids...), other...)},
		{"a page size that divides the count", "ticket=" + ticketID + "&limit=7", ids},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pages := walk(t, server, tc.query)

			var got []string
			seen := map[string]bool{}
			for _, p := range pages {
				for _, id := range p.ids() {
					assert.False(t, seen[id], "message %s on two pages", id)
					seen[id] = true
				}
				got = append(got, p.ids()...)
			}
			assert.Equal(t, tc.want, got, "every message once, in order")
		})
	}
	t.Run("three pages of 3, 3 and 1", func(t *testing.T) {
		t.Parallel()
		pages := walk(t, server, "ticket="+ticketID+"&limit=3")
		require.Len(t, pages, 3)
		assert.Equal(t, ids[0:3], pages[0].ids())
		assert.Equal(t, ids[3:6], pages[1].ids())
		assert.Equal(t, ids[6:7], pages[2].ids())
		assert.Equal(t, `"`+ids[2]+`"`, string(pages[0].NextBefore))
		assert.Equal(t, `"`+ids[5]+`"`, string(pages[1].NextBefore))
	})
	t.Run("no message: one empty last page", func(t *testing.T) {
		t.Parallel()
		p := listPage(t, server, "ticket=nobody")
		assert.Empty(t, p.Items)
		assert.False(t, *p.HasMore)
	})
	t.Run("an empty cursor is the first page", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, ids[:2], listPage(t, server, "ticket="+ticketID+"&limit=2&before=").ids())
	})
	// Every request and answer was checked against openapi.yaml.
	t.Cleanup(func() { assert.Empty(t, recorder.failures()) })
}

func TestListPagesHold50MessagesUnlessLimited(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithoutContractChecks()) // 51 posts: skip the validator's time
	ids := postMany(t, server, ticketID, 51)

	first := listPage(t, server, "")
	assert.Equal(t, ids[:50], first.ids())
	assert.True(t, *first.HasMore)
	second := listPage(t, server, "before="+ids[49])
	assert.Equal(t, ids[50:], second.ids())
	assert.False(t, *second.HasMore)

	assert.Len(t, listArray(t, server, ""), 51, "a bare array holds all of them")
}

func TestListRefusesAnUnknownCursor(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	ids := postMany(t, server, ticketID, 3)
	status, _, _ := exchange(t, http.MethodDelete, server.URL+"/messages/"+ids[1], credentials(), "")
	require.Equal(t, http.StatusNoContent, status)

	for _, cursor := range []string{"6752f0c1a4b3c2d1e0f98765", ids[1]} {
		status, body := send(t, http.MethodGet, server.URL+"/messages?paginated=true&before="+cursor, credentials(), "")
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, 400.0, body["statusCode"], "a Gleap-style error body")
		assert.Contains(t, body["message"], cursor)
	}
	assert.Empty(t, recorder.failures(), "a documented answer to a valid request")
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder, gleaptest.WithClock(ticking(start)))
	const ticketA, ticketB = "6752e9a8b7c6d5e4f3a2aaaa", "6752e9a8b7c6d5e4f3a2bbbb"
	m := []string{ // created at(0) to at(4)
		post(t, server, `{"ticket":"`+ticketA+`","type":"COMMENT","messageRef":"r-1"}`),
		post(t, server, `{"ticket":"`+ticketB+`","type":"NOTE","bot":true}`),
		post(t, server, `{"ticket":"`+ticketA+`","type":"COMMENT","bot":false,"messageRef":"r-10"}`),
		post(t, server, `{"ticket":"`+ticketA+`","type":"SYSTEM","bot":true,"messageRef":"r-1"}`),
		post(t, server, `{"ticket":"`+ticketB+`","type":"COMMENT","messageRef":"r-1"}`),
	}
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"none", "", m},
		{"ticket", "ticket=" + ticketA, []string{m[0], m[2], m[3]}},
		{"ticket, exactly", "ticket=6752e9a8b7c6d5e4f3a2aaa", []string{}},
		{"type", "type=COMMENT", []string{m[0], m[2], m[4]}},
		{"type, any of a list", "type=COMMENT,NOTE", []string{m[0], m[1], m[2], m[4]}},
		{"bot", "bot=true", []string{m[1], m[3]}},
		{"messageRef", "messageRef=r-1", []string{m[0], m[3], m[4]}},
		{"messageRef, exactly", "messageRef=r-", []string{}},
		{"messageRef in a ticket", "ticket=" + ticketA + "&messageRef=r-10", []string{m[2]}},
		{"not bot, sent as false or not sent", "bot=false", []string{m[0], m[2], m[4]}},
		{"created from, raw", "createdAt>=" + at(2), []string{m[2], m[3], m[4]}},
		{"created from, encoded", "createdAt%3E=" + at(2), []string{m[2], m[3], m[4]}},
		{"created to, raw", "createdAt<=" + at(2), []string{m[0], m[1], m[2]}},
		{"created to, encoded", "createdAt%3C=" + at(2), []string{m[0], m[1], m[2]}},
		{"created between, inclusive", "createdAt>=" + at(1) + "&createdAt<=" + at(3), []string{m[1], m[2], m[3]}},
		{"created in another time zone", "createdAt%3E=" + url.QueryEscape(start.Add(3*time.Second).In(time.FixedZone("CET", 3600)).Format(time.RFC3339)), []string{m[3], m[4]}},
		{"all of them at once", "ticket=" + ticketA + "&type=COMMENT,SYSTEM&bot=true&createdAt>=" + at(1), []string{m[3]}},
		{"language and showHistory change nothing", "language=es&showHistory=true", m},
		{"newest first", "type=COMMENT&sort=-createdAt", []string{m[4], m[2], m[0]}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, listArray(t, server, tc.query), "as a bare array")
			assert.Equal(t, tc.want, listPage(t, server, tc.query).ids(), "as a page")
		})
	}
	t.Cleanup(func() { assert.Empty(t, recorder.failures()) })
}

func TestListWithoutPaginatedIsABareArrayCutBySkipAndLimit(t *testing.T) {
	t.Parallel()
	recorder := &recordingTB{TB: t}
	server := gleaptest.NewServer(recorder)
	ids := postMany(t, server, ticketID, 5)
	other := post(t, server, `{"ticket":"6752e9a8b7c6d5e4f3a21099"}`)

	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"all", "", append(append([]string{}, ids...), other)},
		{"limit", "limit=2", ids[:2]},
		{"skip", "ticket=" + ticketID + "&skip=3", ids[3:]},
		{"skip and limit", "skip=1&limit=2", ids[1:3]},
		{"skip past the end", "skip=10", []string{}},
		{"filtered, then skipped", "ticket=" + ticketID + "&sort=-createdAt&skip=1&limit=3", reversed(ids)[1:4]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, listArray(t, server, tc.query))
		})
	}
	t.Run("an empty list is an empty array", func(t *testing.T) {
		t.Parallel()
		status, _, answer := exchange(t, http.MethodGet, server.URL+"/messages?ticket=nobody", credentials(), "")
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "[]", string(answer))
	})
	t.Cleanup(func() { assert.Empty(t, recorder.failures()) })
}

func TestListSortsByCreationOrLastChange(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithClock(ticking(start)))
	m := postMany(t, server, ticketID, 4)
	for _, changed := range []string{m[1], m[0]} { // m[1] changed before m[0]
		status, _ := send(t, http.MethodPut, server.URL+"/messages/"+changed, credentials(), `{"isNote":true}`)
		require.Equal(t, http.StatusOK, status)
	}

	cases := map[string][]string{
		"":           m,
		"createdAt":  m,
		"-createdAt": {m[3], m[2], m[1], m[0]},
		"updatedAt":  {m[2], m[3], m[1], m[0]},
		"-updatedAt": {m[0], m[1], m[3], m[2]},
	}
	for sort, want := range cases {
		t.Run("sort="+sort, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, want, listArray(t, server, "sort="+sort))
			var paged []string
			for _, p := range walk(t, server, "limit=3&sort="+sort) {
				paged = append(paged, p.ids()...)
			}
			assert.Equal(t, want, paged, "pages follow the same order")
		})
	}
}

func TestListKeepsTheOrderOfCreationForEqualTimes(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, gleaptest.WithClock(func() time.Time { return start }))
	ids := postMany(t, server, ticketID, 5)

	assert.Equal(t, ids, listArray(t, server, "sort=createdAt"))
	assert.Equal(t, reversed(ids), listArray(t, server, "sort=-createdAt"))
	var paged []string
	for _, p := range walk(t, server, "limit=2&sort=-updatedAt") {
		paged = append(paged, p.ids()...)
	}
	assert.Equal(t, reversed(ids), paged)
}

func TestListRefusesQueriesThatBreakTheContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		query  string
		reason string
	}{
		{"bot that is not a boolean", "bot=maybe", "bot"},
		{"a date that is not a date-time", "createdAt>=2026-11-25", "createdAt>"},
		{"a limit of 0", "limit=0", "limit"},
		{"a negative skip", "skip=-1", "skip"},
		{"paginated that is not a boolean", "paginated=yes", "paginated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recorder := &recordingTB{TB: t}
			server := gleaptest.NewServer(recorder)

			status, body := send(t, http.MethodGet, server.URL+"/messages?"+tc.query, credentials(), "")

			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, 400.0, body["statusCode"])
			failures := recorder.failures()
			require.Len(t, failures, 1)
			assert.Contains(t, failures[0], tc.reason)
		})
		t.Run(tc.name+", unchecked", func(t *testing.T) {
			t.Parallel()
			server := gleaptest.NewServer(t, gleaptest.WithoutContractChecks())

			status, body := send(t, http.MethodGet, server.URL+"/messages?"+tc.query, credentials(), "")

			assert.Equal(t, http.StatusBadRequest, status, "the store refuses what it cannot read")
			assert.Contains(t, body["message"], tc.reason)
		})
	}
	t.Run("a sort gleaptest does not know", func(t *testing.T) {
		t.Parallel()
		server := gleaptest.NewServer(t)
		status, body := send(t, http.MethodGet, server.URL+"/messages?sort=colour", credentials(), "")
		assert.Equal(t, http.StatusBadRequest, status, "a documented answer: the test does not fail")
		assert.Contains(t, body["message"], `sort "colour"`)
	})
}
