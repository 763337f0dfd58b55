package fakegleap

import (
	"net/http"
	"time"
)

// Timeouts bound how long one connection may hold a server that serves the stand-in, so that clients
// that send slowly, never finish a request or never read the answer cannot pile up connections.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included, from its first byte.
	Read time.Duration
	// Write bounds the time from the end of a request's headers to the end of its answer.
	Write time.Duration
	// Idle bounds the wait for the next request on a kept-alive connection.
	Idle time.Duration
}

// DefaultTimeouts returns the timeouts of "gleap mock" and gleaptest: far more than a message of a few
// KiB needs on loopback. Write outlasts Read because it starts later, after the headers, and a body
// that arrives just in time must still be answered.
func DefaultTimeouts() Timeouts {
	return Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 45 * time.Second, Idle: time.Minute}
}

// Apply sets srv's timeouts to t.
func (t Timeouts) Apply(srv *http.Server) {
	srv.ReadHeaderTimeout = t.ReadHeader
	srv.ReadTimeout = t.Read
	srv.WriteTimeout = t.Write
	srv.IdleTimeout = t.Idle
}
