package gleaptest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// answer is a response held back until it has been checked against openapi.yaml and recorded.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// jsonAnswer answers with status and body, a JSON document.
func jsonAnswer(status int, body []byte) answer {
	return answer{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

// errorBody is an error answer in the shape openapi.yaml documents for Gleap's errors.
type errorBody struct {
	StatusCode int    `json:"statusCode"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

// errorAnswer answers with status and a Gleap-style error body carrying message.
func errorAnswer(status int, message string) answer {
	body, _ := json.Marshal(errorBody{StatusCode: status, Error: http.StatusText(status), Message: message}) // an int and strings always encode
	return jsonAnswer(status, body)
}

// write sends a on w. An answer without a body by its status (204 No Content) gets no Content-Length,
// which HTTP forbids for it.
func (a answer) write(w http.ResponseWriter) {
	header := w.Header()
	for name, values := range a.header {
		header[name] = values
	}
	if a.status != http.StatusNoContent && a.status != http.StatusNotModified {
		header.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}
