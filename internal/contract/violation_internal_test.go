package contract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestViolationKeepsTheStartOfItsReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		reason   string
		wantKept int    // how many bytes of the reason are kept
		wantTail string // what follows them
	}{
		{"short", "request body has an error", len("request body has an error"), ""},
		{"at the cap", strings.Repeat("v", maxViolationBytes), maxViolationBytes, ""},
		{"over the cap", strings.Repeat("v", maxViolationBytes+10), maxViolationBytes, "… (10 more bytes)"},
		// A three-byte rune straddles the cap: it is left out whole rather than cut in two.
		{"a rune across the cap", strings.Repeat("v", maxViolationBytes-1) + "€" + "v", maxViolationBytes - 1, "… (4 more bytes)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := cutReason(tc.reason)
			assert.Equal(t, tc.reason[:tc.wantKept]+tc.wantTail, got)
			assert.True(t, utf8.ValidString(got))
		})
	}
}
