package fakegleap

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxRequestBodyBytes caps the body of a request to the stand-in. A message is a few KiB; without a cap,
// one huge POST would be held in memory whole, and more than once, by the validator and the store.
const MaxRequestBodyBytes = 1 << 20

// LimitRequestBodies reads each request's body, at most MaxRequestBodyBytes of it, before next sees the
// request. A larger body is answered 413 Request Entity Too Large with a Gleap-style error body and does
// not reach next: one that declares its size in Content-Length is refused before any of it is read, a
// chunked one once the cap is passed. Either way net/http then closes the connection rather than read
// the rest. It goes in front of Validator.Wrap, which reads the whole body to validate it.
func LimitRequestBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxRequestBodyBytes {
			writeTooLarge(w)
			return
		}
		// w is passed on so that passing the cap also tells net/http not to read on.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBodyBytes))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeTooLarge(w)
			return
		case err != nil: // the client went away, broke the chunked encoding or ran out of time
			WriteError(w, http.StatusBadRequest, "the request body could not be read: "+err.Error())
			return
		}
		// A copy, so that net/http still finds its own body on r and can tell whether it was read whole.
		read := r.Clone(r.Context())
		read.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, read)
	})
}

func writeTooLarge(w http.ResponseWriter) {
	WriteError(w, http.StatusRequestEntityTooLarge,
		fmt.Sprintf("the request body is larger than %d bytes, the stand-in's limit", MaxRequestBodyBytes))
}
