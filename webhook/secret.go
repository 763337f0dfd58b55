package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// Where a delivery carries the shared secret unless options say otherwise. Gleap signs nothing: the
// secret is one you choose, and you add it to the URL you give Gleap (https://example.com/gleap?secret=...)
// or, where a sender can set headers (gleap mock, gleap webhooks trigger, a proxy), to a header.
const (
	// SecretHeader is the header that carries the secret.
	SecretHeader = "X-Webhook-Secret"
	// SecretQueryParameter is the query parameter that carries the secret.
	SecretQueryParameter = "secret"
)

// minSecretBytes is how long a secret must be at least: the URL of a webhook is public in effect, and a
// short secret could be guessed by trying.
const minSecretBytes = 16

// queryUnsafe are the visible ASCII bytes that a URL's query does not carry as they are: written into
// https://example.com/gleap?secret=..., # ends the URL, & and ; end the parameter, + reads as a space
// and % starts an escape. A Handler that reads the secret from the query refuses a secret that holds
// one, rather than answer 401 to every delivery of a URL that holds it unescaped.
const queryUnsafe = "#%&+;"

// checkSecret refuses a secret that is too short to resist guessing, or that a header cannot carry as it
// is, or, when inQuery, a URL's query. It never repeats the secret, nor says which of its bytes is wrong.
func checkSecret(secret string, inQuery bool) error {
	if len(secret) < minSecretBytes {
		return fmt.Errorf("webhook: the secret is %d bytes long, want at least %d", len(secret), minSecretBytes)
	}
	for i := 0; i < len(secret); i++ {
		if secret[i] <= ' ' || secret[i] > '~' {
			return fmt.Errorf("webhook: the secret holds a byte other than visible ASCII at offset %d", i)
		}
	}
	if inQuery && strings.ContainsAny(secret, queryUnsafe) {
		return fmt.Errorf("webhook: the secret holds one of %s, which a URL's query does not carry as they are: "+
			"choose one without them (such as openssl rand -hex 16), or read the secret from a header only (WithSecretQueryParameter(\"\"))",
			strings.Join(strings.Split(queryUnsafe, ""), " "))
	}
	return nil
}

// secretDigest is what a Handler keeps of its secret: comparing digests of equal length in constant
// time tells an attacker nothing, not even the secret's length.
type secretDigest [sha256.Size]byte

// secretCheck is where a Handler looks for the secret, and what it compares it with.
type secretCheck struct {
	digest    secretDigest
	header    string // "" when the secret is not read from a header
	parameter string // "" when the secret is not read from the query
}

// verdict is what secretCheck.verify found.
type verdict int

const (
	secretAccepted verdict = iota
	secretMissing
	secretWrong
)

// verify looks for the secret in r's header and in its query. Each place that holds a value must hold
// the secret, and at least one must hold it.
func (c *secretCheck) verify(r *http.Request) verdict {
	var presented []string
	if c.header != "" {
		presented = append(presented, r.Header.Values(c.header)...)
	}
	if c.parameter != "" {
		presented = append(presented, r.URL.Query()[c.parameter]...)
	}
	if len(presented) == 0 {
		return secretMissing
	}
	result := secretAccepted
	for _, value := range presented { // every value is compared, so that the time says nothing about which was wrong
		digest := sha256.Sum256([]byte(value))
		if subtle.ConstantTimeCompare(digest[:], c.digest[:]) != 1 {
			result = secretWrong
		}
	}
	return result
}
