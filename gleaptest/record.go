package gleaptest

import (
	"bytes"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Request is the record of one request the server received, and of how it answered it.
type Request struct {
	// Method is the request's method, such as "POST".
	Method string
	// Path is the URL path as it was sent, escaped, such as "/v3/messages": a line break in it stays
	// %0A, so a log line that prints it cannot be forged.
	Path string
	// Query holds the query parameters, decoded (a copy): createdAt%3E=... and a raw createdAt>=... both
	// have the key "createdAt>". It is empty, not nil, for a request without a query.
	Query url.Values
	// Header holds the headers as received (a copy).
	Header http.Header
	// Body is the body as received, at most 1 MiB of it: a larger one is answered 413 without being read
	// on.
	Body []byte
	// Status is the status the request was answered with. It is 0 while the request is being answered,
	// when it got no answer (its client gave up waiting, or the server was closed during a Fault's
	// Delay), and when a Fault's Handler answered it on the connection itself.
	Status int
	// Violation says why the request or its answer broke openapi.yaml, or why the request broke a
	// document of WithRequestsCheckedAgainst (the reason then starts with the document's name). It is nil
	// when they conform, and for what is not checked: a body over the size cap, a request refused for
	// naming the server by another host (see Start), and with WithoutContractChecks everything
	// openapi.yaml would check. It keeps the reason's text and nothing else, at most 64 KiB of it (a
	// longer one ends with how many bytes were cut): it wraps none of the validator's errors, which hold
	// the whole decoded request.
	Violation error
	// Number is the request's number: the server counts the requests to the API from 1, and never
	// starts over, not even at Clear, so that it tells a request from every other.
	Number uint64
	// Received is when the request arrived, by the wall clock: WithClock is for the messages' times and
	// the rate limit.
	Received time.Time

	counted int  // the bytes the records count for it while it is kept
	kept    bool // whether the records still keep it: a record evicted before it is answered counts no more
}

// clone returns a copy of r that shares nothing with it. The caller holds the lock of the records r is
// in.
func (r *Request) clone() Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Query = url.Values(http.Header(r.Query).Clone())
	c.Body = bytes.Clone(r.Body)
	return c
}

// maxRecordedBytes bounds what the kept records hold together, as maxStoredBytes bounds the stored
// messages: 10,000 records of bodies at the 1 MiB cap, or of headers at the 64 KiB cap, would otherwise
// hold gigabytes.
const maxRecordedBytes = 64 << 20

// entryOverhead is what a record counts for each header or query value beside the value's own bytes:
// the string and slice headers and the map entry that hold it. Without it, 64 KiB of one-byte headers
// would count 64 KiB and hold ten times as much.
const entryOverhead = 64

// records keeps the records of the newest requests, at most max of them and at most maxBytes together:
// everything a record holds is counted, its method, path, query, headers and body, and its violation once
// the request is answered.
type records struct {
	max      int
	maxBytes int     // maxRecordedBytes, smaller in tests
	changes  changes // bumped at every change to the records, and so to the store: Version and Changed follow it

	mu    sync.Mutex
	kept  []*Request // oldest first
	bytes int        // what the kept records hold together, as counted by size
	added uint64     // how many requests were recorded
}

// add records a request as it arrives, before it is answered, and returns its record.
func (l *records) add(r *http.Request, body []byte) *Request {
	record := &Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
		Received: time.Now(), kept: true}
	record.counted = record.size()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.added++
	record.Number = l.added
	l.changes.bump()
	l.kept = append(l.kept, record)
	l.bytes += record.counted
	l.evict()
	return record
}

// answered completes record with how its request was answered.
func (l *records) answered(record *Request, status int, violation error) {
	violationBytes := 0
	if violation != nil {
		violationBytes = len(violation.Error()) // outside the lock: a long reason takes a while to format
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	record.Status, record.Violation = status, violation
	if record.kept {
		record.counted += violationBytes
		l.bytes += violationBytes
		l.evict()
	}
	l.changes.bump()
}

// evict forgets the oldest records until at most max are kept and they hold at most maxBytes. The caller
// holds l.mu.
func (l *records) evict() {
	for len(l.kept) > 0 && (len(l.kept) > l.max || l.bytes > l.maxBytes) {
		oldest := l.kept[0]
		l.bytes -= oldest.counted
		oldest.counted, oldest.kept = 0, false
		l.kept[0] = nil // the backing array outlives the slice's start: let the record go
		l.kept = l.kept[1:]
	}
}

// size returns what the records count for r before it is answered: its method, path, query, headers
// and body.
func (r *Request) size() int {
	return len(r.Method) + len(r.Path) + len(r.Body) + valuesSize(r.Header) + valuesSize(r.Query)
}

// valuesSize returns what the records count for the headers or the query parameters of a request.
func valuesSize[M ~map[string][]string](values M) int {
	n := 0
	for name, list := range values {
		n += len(name) + entryOverhead
		for _, value := range list {
			n += len(value) + entryOverhead
		}
	}
	return n
}

// copyOf returns a copy of record.
func (l *records) copyOf(record *Request) Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return record.clone()
}

// Requests returns the records of the requests that reached the server, oldest first, faulted and
// invalid ones included: with Messages, they show what a client sent, how often it retried and what
// broke the contract. Like the messages, only the newest records are kept: as many as WithMaxMessages
// allows, 10,000 by default, and at most 64 MiB together (everything a record holds counts: its
// headers, path, query, body and violation).
func (s *Server) Requests() []Request {
	return s.records.all()
}

// all returns copies of the records, oldest first.
func (l *records) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	requests := make([]Request, len(l.kept))
	for i, record := range l.kept {
		requests[i] = record.clone()
	}
	return requests
}

// clear forgets every record.
func (l *records) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, record := range l.kept {
		record.counted, record.kept = 0, false
	}
	clear(l.kept)
	l.kept = l.kept[:0]
	l.bytes = 0
	l.changes.bump()
}
