package gleaptest

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// WithRequiredKey makes the server answer 401, with Gleap's error body, to every request to the API
// whose "Authorization: Bearer" key is not key: to test how code copes with a revoked or mistyped key,
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
func (s *Server) acceptsKey(r *http.Request) bool {
	if s.requiredKey == nil {
		return true
	}
	const prefix = "bearer "
	authorization := r.Header.Get("Authorization")
	if len(authorization) < len(prefix) || !strings.EqualFold(authorization[:len(prefix)], prefix) {
		return false
	}
	presented := keyDigest(sha256.Sum256([]byte(strings.TrimSpace(authorization[len(prefix):]))))
	return subtle.ConstantTimeCompare(presented[:], s.requiredKey[:]) == 1
}
