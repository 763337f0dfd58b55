package inbox_test

import (
	"bufio"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/inbox"
)

// inboxURL returns the address of server's inbox: the root of its address.
func inboxURL(server *gleaptest.Server) string {
	return strings.TrimSuffix(server.URL, "/v3") + "/"
}

// atRoot serves the inbox at a server's root, as `gleap mock` does.
var atRoot = gleaptest.WithHandler(inbox.AtRoot(""))

// startWithInbox runs a server with the inbox that does not fail the test on a contract violation,
// for tests that send requests the contract rejects.
func startWithInbox(t *testing.T, opts ...gleaptest.Option) *gleaptest.Server {
	t.Helper()
	server, err := gleaptest.Start(append(opts, atRoot)...)
	require.NoError(t, err)
	t.Cleanup(server.Close)
	return server
}

// getPage fetches url and returns the status, the headers and the body.
func getPage(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	status, header, body := exchange(t, http.MethodGet, url, http.Header{}, "")
	return status, header, string(body)
}

func TestInboxShowsTicketsNewestActivityFirst(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	post(t, server, `{"ticket":"ticket-a","comment":"Thanks for the report!","messageRef":"crm-1"}`)
	post(t, server, `{"ticket":"ticket-b","comment":"Customer is on the enterprise plan.","isNote":true,"user":"agent-7"}`)
	post(t, server, `{"ticket":"ticket-a","comment":"Here is your invoice.","bot":true,`+
		`"attachments":[{"name":"invoice.pdf","url":"https://files.example.com/invoice.pdf","type":"application/pdf"}]}`)

	status, header, page := getPage(t, inboxURL(server))
	require.Equal(t, http.StatusOK, status, page)
	assert.Equal(t, "text/html; charset=utf-8", header.Get("Content-Type"))

	ticketA, ticketB := strings.Index(page, `aria-label="Ticket ticket-a"`), strings.Index(page, `aria-label="Ticket ticket-b"`)
	require.True(t, ticketA > 0 && ticketB > 0, page)
	assert.Less(t, ticketA, ticketB, "ticket-a has the newest activity")
	reply, bot := strings.Index(page, "Thanks for the report!"), strings.Index(page, "Here is your invoice.")
	assert.Less(t, reply, bot, "a conversation reads oldest first")
	assert.Less(t, ticketB, strings.Index(page, "Customer is on the enterprise plan."))

	assert.Contains(t, page, `<article class="msg msg-reply"`)
	assert.Contains(t, page, `<article class="msg msg-note"`)
	assert.Contains(t, page, `<article class="msg msg-bot"`)
	assert.Contains(t, page, `<span class="badge badge-note">Internal note</span>`)
	assert.Contains(t, page, `<p class="note-banner">Internal: only the team sees this note, never the contact.</p>`)
	assert.Contains(t, page, `<span class="author">Team member</span><span class="author-id">agent-7</span>`)
	assert.Contains(t, page, `messageRef <code>crm-1</code>`)
	assert.Contains(t, page, `<a href="https://files.example.com/invoice.pdf" rel="noopener noreferrer nofollow" target="_blank">invoice.pdf</a>`)
	assert.Contains(t, page, `<summary>Raw JSON</summary>`)
	assert.Contains(t, page, `&#34;messageRef&#34;: &#34;crm-1&#34;`, "the raw JSON, indented")
	assert.NotContains(t, page, "Rejected requests", "every request conformed")

	status, _, page = getPage(t, inboxURL(server)+"?ticket=ticket-b")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "Customer is on the enterprise plan.")
	assert.NotContains(t, page, "Thanks for the report!", "the filter shows one ticket")
	assert.Contains(t, page, `<a class="tlink" href="?ticket=ticket-a">`, "the sidebar still lists every ticket")
}

func TestInboxShowsMessagesWithoutATicketAndChanges(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	post(t, server, `{"ticket":"ticket-a","comment":"in a ticket"}`)
	id := post(t, server, `{"comment":"in no ticket"}`)
	status, _ := send(t, http.MethodPut, server.URL+"/messages/"+id, credentials(), `{"comment":"in no ticket, changed"}`)
	require.Equal(t, http.StatusOK, status)

	_, _, page := getPage(t, inboxURL(server))
	assert.Contains(t, page, `<a class="tlink" href="?ticketless=1">`)
	assert.Contains(t, page, "in no ticket, changed")
	assert.Contains(t, page, "<span>edited ", "a changed message says so")

	_, _, page = getPage(t, inboxURL(server)+"?ticketless=1")
	assert.Contains(t, page, "in no ticket, changed")
	assert.NotContains(t, page, "in a ticket<")

	_, _, page = getPage(t, inboxURL(server)+"?ticket=nothing-here")
	assert.Contains(t, page, "No message is stored for this ticket.")
}

func TestInboxShowsHostileContentAsText(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	const xss = `<img src=x onerror=alert(1)>`
	post(t, server, `{"ticket":"t\"><script>alert(1)</script>","comment":{"type":"doc","content":[{"type":"paragraph","content":[`+
		`{"type":"text","text":"<img src=x onerror=alert(1)>"},`+
		`{"type":"text","text":"click","marks":[{"type":"link","attrs":{"href":"javascript:alert(1)"}}]}]}]},`+
		`"messageRef":"<img src=x onerror=alert(1)>","fallbackUser":{"username":"<img src=x onerror=alert(1)>"},`+
		`"attachments":[{"name":"<img src=x onerror=alert(1)>","url":"https://example.com/\"onmouseover=alert(1)"}]}`)

	status, _, page := getPage(t, inboxURL(server))
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, page, xss)
	assert.NotContains(t, page, "<script>alert")
	assert.NotContains(t, page, `href="javascript:`)
	assert.NotContains(t, page, `"onmouseover`)
	assert.Contains(t, page, "&lt;img src=x onerror=alert(1)&gt;")
	assert.Contains(t, page, `<span class="tt-refused-link">click <span class="tt-refused">(link not followed: javascript:alert(1))</span></span>`)
}

func TestInboxListsRejectedRequestsWithReasonAndStatus(t *testing.T) {
	t.Parallel()
	server := startWithInbox(t)
	status, _ := send(t, http.MethodPost, server.URL+"/messages", http.Header{"Content-Type": {"application/json"}}, `{"ticket":"ticket-a"}`)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = send(t, http.MethodPost, server.URL+"/messages", credentials(), `{"ticket":"ticket-b","isNote":"yes"}`)
	require.Equal(t, http.StatusBadRequest, status)
	post(t, server, `{"ticket":"ticket-a","comment":"fine"}`)

	_, _, page := getPage(t, inboxURL(server))
	assert.Contains(t, page, "Rejected requests")
	assert.Contains(t, page, `<span class="status">401</span>`)
	assert.Contains(t, page, `<span class="status">400</span>`)
	assert.Contains(t, page, `missing &#34;Authorization: Bearer &lt;key&gt;&#34; header`, "the validator's reason")
	assert.Contains(t, page, "isNote")
	assert.Less(t, strings.Index(page, `<span class="status">400</span>`), strings.Index(page, `<span class="status">401</span>`), "newest first")

	_, _, page = getPage(t, inboxURL(server)+"?ticket=ticket-a")
	assert.Contains(t, page, `<span class="status">401</span>`, "the rejected request names ticket-a")
	assert.NotContains(t, page, `<span class="status">400</span>`, "it names ticket-b")
}

func TestInboxSendsAStrictContentSecurityPolicy(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; " +
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"
	for path, contentType := range map[string]string{
		"":                        "text/html; charset=utf-8",
		"_inbox/fragment":         "text/html; charset=utf-8",
		"_inbox/assets/inbox.css": "text/css; charset=utf-8",
		"_inbox/assets/inbox.js":  "text/javascript; charset=utf-8",
		"_inbox/assets/icon.svg":  "image/svg+xml",
	} {
		status, header, body := getPage(t, inboxURL(server)+path)
		assert.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		assert.Equal(t, contentType, header.Get("Content-Type"), path)
		assert.Equal(t, csp, header.Get("Content-Security-Policy"), path)
		assert.Equal(t, "nosniff", header.Get("X-Content-Type-Options"), path)
	}
	status, _, _ := getPage(t, inboxURL(server)+"_inbox/nothing")
	assert.Equal(t, http.StatusNotFound, status)
	status, _, _ = exchange(t, http.MethodPost, inboxURL(server)+"_inbox/fragment", http.Header{}, "")
	assert.Equal(t, http.StatusMethodNotAllowed, status)
}

// statusAt returns the status of a GET of url whose Host header is host.
func statusAt(t *testing.T, url, host string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func TestInboxAnswersOnlyAtAnIPAddressOrLocalhost(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	port := server.URL[strings.LastIndex(server.URL, ":")+1 : len(server.URL)-len("/v3")]
	for host, want := range map[string]int{
		"127.0.0.1:" + port:         http.StatusOK,
		"localhost:" + port:         http.StatusOK,
		"LOCALHOST.:" + port:        http.StatusOK,
		"app.localhost:" + port:     http.StatusOK,
		"[::1]:" + port:             http.StatusOK,
		"10.0.0.5":                  http.StatusOK,
		"rebound.example:" + port:   http.StatusForbidden,
		"localhost.example:" + port: http.StatusForbidden,
	} {
		assert.Equal(t, want, statusAt(t, inboxURL(server), host), host)
	}
}

func TestInboxAnswersAtTheNameItsServerWasBoundTo(t *testing.T) {
	t.Parallel()
	page := httptest.NewServer(inbox.New(gleaptest.NewServer(t), "mock.internal:4010"))
	defer page.Close()
	for host, want := range map[string]int{
		"mock.internal:4010":  http.StatusOK,
		"MOCK.internal.":      http.StatusOK,
		"other.internal:4010": http.StatusForbidden,
	} {
		assert.Equal(t, want, statusAt(t, page.URL+"/", host), host)
	}
}

func TestInboxListsARequestTooLargeToCheck(t *testing.T) {
	t.Parallel()
	server := startWithInbox(t)
	status, _, _ := exchange(t, http.MethodPost, server.URL+"/messages", credentials(), `{"comment":"`+strings.Repeat("x", 2<<20)+`"}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, status)

	_, _, page := getPage(t, inboxURL(server))
	assert.Contains(t, page, `<span class="status">413</span>`)
	assert.Contains(t, page, "the request body is larger than the server accepts")
}

func TestInboxClearsOnlyOnASameOriginPost(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	post(t, server, `{"ticket":"ticket-a","comment":"keep me"}`)
	clearURL := inboxURL(server) + "_inbox/clear"
	origin := strings.TrimSuffix(inboxURL(server), "/")

	refused := []struct {
		name   string
		method string
		header http.Header
		want   int
	}{
		{"a GET", http.MethodGet, http.Header{}, http.StatusMethodNotAllowed},
		{"a cross-site POST", http.MethodPost, http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"a POST from a sibling site", http.MethodPost, http.Header{"Sec-Fetch-Site": {"same-site"}}, http.StatusForbidden},
		{"a POST from another origin", http.MethodPost, http.Header{"Origin": {"http://evil.example"}}, http.StatusForbidden},
		{"a POST from another port", http.MethodPost, http.Header{"Origin": {"http://127.0.0.1:1"}}, http.StatusForbidden},
	}
	for _, tc := range refused {
		status, _, body := exchange(t, tc.method, clearURL, tc.header, "")
		assert.Equal(t, tc.want, status, "%s: %s", tc.name, body)
	}
	require.Len(t, server.Messages(), 1, "nothing was cleared")

	req, err := http.NewRequest(http.MethodPost, clearURL, nil)
	require.NoError(t, err)
	req.Header = http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {origin}}
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirects.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "../", resp.Header.Get("Location"), "back to the page")
	assert.Empty(t, server.Messages())
	assert.Empty(t, server.Requests())
}

func TestInboxRequestsAreNotTheAPIs(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	for _, path := range []string{"", "favicon.ico", "_inbox/fragment", "_inbox/assets/inbox.css", "_inbox/nothing"} {
		exchange(t, http.MethodGet, inboxURL(server)+path, http.Header{}, "")
	}
	assert.Empty(t, server.Requests(), "the inbox's own requests are not recorded")

	without := startWithInbox(t)
	plain, err := gleaptest.Start()
	require.NoError(t, err)
	defer plain.Close()
	status, _ := send(t, http.MethodGet, inboxURL(plain), http.Header{}, "")
	assert.Equal(t, http.StatusNotFound, status, "without the inbox the root is a route Gleap does not have")
	require.Len(t, plain.Requests(), 1)
	assert.Error(t, plain.Requests()[0].Violation)

	status, _ = send(t, http.MethodPost, inboxURL(without), credentials(), `{}`)
	assert.Equal(t, http.StatusNotFound, status, "with it, a POST to the root is still the API's")
	assert.Len(t, without.Requests(), 1)
}

func TestInboxMountsUnderAPrefix(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t)
	post(t, server, `{"ticket":"ticket-a","comment":"mounted"}`)
	mux := http.NewServeMux()
	mux.Handle("/debug/gleap/", http.StripPrefix("/debug/gleap", inbox.New(server, "")))
	site := httptest.NewServer(mux)
	defer site.Close()

	status, _, page := getPage(t, site.URL+"/debug/gleap/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "mounted")
	assert.Contains(t, page, `href="_inbox/assets/inbox.css"`, "relative, so that it resolves under the prefix")
	status, _, _ = getPage(t, site.URL+"/debug/gleap/_inbox/assets/inbox.css")
	assert.Equal(t, http.StatusOK, status)
}

// nextEvent reads events until a "change" event and returns its data.
func nextEvent(t *testing.T, events *bufio.Reader) int {
	t.Helper()
	for {
		line, err := events.ReadString('\n')
		require.NoError(t, err)
		if data, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "data: "); ok {
			version, err := strconv.Atoi(data)
			require.NoError(t, err)
			return version
		}
	}
}

func TestInboxEventsAnnounceEveryChange(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, inboxURL(server)+"_inbox/events", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := bufio.NewReader(resp.Body)

	connected := nextEvent(t, events)
	post(t, server, `{"ticket":"ticket-a","comment":"new"}`)
	assert.Greater(t, nextEvent(t, events), connected, "the post is announced")
	server.Clear()
	assert.Greater(t, nextEvent(t, events), connected+1, "so is clearing")
}

func TestCloseEndsTheInboxEvents(t *testing.T) {
	t.Parallel()
	server, err := gleaptest.Start(atRoot)
	require.NoError(t, err)
	resp, err := http.Get(inboxURL(server) + "_inbox/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	nextEvent(t, bufio.NewReader(resp.Body))

	start := time.Now()
	server.Close()
	assert.Less(t, time.Since(start), 3*time.Second, "Close does not wait for the page to go")
	_, err = io.ReadAll(resp.Body)
	assert.NoError(t, err, "the stream ends cleanly")
}

func TestInboxEventsAreCappedAt64Streams(t *testing.T) {
	t.Parallel()
	const maxStreams = 64 // as documented in Inbox
	server := gleaptest.NewServer(t, atRoot)
	transport := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: maxStreams + 1}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	open := func() *http.Response {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, inboxURL(server)+"_inbox/events", nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		return resp
	}

	streams := make([]*http.Response, maxStreams)
	for i := range streams {
		streams[i] = open()
		require.Equal(t, http.StatusOK, streams[i].StatusCode, "stream %d", i)
		nextEvent(t, bufio.NewReader(streams[i].Body)) // the server is streaming it
	}
	refused := open()
	refused.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, refused.StatusCode, "one stream past the cap")
	assert.True(t, refused.Close, "and its connection is not kept either")

	streams[0].Body.Close() // a page goes away: its slot comes free once the server notices
	assert.Eventually(t, func() bool {
		resp := open()
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond)
	for _, stream := range streams[1:] {
		stream.Body.Close()
	}
}

// olderLink returns the address of the page's "Show older" link, resolved against the inbox, or "".
func olderLink(t *testing.T, server *gleaptest.Server, page string) string {
	t.Helper()
	match := regexp.MustCompile(`<a class="older" href="([^"]*)"`).FindStringSubmatch(page)
	if match == nil {
		return ""
	}
	return inboxURL(server) + html.UnescapeString(match[1])
}

func TestInboxPagesAConversationPastItsNewest200Messages(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	ids := postMany(t, server, "ticket-a", 405)
	post(t, server, `{"ticket":"ticket-b","comment":"another ticket"}`)
	shows := func(page string, from, to int) {
		t.Helper()
		for i, id := range ids {
			assert.Equal(t, i >= from && i < to, strings.Contains(page, `id="message-`+id+`"`), "message %d", i)
		}
	}

	_, _, page := getPage(t, inboxURL(server))
	shows(page, 205, 405)
	assert.Contains(t, page, "205 older messages not shown")
	older := olderLink(t, server, page)
	require.NotEmpty(t, older, "a link to the older messages, which works without script")

	for _, want := range []struct{ from, to, olderNotShown, newerNotShown int }{{5, 205, 5, 200}, {0, 5, 0, 400}} {
		status, _, page := getPage(t, older)
		require.Equal(t, http.StatusOK, status)
		shows(page, want.from, want.to)
		assert.NotContains(t, page, "another ticket", "the older messages of one ticket")
		if want.olderNotShown > 0 {
			assert.Contains(t, page, strconv.Itoa(want.olderNotShown)+" older messages not shown")
		}
		assert.Contains(t, page, strconv.Itoa(want.newerNotShown)+" newer messages not shown")
		assert.Contains(t, page, `<a class="newest" href="?ticket=ticket-a">`, "and back to the newest")
		older = olderLink(t, server, page)
	}
	assert.Empty(t, older, "the oldest page has no older one")

	_, _, fragment := getPage(t, inboxURL(server)+"_inbox/fragment?ticket=ticket-a&before="+ids[5])
	shows(fragment, 0, 5) // live updates fetch the fragment for the same page

	status, _, page := getPage(t, inboxURL(server)+"?ticket=ticket-a&before=gone")
	require.Equal(t, http.StatusOK, status)
	shows(page, 205, 405)
	assert.Contains(t, page, "is no longer stored")
}

func TestInboxShowsEachTicketsTitleStatusPriorityTagsAndAssignee(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	status, composed := send(t, http.MethodPost, server.URL+"/tickets/compose", credentials(),
		`{"type":"BUG","title":"Invoices <b>do not</b> load","message":"They time out.","priority":"HIGH",`+
			`"tags":["billing","vip"],"email":"customer@example.com"}`)
	require.Equal(t, http.StatusOK, status, composed)
	ticketID, _ := composed["id"].(string)
	require.NotEmpty(t, ticketID)
	status, _, page := getPage(t, inboxURL(server)+"?ticket="+ticketID)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "Invoices &lt;b&gt;do not&lt;/b&gt; load", "the title, as text")
	assert.Contains(t, page, `<span class="badge badge-priority">HIGH</span>`)
	assert.Contains(t, page, `<span class="tag">billing</span> <span class="tag">vip</span>`)
	assert.Contains(t, page, "<dt>Assignee</dt><dd>nobody</dd>")
	assert.Contains(t, page, "They time out.", "the first message hangs off the ticket")

	status, _ = send(t, http.MethodPut, server.URL+"/tickets/"+ticketID, credentials(), `{"status":"DONE","processingUser":"agent-7"}`)
	require.Equal(t, http.StatusOK, status)
	_, _, page = getPage(t, inboxURL(server)+"?ticket="+ticketID)
	assert.Contains(t, page, `<span class="badge badge-status">DONE</span>`, "a change shows at the next look")
	assert.Contains(t, page, "<dt>Assignee</dt><dd>agent-7</dd>")
}

func TestInboxShowsTheContactOfEachTicket(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	status, contact := send(t, http.MethodPost, server.URL+"/sessions", credentials(),
		`{"userId":"user-4711","name":"Ada <Lovelace>","email":"ada@example.com"}`)
	require.Equal(t, http.StatusOK, status, contact)
	contactID, _ := contact["_id"].(string)
	require.NotEmpty(t, contactID)

	compose := func(body string) string {
		t.Helper()
		status, ticket := send(t, http.MethodPost, server.URL+"/tickets/compose", credentials(), body)
		require.Equal(t, http.StatusOK, status, ticket)
		id, _ := ticket["id"].(string)
		require.NotEmpty(t, id)
		return id
	}
	contactOf := func(ticketID string) string {
		t.Helper()
		status, _, page := getPage(t, inboxURL(server)+"?ticket="+ticketID)
		require.Equal(t, http.StatusOK, status)
		_, after, found := strings.Cut(page, "<dt>Contact</dt>")
		require.True(t, found, "the ticket's fields show a contact")
		shown, _, _ := strings.Cut(after, "</dd>")
		return shown
	}
	stored := `<dd class="ticket-contact">Ada &lt;Lovelace&gt; &lt;ada@example.com&gt; · user id user-4711`
	assert.Equal(t, stored, contactOf(compose(`{"type":"BUG","title":"By id","session":"`+contactID+`"}`)),
		"a ticket for a stored contact shows its name, e-mail address and user id, as text")
	assert.Equal(t, stored, contactOf(compose(`{"type":"BUG","title":"By address","email":"ADA@example.com"}`)),
		"a ticket composed for a stored contact's address shows that contact")
	assert.Equal(t, `<dd class="ticket-contact">grace@example.com`,
		contactOf(compose(`{"type":"BUG","title":"Stranger","email":"grace@example.com"}`)),
		"a ticket for an address no contact had shows the contact compose made of the address")
	assert.Equal(t, `<dd class="ticket-contact">0123456789abcdef01234567`,
		contactOf(compose(`{"type":"BUG","title":"Unknown id","session":"0123456789abcdef01234567"}`)),
		"a ticket for a contact the server does not store shows its id")
	assert.Equal(t, `<dd class="ticket-contact"><span class="muted">none</span>`,
		contactOf(compose(`{"type":"BUG","title":"Nobody's"}`)))

	byAddress := compose(`{"type":"QUESTION","title":"Ada's, by address","email":"ada@example.com"}`)
	status, _ = send(t, http.MethodPut, server.URL+"/sessions/"+contactID, credentials(), `{"name":"Ada King","email":"ada.king@example.com"}`)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, `<dd class="ticket-contact">Ada King &lt;ada.king@example.com&gt; · user id user-4711`, contactOf(byAddress),
		"a change of the contact shows at the next look, on the tickets composed for its old address too")

	// Another contact takes Ada's old address, and a third shares it: Ada's tickets stay Ada's.
	for _, body := range []string{`{"userId":"bob-2","name":"Bob","email":"ada@example.com"}`, `{"userId":"eve-9","name":"Eve","email":"ada@example.com"}`} {
		status, _ = send(t, http.MethodPost, server.URL+"/sessions", credentials(), body)
		require.Equal(t, http.StatusOK, status)
	}
	assert.Contains(t, contactOf(byAddress), "user id user-4711", "a ticket never shows another contact that has its address")
	assert.Contains(t, contactOf(compose(`{"type":"BUG","title":"Bob's","email":"ada@example.com"}`)), "user id bob-2",
		"compose finds the contact created first of those with the address")
}

func TestInboxListsATicketWithoutMessages(t *testing.T) {
	t.Parallel()
	server := gleaptest.NewServer(t, atRoot)
	status, created := send(t, http.MethodPost, server.URL+"/tickets", credentials(), `{"type":"INQUIRY","title":"Quiet ticket"}`)
	require.Equal(t, http.StatusOK, status, created)
	_, _, page := getPage(t, inboxURL(server))
	assert.Contains(t, page, `<span class="tname">Quiet ticket</span>`, "in the sidebar")
	assert.Contains(t, page, `aria-label="Ticket `+created["id"].(string)+`"`)
}
