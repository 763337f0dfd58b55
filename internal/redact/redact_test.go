package redact_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/internal/redact"
)

// secret holds what each spelling writes otherwise: JSON escapes <, > and &, a URL's query escapes the
// space and the +, a path the /, %q the quote.
const secret = `s3cr<t>&+/ "q"`

func TestEveryFormOfTheSecretIsReplaced(t *testing.T) {
	t.Parallel()
	encoded, _ := json.Marshal(map[string]string{"got": secret})
	for name, text := range map[string]string{
		"as it is":      "got " + secret + ".",
		"in JSON":       string(encoded),
		"Go-quoted":     fmt.Sprintf("got %q", secret),
		"query-escaped": "/gleap?secret=" + url.QueryEscape(secret),
		"path-escaped":  "/gleap/" + url.PathEscape(secret),
	} {
		clean := redact.New(secret).Text(text)
		assert.Contains(t, clean, redact.Mark, name)
		assert.NotContains(t, clean, "s3cr", name)
	}
	assert.Equal(t, "nothing to hide", redact.New("").Text("nothing to hide"), "no secret")
	assert.Zero(t, redact.New("").Reach())
}

func TestACutNeverLeavesAPieceOfTheSecret(t *testing.T) {
	t.Parallel()
	s := redact.New(secret)
	text := strings.Repeat("x", 10) + secret + strings.Repeat("y", 10)
	for limit := range len(text) + 1 {
		cut := s.Cut(text, limit)
		assert.LessOrEqual(t, len(cut), limit)
		assert.NotContains(t, cut, "s3", "cut at %d", limit)
	}
	assert.Equal(t, "xxxxxxxxxx"+redact.Mark+"yy", s.Cut(text, 22), "the whole secret before the cut is replaced")
	assert.GreaterOrEqual(t, s.Reach(), len(url.QueryEscape(secret)), "Reach covers the longest form")
}
