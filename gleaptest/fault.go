package gleaptest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault scripts the answer to one request, to test how code copes with Gleap failing. A request that
// breaks the contract is refused before it gets a fault.
type Fault struct {
	// Status answers with this HTTP status and a Gleap-style error body instead of doing what the request
	// asks (storing, changing or deleting a message, listing or searching). It must be one openapi.yaml
	// documents for the route: 400, 401, 403, 429 or a 5xx for every route, 404 for POST, PUT and DELETE.
	// 0 answers normally, which with Delay makes a slow success.
	Status int
	// RetryAfter, when positive, is sent as the Retry-After header in whole seconds, rounded up.
	RetryAfter time.Duration
	// Delay holds the answer back this long, or until the client gives up waiting. The server's
	// connection timeouts do not count the delay. Closing the server ends it at once: the connection is
	// closed without an answer.
	Delay time.Duration
	// Handler, when set, answers the request instead, after any Delay, on the connection itself: its
	// answer is not validated, and it may hijack the connection (http.NewResponseController(w).Hijack())
	// to drop it or to write raw bytes. The request is still validated and recorded, with Status 0.
	Handler http.Handler
}

// QueueFaults scripts the answers to the next requests to the API, after any faults still queued: the
// next gets faults[0], and so on, as with WithFaults.
func (s *Server) QueueFaults(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// recurringFault is a fault of WithFaultEvery: the answer to every nth request that can get a fault.
type recurringFault struct {
	every int
	fault Fault
}

// nextFault counts the request being answered among those that can get a fault, and takes the fault
// scripted for it: the next queued one, or else the first recurring one whose turn it is; nil when
// there is none.
func (s *Server) nextFault() *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faultable++
	if len(s.faults) > 0 {
		fault := &s.faults[0]
		s.faults = s.faults[1:]
		return fault
	}
	for i := range s.recurringFaults {
		if s.faultable%uint64(s.recurringFaults[i].every) == 0 {
			return &s.recurringFaults[i].fault
		}
	}
	return nil
}

// hold waits out a fault's delay and returns whether the request is still to be answered: not when
// the client gave up waiting, nor when the server is closing. A scripted delay is not a slow client: left
// in place, the connection's read deadline would cancel the request (net/http watches for the client
// hanging up by reading) and its write deadline would cut the answer off. So both are lifted for the
// delay, and the write deadline is set again after it.
func (s *Server) hold(w http.ResponseWriter, r *http.Request, delay time.Duration) bool {
	connection := http.NewResponseController(w)
	_ = connection.SetReadDeadline(time.Time{})
	_ = connection.SetWriteDeadline(time.Time{})
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-r.Context().Done(): // the client gave up, or Close started
		return false
	}
	if s.timeouts.write > 0 {
		_ = connection.SetWriteDeadline(time.Now().Add(s.timeouts.write))
	}
	return true
}

// hangUp closes w's connection without an answer: a handler that returns without one has net/http
// answer 200.
func hangUp(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// answer returns the answer f scripts; store is the normal answer, for a Status of 0.
func (f *Fault) answer(store func() answer) answer {
	var scripted answer
	if f.Status == 0 {
		scripted = store()
	} else {
		scripted = errorAnswer(f.Status, "gleaptest: scripted fault")
	}
	if f.RetryAfter > 0 {
		scripted.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	return scripted
}
