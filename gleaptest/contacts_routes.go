package gleaptest

import (
	"net/http"
	"net/url"
	"strings"
)

// sessionsPath is the contacts endpoint (Gleap calls contacts sessions): POST creates one, GET lists them.
const sessionsPath = apiRoot + "/sessions"

// adminPath is the root of Gleap's admin routes, beside the API root.
const adminPath = "/admin"

// routeContacts answers a request to Gleap's contacts, to its admin routes (identify, track, forget)
// or to its companies, as Gleap would; ok is false for a request to any other route.
func (s *Server) routeContacts(r *http.Request, body []byte) (a answer, ok bool) {
	path, method := r.URL.Path, r.Method
	escaped := r.URL.EscapedPath() // a user id or company id may hold a "/", sent as %2F
	switch {
	case path == sessionsPath && method == http.MethodPost:
		return s.contacts.create(body), true
	case path == sessionsPath && method == http.MethodGet:
		return s.contacts.list(r.URL.Query()), true
	case path == sessionsPath+"/search" && method == http.MethodGet:
		return s.contacts.search(r.URL.Query().Get("searchTerm")), true
	case path == sessionsPath+"/unsubscribe" && method == http.MethodPost:
		return s.contacts.unsubscribe(body), true
	case path == adminPath+"/identify" && method == http.MethodPost:
		return s.contacts.identify(body), true
	case path == adminPath+"/track" && method == http.MethodPost:
		return s.contacts.track(body), true
	}
	if userID, ok := lastSegment(escaped, sessionsPath+"/by-user-id/"); ok && method == http.MethodGet {
		return s.contacts.byUser(userID), true
	}
	if userID, ok := lastSegment(escaped, adminPath+"/contacts/"); ok && method == http.MethodDelete {
		return s.forget(userID), true
	}
	if companyID, ok := lastSegment(escaped, adminPath+"/companies/"); ok {
		switch method {
		case http.MethodPut:
			return s.companies.put(companyID, body), true
		case http.MethodGet:
			return s.companies.get(companyID), true
		case http.MethodDelete:
			return s.companies.delete(companyID), true
		}
	}
	if contactID, ok := strings.CutSuffix(escaped, "/resubscribe"); ok && method == http.MethodPut {
		if contactID, ok := lastSegment(contactID, sessionsPath+"/"); ok {
			return s.contacts.resubscribe(contactID), true
		}
	}
	if contactID, ok := lastSegment(escaped, sessionsPath+"/"); ok {
		switch method {
		case http.MethodGet:
			return s.contacts.get(contactID), true
		case http.MethodPut:
			return s.contacts.update(contactID, body), true
		case http.MethodDelete:
			a, _ := s.contacts.delete(contactID)
			return a, true
		}
	}
	return answer{}, false
}

// lastSegment returns what follows prefix in escapedPath, unescaped, when it is one path segment, not
// empty: a "/" escaped in it is part of the segment.
func lastSegment(escapedPath, prefix string) (string, bool) {
	segment, ok := strings.CutPrefix(escapedPath, prefix)
	if !ok || segment == "" || strings.Contains(segment, "/") {
		return "", false
	}
	unescaped, err := url.PathUnescape(segment)
	return unescaped, err == nil
}
