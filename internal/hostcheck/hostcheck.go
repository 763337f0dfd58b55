// Package hostcheck decides which names a server on loopback answers at. A web page can make a browser
// send requests to a server on loopback, and read the answers if the page rebinds its own name to
// 127.0.0.1 after it loaded (DNS rebinding): the browser then sends the page's name as the Host. So
// gleaptest's API and the inbox of `gleap mock` answer only requests whose Host is a name no web site
// can rebind: an IP address, localhost, or the name the server was bound to.
package hostcheck

import (
	"net"
	"strings"
)

// Trusted reports whether host, a request's Host header, names a server bound to the host boundHost
// (as Canonical gives it) in a way a web site cannot borrow: an IP address (a page at a rebound name
// sends that name, never the address), localhost or a name under .localhost (which browsers resolve to
// loopback themselves), or boundHost, which whoever started the server chose. The port does not
// matter, nor a trailing dot or the case. An empty Host (HTTP/1.0) is no browser's.
func Trusted(host, boundHost string) bool {
	host = Canonical(host)
	return host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") || net.ParseIP(host) != nil ||
		host == boundHost
}

// Canonical returns the name or address in host, a Host header or an address to listen on, without
// its port, brackets or trailing dot, in lower case.
func Canonical(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}
