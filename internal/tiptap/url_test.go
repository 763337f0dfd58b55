package tiptap_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/internal/tiptap"
	"github.com/gleap-community/gleap-go/internal/tiptap/tiptaptest"
)

func TestSafeURL(t *testing.T) {
	t.Parallel()
	longest := "https://example.com/" + strings.Repeat("a", tiptap.MaxURLBytes-len("https://example.com/"))
	cases := []struct {
		name             string
		raw, link, image string // "" when refused
	}{
		{"a space", "https://example.com/a b", "", ""},
		{"escapes, query and fragment", "https://example.com/a%20b?q=1#f", "https://example.com/a%20b?q=1#f", "https://example.com/a%20b?q=1#f"},
		{"http with a port", "http://127.0.0.1:4010/", "http://127.0.0.1:4010/", "http://127.0.0.1:4010/"},
		{"mailto with a subject", "mailto:help@example.com?subject=Hi", "mailto:help@example.com?subject=Hi", ""},
		{"mailto in capitals", "Mailto:help@example.com", "mailto:help@example.com", ""},
		{"https in capitals", "HTTPS://example.com/", "https://example.com/", "https://example.com/"},
		{"ftp", "ftp://example.com/", "", ""},
		{"javascript with a host", "javascript://example.com/%0Aalert(1)", "", ""},
		{"a line separator is escaped", "https://example.com/\u2028", "https://example.com/%E2%80%A8", "https://example.com/%E2%80%A8"},
		{"at the length limit", longest, longest, longest},
		{"over the length limit", longest + "a", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			link, ok := tiptap.SafeLinkURL(tc.raw)
			assert.Equal(t, tc.link != "", ok, "link")
			assert.Equal(t, tc.link, link, "link")
			image, ok := tiptap.SafeImageURL(tc.raw)
			assert.Equal(t, tc.image != "", ok, "image")
			assert.Equal(t, tc.image, image, "image")
		})
	}
}

func TestSafeURLRefusesUnsafeTargets(t *testing.T) {
	t.Parallel()
	for _, raw := range tiptaptest.UnsafeLinks {
		t.Run(fmt.Sprintf("%q", raw), func(t *testing.T) {
			t.Parallel()
			_, ok := tiptap.SafeLinkURL(raw)
			assert.False(t, ok, "link")
			_, ok = tiptap.SafeImageURL(raw)
			assert.False(t, ok, "image")
		})
	}
	for _, raw := range tiptaptest.UnsafeImagesOnly {
		t.Run(fmt.Sprintf("image %q", raw), func(t *testing.T) {
			t.Parallel()
			_, ok := tiptap.SafeLinkURL(raw)
			assert.True(t, ok, "link")
			_, ok = tiptap.SafeImageURL(raw)
			assert.False(t, ok, "image")
		})
	}
}
