package gleaptest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// maxRequestBodyBytes caps the body of a request. A message is a few KiB; without a cap, one huge POST
// would be held in memory whole, and more than once, by the validator, the store and the record.
const maxRequestBodyBytes = 1 << 20

// maxRequestHeaderBytes caps a request's line and headers together, the blank line that ends them
// included: past it, the request is answered 431 Request Header Fields Too Large. It is the cap the
// client puts on answer headers: a client of Gleap sends a few hundred bytes of them, and net/http's own
// default of 1 MiB would let every record, and every project the rate limit tracks, hold a megabyte of
// headers.
const maxRequestHeaderBytes = 64 << 10

// netHTTPHeaderSlack is how far net/http reads past http.Server.MaxHeaderBytes before it answers 431 (the
// "bufio slop" of its initialReadLimitSize). MaxHeaderBytes is set this much under maxRequestHeaderBytes,
// so that the cap is maxRequestHeaderBytes to the byte.
const netHTTPHeaderSlack = 4096

// errTooLarge reports a request body over maxRequestBodyBytes.
var errTooLarge = fmt.Errorf("the request body is larger than %d bytes, the stand-in's limit", maxRequestBodyBytes)

// readBody reads r's body, at most maxRequestBodyBytes of it, and returns what it read. A larger body
// is errTooLarge: one that declares its size in Content-Length is refused before any of it is read, a
// chunked one once the cap is passed. Either way net/http then closes the connection rather than read
// the rest. Any other error means the client went away, broke the chunked encoding or ran out of time.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxRequestBodyBytes {
		return nil, errTooLarge
	}
	// w is passed on so that passing the cap also tells net/http not to read on.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return body, errTooLarge
	}
	return body, err
}

// timeouts bound how long one connection may hold the server, so that clients that send slowly, never
// finish a request or never read the answer cannot pile up connections.
type timeouts struct {
	// readHeader bounds reading a request's headers.
	readHeader time.Duration
	// read bounds reading a whole request, body included, from its first byte.
	read time.Duration
	// write bounds the time from the end of a request's headers to the end of its answer, a Fault's
	// Delay not counted.
	write time.Duration
	// idle bounds the wait for the next request on a kept-alive connection.
	idle time.Duration
}

// defaultTimeouts are far more than a message of a few KiB needs on loopback. write outlasts read
// because it starts later, after the headers, and a body that arrives just in time must still be
// answered.
func defaultTimeouts() timeouts {
	return timeouts{readHeader: 10 * time.Second, read: 30 * time.Second, write: 45 * time.Second, idle: time.Minute}
}

// apply sets srv's timeouts to t.
func (t timeouts) apply(srv *http.Server) {
	srv.ReadHeaderTimeout = t.readHeader
	srv.ReadTimeout = t.read
	srv.WriteTimeout = t.write
	srv.IdleTimeout = t.idle
}
