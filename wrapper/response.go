package wrapper

import "net/http"

// Response is the raw answer to one call, filled in by WithResponseInto.
type Response struct {
	// StatusCode is the HTTP status of the last answer, or 0 when no answer arrived.
	StatusCode int
	// Header holds the headers of the last answer, such as a request id.
	Header http.Header
	// Body is the last answer as the server sent it: a success answer whole (it is within the size cap,
	// or the call failed), an error answer's first 4 KiB with the API key taken out.
	Body []byte
	// Attempts is how many requests the call sent, retries included.
	Attempts int
}
