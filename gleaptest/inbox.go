package gleaptest

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The inbox is a web page that shows what was posted to a server, as Gleap would show it: tickets
// with their conversations, and the requests the contract rejected. Like Mailpit for email, it is
// for looking rather than reading JSON. Everything it shows was sent by a client, so none of it is
// trusted: html/template escapes the page, the comments are rendered by renderComment, and the
// Content-Security-Policy lets no script run but the page's own file.

//go:embed inbox
var inboxFiles embed.FS

// inboxTemplates are the page and the part of it that live updates replace.
var inboxTemplates = template.Must(template.New("").Funcs(template.FuncMap{
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
}).ParseFS(inboxFiles, "inbox/*.html"))

// inboxAssets are the page's stylesheet, script and icon.
var inboxAssets = func() http.Handler {
	assets, err := fs.Sub(inboxFiles, "inbox/assets")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(assets)
}()

// inboxCSP allows the page its own script and stylesheet and nothing else: no inline script or style,
// no plugin, no frame, no base URL, and forms and connections to itself only. Images may come from
// http and https, as a message's images and avatars do; an image cannot run script.
const inboxCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

// The inbox's limits keep the page quick however much the server holds: the newest are shown.
const (
	maxInboxTickets         = 100 // tickets on the page
	maxInboxTicketMessages  = 200 // messages of one ticket
	maxInboxRejected        = 100 // rejected requests
	maxInboxRawBytes        = 64 << 10
	inboxEventThrottle      = 100 * time.Millisecond // changes closer together are announced once
	inboxEventKeepAlive     = 20 * time.Second
	inboxEventWriteDeadline = 10 * time.Second
	// maxInboxEventStreams bounds the live-update streams open at once: each holds a goroutine and a
	// connection for as long as its page stays open, and a page needs one. Far more pages than anyone
	// looks at, few enough that a client opening streams in a loop cannot pile them up.
	maxInboxEventStreams = 64
)

// inboxPrefix is where the inbox serves everything but the page itself.
const inboxPrefix = "/_inbox/"

// WithInbox serves the inbox (see Server.Inbox) at the server's root, next to the API: GET / is the
// page, and its files and endpoints are under /_inbox/. Every other path is the API's, so a request
// to a route Gleap does not have is still refused and recorded. `gleap mock` serves it.
func WithInbox() Option {
	return func(c *config) { c.inbox = true }
}

// Inbox returns a handler that serves a web page showing what the server holds, roughly as Gleap
// would show it: the tickets, newest activity first, each with its conversation (replies, internal
// notes and bot messages told apart, comments rendered from their TipTap documents; the newest 200
// messages, with links that page back through the older ones 200 at a time), and every request the
// contract rejected, with the reason and the status it got. The page follows new traffic without a
// reload (at most 64 pages at once: the live updates of more are refused with 503), filters by ticket,
// and has a button that clears the server (see Clear). Everything but the live updates works without
// script.
//
// The handler serves the page at its root, "/", and the rest under "/_inbox/"; mount it elsewhere with
// http.StripPrefix. Like the API, it answers only requests whose Host is an IP address, localhost or
// the name the server was bound to, so that a web site cannot read it through DNS rebinding, and it
// clears only on a POST that is not cross-origin: one a browser sends from the page itself, or one from
// a client that is no browser, such as curl. WithInbox serves it at the server's own root.
func (s *Server) Inbox() http.Handler {
	return &inbox{server: s}
}

// Clear forgets every stored message, ticket, contact (with its events) and company, every request
// record and the rate limit's counts, as if the server had just started. Scripted faults stay. Ids go on from where they were, so that an id is never
// handed out twice.
func (s *Server) Clear() {
	s.store.clear()
	s.tickets.clear()
	s.contacts.clear()
	s.companies.clear()
	s.limiter.clear()
	s.records.clear()
}

// changes counts the changes to what the inbox shows, and wakes whoever waits for the next one. Every
// change to the store comes with a change to a request record, so the records bump it.
type changes struct {
	mu      sync.Mutex
	version uint64
	next    chan struct{} // closed at the next change; nil while nobody waits
}

// bump counts a change.
func (c *changes) bump() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	if c.next != nil {
		close(c.next)
		c.next = nil
	}
}

// watch returns the number of changes so far, and a channel closed at the next one.
func (c *changes) watch() (uint64, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil {
		c.next = make(chan struct{})
	}
	return c.version, c.next
}

// rootHandler is the server's handler: the API, and the inbox beside it with WithInbox.
func (s *Server) rootHandler(withInbox bool) http.Handler {
	api := http.HandlerFunc(s.serve)
	if !withInbox {
		return api
	}
	page := s.Inbox()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inboxClaims(r) {
			page.ServeHTTP(w, r)
			return
		}
		api(w, r)
	})
}

// inboxClaims reports whether r is for the inbox rather than the API: a GET of the page or the
// browser's icon, or anything under inboxPrefix.
func inboxClaims(r *http.Request) bool {
	path := r.URL.Path
	if strings.HasPrefix(path, inboxPrefix) {
		return true
	}
	return (path == "/" || path == "/favicon.ico") && (r.Method == http.MethodGet || r.Method == http.MethodHead)
}

// inbox serves the page of one server.
type inbox struct {
	server *Server
}

// ServeHTTP routes a request to the page, its files or its endpoints.
func (h *inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Set("Content-Security-Policy", inboxCSP)
	header.Set("X-Content-Type-Options", "nosniff")
	header.Set("Referrer-Policy", "no-referrer")
	header.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !h.server.trustedHost(r.Host) {
		http.Error(w, "The inbox answers only at an IP address, localhost or the name it was bound to, such as http://127.0.0.1:4010/: "+
			"a page that reaches it by another name may be a web site rebinding its name to this machine.",
			http.StatusForbidden)
		return
	}
	switch path := r.URL.Path; {
	case path == "/":
		h.get(w, r, h.page)
	case path == "/favicon.ico":
		w.WriteHeader(http.StatusNoContent)
	case path == inboxPrefix+"fragment":
		h.get(w, r, h.fragment)
	case path == inboxPrefix+"events":
		h.get(w, r, h.events)
	case path == inboxPrefix+"clear":
		h.clear(w, r)
	case strings.HasPrefix(path, inboxPrefix+"assets/"):
		header.Set("Cache-Control", "no-cache")
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(path, inboxPrefix+"assets")
		h.get(w, r2, inboxAssets.ServeHTTP)
	default:
		http.NotFound(w, r)
	}
}

// get answers r with serve when it is a GET or a HEAD, and with 405 otherwise.
func (h *inbox) get(w http.ResponseWriter, r *http.Request, serve http.HandlerFunc) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	serve(w, r)
}

// page serves the whole page.
func (h *inbox) page(w http.ResponseWriter, r *http.Request) {
	h.render(w, "page", h.view(r))
}

// fragment serves the part of the page that live updates replace.
func (h *inbox) fragment(w http.ResponseWriter, r *http.Request) {
	h.render(w, "inbox", h.view(r))
}

// render executes the template name with view into a buffer first, so that a failure is a 500 rather
// than half a page.
func (h *inbox) render(w http.ResponseWriter, name string, view inboxView) {
	var page bytes.Buffer
	if err := inboxTemplates.ExecuteTemplate(&page, name, view); err != nil {
		http.Error(w, "rendering the inbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page.Bytes())
}

// clearProtection refuses a cross-site request: a web page can make a browser POST to loopback.
var clearProtection = http.NewCrossOriginProtection()

// clear empties the server on a same-origin POST, then sends the browser back to the page.
func (h *inbox) clear(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "clearing takes a POST", http.StatusMethodNotAllowed)
		return
	}
	if err := clearProtection.Check(r); err != nil {
		http.Error(w, "the inbox is cleared only from its own page: "+err.Error(), http.StatusForbidden)
		return
	}
	h.server.Clear()
	// Relative, as every address of the page is, so that it holds where the handler is mounted;
	// http.Redirect would make it absolute.
	w.Header().Set("Location", "../")
	w.WriteHeader(http.StatusSeeOther)
}

// events streams server-sent events: one "change" event, whose data is the number of changes so far,
// when the page connects and after every change, at most one per inboxEventThrottle. The page then
// fetches the fragment again. The stream ends when the client goes or the server closes. Past
// maxInboxEventStreams streams open at once, it answers 503 instead.
func (h *inbox) events(w http.ResponseWriter, r *http.Request) {
	select {
	case h.server.eventStreams <- struct{}{}:
		defer func() { <-h.server.eventStreams }()
	default:
		w.Header().Set("Connection", "close") // nor keep the connection of a page that has too many
		http.Error(w, fmt.Sprintf("The inbox streams live updates to at most %d pages at once: close one and reload this page.",
			maxInboxEventStreams), http.StatusServiceUnavailable)
		return
	}
	control := http.NewResponseController(w)
	// The server's read and write timeouts are for API requests; this answer lasts as long as the page.
	_ = control.SetReadDeadline(time.Time{})
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-store")
	keepAlive := time.NewTicker(inboxEventKeepAlive)
	defer keepAlive.Stop()
	send := func(event string) bool {
		_ = control.SetWriteDeadline(time.Now().Add(inboxEventWriteDeadline))
		if _, err := fmt.Fprint(w, event); err != nil {
			return false
		}
		return control.Flush() == nil
	}
	version, changed := h.server.records.changes.watch()
	if !send(fmt.Sprintf("retry: 1000\nevent: change\ndata: %d\n\n", version)) {
		return
	}
	for {
		select {
		case <-changed:
			select { // let a burst of changes end, to announce it once
			case <-time.After(inboxEventThrottle):
			case <-r.Context().Done():
				return
			case <-h.server.closing:
				return
			}
			version, changed = h.server.records.changes.watch()
			if !send(fmt.Sprintf("event: change\ndata: %d\n\n", version)) {
				return
			}
		case <-keepAlive.C:
			if !send(": keep-alive\n\n") {
				return
			}
		case <-r.Context().Done():
			return
		case <-h.server.closing:
			return
		}
	}
}
