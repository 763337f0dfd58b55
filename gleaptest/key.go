package gleaptest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"
)

// WithRequiredKey makes the server answer 401, with Gleap's error body, to every request to the API
// whose key ("Authorization: Bearer", or Api-Token on Gleap's admin routes) is not key: to test how code copes with a revoked or mistyped key,
// or to keep a `gleap mock` to the clients given its key (`gleap mock --require-key-env`). A request with
// another key is answered as Gleap would answer it, not reported as a contract violation; one without
// credentials still breaks the contract. The key is checked after the contract and before the rate
// limit and the faults, so a request with another key gets no fault and is not counted. The server keeps
// only a SHA-256 digest of key and compares digests in constant time. Start fails when key is empty.
func WithRequiredKey(key string) Option {
	return func(c *config) { c.requiredKey, c.requireKey = key, true }
}

// keyDigest is the digest of an API key that the server keeps and compares.
type keyDigest [sha256.Size]byte

// wrongKeyMessage is the message of the 401 answer to a request with another key. It names neither key.
const wrongKeyMessage = "the API key is not the one this server requires (gleaptest.WithRequiredKey, gleap mock --require-key)"

// acceptsKey reports whether r carries the key the server requires, or whether the server requires none.
// The key is the one of "Authorization: Bearer", or of the Api-Token header that Gleap's admin routes
// take instead.
func (s *Server) acceptsKey(r *http.Request) bool {
	if s.requiredKey == nil {
		return true
	}
	key, ok := presentedKey(r.Header)
	if !ok {
		return false
	}
	presented := keyDigest(sha256.Sum256([]byte(key)))
	return subtle.ConstantTimeCompare(presented[:], s.requiredKey[:]) == 1
}

// presentedKey returns the API key header carries: the one of "Authorization: Bearer", or else of
// Api-Token.
func presentedKey(header http.Header) (string, bool) {
	const prefix = "bearer "
	authorization := header.Get("Authorization")
	if len(authorization) >= len(prefix) && strings.EqualFold(authorization[:len(prefix)], prefix) {
		return strings.TrimSpace(authorization[len(prefix):]), true
	}
	token := strings.TrimSpace(header.Get(apiTokenHeader))
	return token, token != ""
}

// apiTokenHeader is the header of the key on Gleap's admin routes.
const apiTokenHeader = "Api-Token"

// projectHeader is the header that names the Gleap project of a request.
const projectHeader = "Project"

// projectOf names the project r acts on, as the rate limit counts it: its project header, or, on
// Gleap's admin routes, which take none (the key names the project), a digest of its key. So the admin
// calls of a key are counted apart from its calls with a project header.
func projectOf(r *http.Request) string {
	if project := r.Header.Get(projectHeader); project != "" {
		return project
	}
	key, ok := presentedKey(r.Header)
	if !ok {
		return ""
	}
	digest := sha256.Sum256([]byte(key))
	return "key:" + hex.EncodeToString(digest[:8])
}
