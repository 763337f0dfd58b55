package gleaptest

import (
	"net"
	"net/http"
	"strings"
)

// A web page can make a browser send requests to a server on loopback, and read the answers if the page
// rebinds its own name to 127.0.0.1 after it loaded (DNS rebinding): the browser then sends the page's
// name as the Host. So the server answers, on the API and the inbox alike, only requests whose Host is a
// name no web site can rebind: an IP address, localhost, or the name the server was bound to.

// foreignHostMessage is the answer to an API request at another name.
const foreignHostMessage = "gleaptest answers only at an IP address, localhost or the name it was bound to, " +
	"such as http://127.0.0.1:4010/v3: a request that names another host may come from a web page rebinding its name to this machine"

// trustedHost reports whether host, a request's Host header, names this server in a way a web site cannot
// borrow: an IP address (a page at a rebound name sends that name, never the address), localhost or a name
// under .localhost (which browsers resolve to loopback themselves), or the host of WithAddr, which whoever
// started the server chose. The port does not matter, nor a trailing dot or the case. An empty Host
// (HTTP/1.0) is no browser's.
func (s *Server) trustedHost(host string) bool {
	host = canonicalHost(host)
	return host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil ||
		host == s.boundHost
}

// canonicalHost returns the name or address in host, a Host header or an address to listen on, without
// its port, brackets or trailing dot, in lower case.
func canonicalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}

// refuseForeignHost answers a request to the API whose Host is not trusted with 403, as Gleap answers
// a request it does not allow, and records it: whoever wonders why their request was refused finds it.
func (s *Server) refuseForeignHost(w http.ResponseWriter, r *http.Request) {
	s.finish(w, s.records.add(r, nil), errorAnswer(http.StatusForbidden, foreignHostMessage), nil)
}
