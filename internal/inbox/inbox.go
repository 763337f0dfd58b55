// Package inbox is the web page of `gleap mock`: it shows what was posted to a gleaptest server, as
// Gleap would show it, reading the server through its public Snapshot, Changed and Clear. It lives
// apart from gleaptest, which users import in their tests, so that their test binaries carry neither
// the page nor html/template.
//
//	server, err := gleaptest.Start(gleaptest.WithHandler(inbox.AtRoot(addr)))
package inbox

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/hostcheck"
)

// The inbox is a web page that shows what was posted to a server, as Gleap would show it: tickets
// with their conversations, and the requests the contract rejected. Like Mailpit for email, it is
// for looking rather than reading JSON. Everything it shows was sent by a client, so none of it is
// trusted: html/template escapes the page, the comments are rendered by renderComment, and the
// Content-Security-Policy lets no script run but the page's own file.

//go:embed web
var webFiles embed.FS

// templates are the page and the part of it that live updates replace.
var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	},
}).ParseFS(webFiles, "web/*.html"))

// assets are the page's stylesheet, script and icon.
var assets = func() http.Handler {
	dir, err := fs.Sub(webFiles, "web/assets")
	if err != nil {
		panic(err)
	}
	return http.FileServerFS(dir)
}()

// contentSecurityPolicy allows the page its own script and stylesheet and nothing else: no inline
// script or style, no plugin, no frame, no base URL, and forms and connections to itself only. Images
// may come from http and https, as a message's images and avatars do; an image cannot run script.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' http: https:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

// The inbox's limits keep the page quick however much the server holds: the newest are shown.
const (
	maxTickets         = 100 // tickets on the page
	maxTicketMessages  = 200 // messages of one ticket
	maxRejected        = 100 // rejected requests
	maxWebhooks        = 50  // webhook deliveries
	maxRawBytes        = 64 << 10
	eventThrottle      = 100 * time.Millisecond // changes closer together are announced once
	eventKeepAlive     = 20 * time.Second
	eventWriteDeadline = 10 * time.Second
	// maxEventStreams bounds the live-update streams open at once: each holds a goroutine and a
	// connection for as long as its page stays open, and a page needs one. Far more pages than anyone
	// looks at, few enough that a client opening streams in a loop cannot pile them up.
	maxEventStreams = 64
)

// inboxPrefix is where the inbox serves everything but the page itself.
const inboxPrefix = "/_inbox/"

// Inbox is the web page of one gleaptest server: GET / is the page, and its files and endpoints are
// under /_inbox/. It shows the tickets, newest activity first, each with its conversation (replies,
// internal notes and bot messages told apart, comments rendered from their TipTap documents; the newest
// 200 messages, with links that page back through the older ones 200 at a time), and every request the
// contract rejected, with the reason and the status it got. The page follows new traffic without a
// reload (at most 64 pages at once: the live updates of more are refused with 503), filters by ticket,
// and has a button that clears the server (gleaptest.Server.Clear). Everything but the live updates
// works without script.
//
// Mount it elsewhere than at a root with http.StripPrefix. Like gleaptest's API, it answers only
// requests whose Host is an IP address, localhost or the name the server was bound to, so that a web
// site cannot read it through DNS rebinding, and it clears only on a POST that is not cross-origin: one
// a browser sends from the page itself, or one from a client that is no browser, such as curl.
type Inbox struct {
	server    *gleaptest.Server
	boundHost string        // the host of the address the server was bound to: requests may name it
	streams   chan struct{} // one token per live-update stream open now
}

// New returns the inbox of server. boundAddr is the address given to gleaptest.WithAddr, whose host
// the page may be reached by besides an IP address and localhost ("" for none).
func New(server *gleaptest.Server, boundAddr string) *Inbox {
	return &Inbox{server: server, boundHost: hostcheck.Canonical(boundAddr), streams: make(chan struct{}, maxEventStreams)}
}

// AtRoot serves the inbox at the root of a gleaptest server, beside its API, for gleaptest.WithHandler:
// GET / is the page, and its files and endpoints are under /_inbox/. Every other request is the API's,
// so that a request to a route Gleap does not have is still refused and recorded. boundAddr is as for
// New. `gleap mock` serves it so.
func AtRoot(boundAddr string) func(server *gleaptest.Server, api http.Handler) http.Handler {
	return func(server *gleaptest.Server, api http.Handler) http.Handler {
		page := New(server, boundAddr)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if claims(r) {
				page.ServeHTTP(w, r)
				return
			}
			api.ServeHTTP(w, r)
		})
	}
}

// claims reports whether r is for the inbox rather than the API: a GET of the page or the browser's
// icon, or anything under inboxPrefix.
func claims(r *http.Request) bool {
	path := r.URL.Path
	if strings.HasPrefix(path, inboxPrefix) {
		return true
	}
	return (path == "/" || path == "/favicon.ico") && (r.Method == http.MethodGet || r.Method == http.MethodHead)
}

// ServeHTTP routes a request to the page, its files or its endpoints.
func (h *Inbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Set("Content-Security-Policy", contentSecurityPolicy)
	header.Set("X-Content-Type-Options", "nosniff")
	header.Set("Referrer-Policy", "no-referrer")
	header.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !hostcheck.Trusted(r.Host, h.boundHost) {
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
		h.get(w, r2, assets.ServeHTTP)
	default:
		http.NotFound(w, r)
	}
}

// get answers r with serve when it is a GET or a HEAD, and with 405 otherwise.
func (h *Inbox) get(w http.ResponseWriter, r *http.Request, serve http.HandlerFunc) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	serve(w, r)
}

// page serves the whole page.
func (h *Inbox) page(w http.ResponseWriter, r *http.Request) {
	h.render(w, "page", h.view(r))
}

// fragment serves the part of the page that live updates replace.
func (h *Inbox) fragment(w http.ResponseWriter, r *http.Request) {
	h.render(w, "inbox", h.view(r))
}

// render executes the template name with view into a buffer first, so that a failure is a 500 rather
// than half a page.
func (h *Inbox) render(w http.ResponseWriter, name string, view inboxView) {
	var page bytes.Buffer
	if err := templates.ExecuteTemplate(&page, name, view); err != nil {
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
func (h *Inbox) clear(w http.ResponseWriter, r *http.Request) {
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

// events streams server-sent events: one "change" event, whose data is the server's Version, when the
// page connects and after every change, at most one per eventThrottle. The page then fetches the
// fragment again. The stream ends when the client goes, or when the server closes (gleaptest.WithHandler
// ends the request's context then). Past maxEventStreams streams open at once, it answers 503
// instead.
func (h *Inbox) events(w http.ResponseWriter, r *http.Request) {
	select {
	case h.streams <- struct{}{}:
		defer func() { <-h.streams }()
	default:
		w.Header().Set("Connection", "close") // nor keep the connection of a page that has too many
		http.Error(w, fmt.Sprintf("The inbox streams live updates to at most %d pages at once: close one and reload this page.",
			maxEventStreams), http.StatusServiceUnavailable)
		return
	}
	control := http.NewResponseController(w)
	// The server's read and write timeouts are for API requests; this answer lasts as long as the page.
	_ = control.SetReadDeadline(time.Time{})
	header := w.Header()
	header.Set("Content-Type", "text/event-stream")
	header.Set("Cache-Control", "no-store")
	keepAlive := time.NewTicker(eventKeepAlive)
	defer keepAlive.Stop()
	send := func(event string) bool {
		_ = control.SetWriteDeadline(time.Now().Add(eventWriteDeadline))
		if _, err := fmt.Fprint(w, event); err != nil {
			return false
		}
		return control.Flush() == nil
	}
	version := h.server.Version()
	if !send(fmt.Sprintf("retry: 1000\nevent: change\ndata: %d\n\n", version)) {
		return
	}
	for {
		select {
		case <-h.server.Changed(version):
			select { // let a burst of changes end, to announce it once
			case <-time.After(eventThrottle):
			case <-r.Context().Done():
				return
			}
			version = h.server.Version()
			if !send(fmt.Sprintf("event: change\ndata: %d\n\n", version)) {
				return
			}
		case <-keepAlive.C:
			if !send(": keep-alive\n\n") {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}
