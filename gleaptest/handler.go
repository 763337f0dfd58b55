package gleaptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gleap-community/gleap-go/internal/contract"
)

// apiRoot is the path of the API root, as in openapi.yaml's server URL.
const apiRoot = "/v3"

// messagesPath is the messages endpoint: POST creates a message, GET lists them.
const messagesPath = apiRoot + "/messages"

// searchPath is where GET searches the messages.
const searchPath = messagesPath + "/search"

// serve answers one request. It refuses a request at a name a web site could rebind (403), reads the
// body within the size cap and records the request, then answers: 413 or 400 for a body too large or
// unreadable, and as Gleap would for anything else.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		return
	}
	defer s.handlers.Done()
	if !s.trustedHost(r.Host) {
		s.refuseForeignHost(w, r)
		return
	}
	body, err := readBody(w, r)
	record := s.records.add(r, body)
	switch {
	case errors.Is(err, errTooLarge):
		s.finish(w, record, errorAnswer(http.StatusRequestEntityTooLarge, err.Error()), nil)
	case err != nil:
		s.finish(w, record, errorAnswer(http.StatusBadRequest, "the request body could not be read: "+err.Error()), nil)
	default:
		s.serveAPI(w, r, body, record)
	}
}

// serveAPI answers a request to Gleap's API. A request that breaks the contract is refused; a valid
// one with another key than WithRequiredKey's gets a 401, one past the rate limit a 429, else the
// scripted fault, or else the store's answer. The answer is checked too.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, body []byte, record *Request) {
	exchange, status, violation := s.checkRequest(r, body)
	if violation != nil {
		s.finish(w, record, errorAnswer(status, violation.Error()), violation)
		return
	}
	if !s.acceptsKey(r) {
		s.respond(w, record, exchange, errorAnswer(http.StatusUnauthorized, wrongKeyMessage))
		return
	}
	if wait := s.limiter.admit(projectOf(r)); wait > 0 {
		s.respond(w, record, exchange, tooManyRequests(wait))
		return
	}
	fault := s.nextFault()
	if fault == nil {
		s.respond(w, record, exchange, s.routeAndNotify(r, body))
		return
	}
	if fault.Delay > 0 && !s.hold(w, r, fault.Delay) {
		hangUp(w)
		s.log(record)
		return
	}
	if fault.Handler != nil {
		fault.Handler.ServeHTTP(w, withBody(r, body))
		s.log(record)
		return
	}
	s.respond(w, record, exchange, fault.answer(func() answer { return s.routeAndNotify(r, body) }))
}

// checkRequest checks r, whose body is body, against openapi.yaml (unless the traffic is not checked),
// then against the documents of WithRequestsCheckedAgainst. It returns the first violation, with the
// status to refuse r with, or else what respond needs to check the answer (nil when the traffic is not
// checked).
func (s *Server) checkRequest(r *http.Request, body []byte) (*contract.Exchange, int, error) {
	var exchange *contract.Exchange
	if s.contract != nil {
		checked, status, violation := s.contract.CheckRequest(r, body)
		if violation != nil {
			return nil, status, violation
		}
		exchange = checked
	}
	if status, violation := s.published.CheckRequest(r, body); violation != nil {
		return nil, status, violation
	}
	return exchange, 0, nil
}

// route answers a request to the API as Gleap would. Of Gleap's routes, gleaptest has the messages':
// POST and GET /v3/messages, GET /v3/messages/search, PUT and DELETE /v3/messages/{messageId}; and the
// tickets' (tickets.go); and the contacts' and the admin routes of routeContacts.
func (s *Server) route(r *http.Request, body []byte) answer {
	if a, ok := s.tickets.route(r, body); ok {
		return a
	}
	path := r.URL.Path
	switch {
	case path == messagesPath && r.Method == http.MethodPost:
		return s.store.create(body)
	case path == messagesPath && r.Method == http.MethodGet:
		return s.store.list(r.URL.Query())
	case path == searchPath && r.Method == http.MethodGet:
		return s.store.search(r.URL.Query().Get("searchTerm"))
	}
	if messageID, ok := strings.CutSuffix(strings.TrimPrefix(path, messagesPath+"/"), "/faq"); ok && r.Method == http.MethodPost &&
		messageID != "" && !strings.Contains(messageID, "/") {
		return s.store.acknowledge(messageID)
	}
	if messageID, ok := strings.CutPrefix(path, messagesPath+"/"); ok && messageID != "" && !strings.Contains(messageID, "/") {
		switch r.Method {
		case http.MethodPut:
			return s.store.update(messageID, body)
		case http.MethodDelete:
			return s.store.delete(messageID)
		}
	}
	if a, ok := s.routeContacts(r, body); ok {
		return a
	}
	return errorAnswer(http.StatusNotFound, fmt.Sprintf("gleaptest does not serve %s %s", r.Method, r.URL.EscapedPath()))
}

// respond checks a, the answer to the request exchange was checked for (nil when the traffic is not
// checked), and sends it.
func (s *Server) respond(w http.ResponseWriter, record *Request, exchange *contract.Exchange, a answer) {
	var violation error
	if exchange != nil {
		violation = exchange.CheckResponse(a.status, a.header, a.body)
	}
	s.finish(w, record, a, violation)
}

// finish records how the request is answered, reports its violation, sends the answer and logs the
// request. The record and the report come first, so that whoever gets the answer finds them.
func (s *Server) finish(w http.ResponseWriter, record *Request, a answer, violation error) {
	s.records.answered(record, a.status, violation)
	if violation != nil && s.reportViolation != nil {
		s.reportViolation(violation)
	}
	a.write(w)
	s.log(record)
}

// log hands a copy of record to the request log, if there is one.
func (s *Server) log(record *Request) {
	if s.requestLog != nil {
		s.requestLog(s.records.copyOf(record))
	}
}

// withBody returns a copy of r that reads body. The copy is shallow: net/http keeps r's own body, to
// tell whether it was read whole.
func withBody(r *http.Request, body []byte) *http.Request {
	read := r.WithContext(r.Context())
	read.Body = io.NopCloser(bytes.NewReader(body))
	return read
}
