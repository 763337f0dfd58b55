// Package redact takes a secret (the API key, a webhook's shared secret) out of text that came from
// elsewhere: an answer's body, a transport error. Such text can hold the secret in another spelling than
// the one that was sent, and a text cut short can end in a piece of it.
package redact

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Mark is what stands where a secret was.
const Mark = "[REDACTED]"

// Secret replaces every form of one secret in a text. It holds the secret: keep it out of anything that
// is printed (wrapper keeps only its method values).
type Secret struct {
	forms    []string
	replacer *strings.Replacer
}

// New returns the Secret of secret; that of "" replaces nothing. The secret is matched as it is, as it looks inside a JSON
// string (where encoding/json also escapes <, > and &), as Go's %q quotes it, and as a URL's query and
// path escape it: the forms in which an answer, a decoded message and a transport error (which quotes
// the request's URL) can hold it.
func New(secret string) *Secret {
	if secret == "" {
		return &Secret{replacer: strings.NewReplacer()}
	}
	forms := []string{secret}
	addForm := func(form string) {
		if !slices.Contains(forms, form) {
			forms = append(forms, form)
		}
	}
	if encoded, err := json.Marshal(secret); err == nil {
		addForm(string(encoded[1 : len(encoded)-1]))
	}
	quoted := strconv.Quote(secret)
	addForm(quoted[1 : len(quoted)-1])
	addForm(url.QueryEscape(secret))
	addForm(url.PathEscape(secret))
	pairs := make([]string, 0, 2*len(forms))
	for _, form := range forms {
		pairs = append(pairs, form, Mark)
	}
	return &Secret{forms: forms, replacer: strings.NewReplacer(pairs...)}
}

// Text returns text with every form of the secret replaced by Mark.
func (s *Secret) Text(text string) string {
	return s.replacer.Replace(text)
}

// Cut returns text redacted and cut to at most limit bytes, dropping a tail that is the start of a form of
// the secret, which the cut may have split. A text read from elsewhere up to a limit should be read
// Reach bytes longer than it is kept, so that a secret across the cut is still seen whole.
func (s *Secret) Cut(text string, limit int) string {
	text = s.Text(text)
	if len(text) <= limit {
		return text
	}
	text = text[:limit]
	for _, form := range s.forms {
		for n := len(form) - 1; n > 0; n-- {
			if strings.HasSuffix(text, form[:n]) {
				text = text[:len(text)-n]
				break
			}
		}
	}
	return text
}

// Reach is how many bytes the secret can take in a text, every character of it spelled as a JSON \u
// escape.
func (s *Secret) Reach() int {
	if len(s.forms) == 0 {
		return 0
	}
	return len(`\u0000`) * len(s.forms[0])
}
