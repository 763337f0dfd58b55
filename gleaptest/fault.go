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
	// Delay holds the answer back this long, or until the client gives up waiting.
	Delay time.Duration
}

func (f *Fault) answer(w http.ResponseWriter, r *http.Request, store http.Handler) {
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return
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
