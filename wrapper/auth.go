package wrapper

import (
	"context"
	"net/http"
)

// BearerAuth returns a request editor that sends apiKey as "Authorization: Bearer <apiKey>". It works on
// the generated client in package api too. A malformed key makes every request fail with a
// *ValidationError before anything is sent.
func BearerAuth(apiKey string) RequestEditorFn {
	invalid := checkToken("apiKey", apiKey)
	return func(_ context.Context, req *http.Request) error {
		if invalid != nil {
			return invalid
		}
		req.Header.Set("Authorization", "Bearer "+apiKey)
		return nil
	}
}

// ProjectHeader returns a request editor that sends the "project" header Gleap uses to pick the project a
// call acts on. It works on the generated client in package api too. A malformed id makes every request
// fail with a *ValidationError before anything is sent.
func ProjectHeader(projectID string) RequestEditorFn {
	invalid := checkToken("projectID", projectID)
	return func(_ context.Context, req *http.Request) error {
		if invalid != nil {
			return invalid
		}
		req.Header.Set("project", projectID)
		return nil
	}
}

// checkToken rejects a credential that cannot travel as a header value unchanged: empty, or holding a
// space, a control character (CR and LF included) or a non-ASCII byte. The error never holds the value.
func checkToken(field, value string) error {
	if value == "" {
		return &ValidationError{Field: field, Problem: "must not be empty"}
	}
	if !asciiFrom(value, '!') {
		return &ValidationError{Field: field, Problem: "must hold only visible ASCII characters (no spaces, line breaks or control characters)"}
	}
	return nil
}

// asciiFrom reports whether every byte of value lies between lowest and '~': with lowest '!' the visible
// characters, with ' ' the space too. Control characters (CR and LF among them), DEL and non-ASCII bytes
// are always out, so a value that passes can travel as a header value unchanged.
func asciiFrom(value string, lowest byte) bool {
	for i := 0; i < len(value); i++ {
		if b := value[i]; b < lowest || b > '~' {
			return false
		}
	}
	return true
}
