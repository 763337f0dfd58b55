package gleaptest

import (
	"net/http"
)

// mount makes the server's handler from the API's: see WithHandler.
type mount func(server *Server, api http.Handler) http.Handler

// WithHandler serves pages of your own beside the API, on the server's own address: Start calls mount
// once, before it serves, with the server and the API's handler, and every request then goes to the
// handler mount returns, which hands the API's requests on to api. `gleap mock` serves its inbox so, at
// the root, with the API under /v3. Given several times, each mount wraps what the ones before made.
//
// A request the returned handler answers itself is the handler's alone: it is not recorded, not checked
// against any document, and gets none of the API's answers (not even 403 for a host a web page could
// rebind: see Start); the connection limits of the server still hold, and its context ends when Close
// starts, as every request's does, so that an answer that lasts, such as a stream of events, does not
// hold Close up. A request handed on to api is served as without WithHandler.
func WithHandler(mount func(server *Server, api http.Handler) http.Handler) Option {
	return func(c *config) { c.mounts = append(c.mounts, mount) }
}

// rootHandler is the server's handler: the API's, or what the mounts of WithHandler make of it.
func (s *Server) rootHandler() http.Handler {
	var root http.Handler = http.HandlerFunc(s.serve)
	for _, mount := range s.mounts {
		root = mount(s, root)
	}
	return root
}
