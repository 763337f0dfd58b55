package gleaptest

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gleap-community/gleap-go/internal/fakegleap"
)

// Fault scripts the answer to one request.
type Fault struct {
	// Status answers with this HTTP status and a Gleap-style error body instead of storing the message.
	// It must be one openapi.yaml documents (400, 401, 403, 404, 429 or a 5xx). 0 stores the message and
	// answers normally, which with Delay makes a slow success.
	Status int
	// RetryAfter, when positive, is sent as the Retry-After header in whole seconds, rounded up.
	RetryAfter time.Duration
	// Delay holds the answer back this long, or until the client gives up waiting. The server's
	// connection timeouts do not count the delay.
	Delay time.Duration
}

// answer answers r as f scripts; writeTimeout bounds writing the answer once any Delay is over.
func (f *Fault) answer(w http.ResponseWriter, r *http.Request, store http.Handler, writeTimeout time.Duration) {
	if f.Delay > 0 {
		// A scripted delay is not a slow client. Left in place, the read deadline would cancel the request
		// (net/http watches for the client hanging up by reading) and the write deadline would cut off
		// the answer.
		connection := http.NewResponseController(w)
		_ = connection.SetReadDeadline(time.Time{})
		_ = connection.SetWriteDeadline(time.Time{})
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
		}
		if writeTimeout > 0 {
			_ = connection.SetWriteDeadline(time.Now().Add(writeTimeout))
		}
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
	}
	if f.Status == 0 {
		store.ServeHTTP(w, r)
		return
	}
	fakegleap.WriteError(w, f.Status, "gleaptest: scripted fault")
}
