package wrapper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/tiptap/tiptaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// requireDocRefused checks that doc's JSON is refused with a *ValidationError naming field, whose
// problem contains problem, and that nothing is returned beside it.
func requireDocRefused(t *testing.T, doc wrapper.Document, field, problem string) {
	t.Helper()
	comment, err := doc.JSON()
	var invalid *wrapper.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, field, invalid.Field)
	assert.Contains(t, invalid.Problem, problem)
	assert.Nil(t, comment)
}

func TestDocRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name           string
		doc            wrapper.Document
		field, problem string
	}{
		{"an empty document", wrapper.Doc(), "content", "at least one block"},
		{"the zero document", wrapper.Document{}, "content", "at least one block"},
		{"an empty bullet list", wrapper.Doc(wrapper.BulletList()), "content[0].content", "at least one item"},
		{"an empty ordered list", wrapper.Doc(wrapper.Paragraph(), wrapper.OrderedList()), "content[1].content", "at least one item"},
		{"an empty text", wrapper.Doc(wrapper.Paragraph(wrapper.Text("a"), wrapper.Text(""))), "content[0].content[1].text", "must not be empty"},
		{"an empty bold text", wrapper.Doc(wrapper.Heading(1, wrapper.Bold(""))), "content[0].content[0].text", "must not be empty"},
		{"an empty link text", wrapper.Doc(wrapper.Paragraph(wrapper.Link("", "https://example.com/"))), "content[0].content[0].text", "must not be empty"},
		{"text that is not UTF-8", wrapper.Doc(wrapper.Paragraph(wrapper.Text("a\xffb"))), "content[0].content[0].text", "not valid UTF-8"},
		{"a mention label that is not UTF-8", wrapper.Doc(wrapper.Paragraph(wrapper.Mention("u1", "\xff"))), "content[0].content[0].attrs.label", "not valid UTF-8"},
		{"an alt text that is not UTF-8", wrapper.Doc(wrapper.Image("https://example.com/a.png", "\xff")), "content[0].attrs.alt", "not valid UTF-8"},
		{"a link target that is not UTF-8", wrapper.Doc(wrapper.Paragraph(wrapper.Link("x", "https://example.com/\xff"))), "content[0].content[0].marks[0].attrs.href", "not valid UTF-8"},
		{"a heading of level 0", wrapper.Doc(wrapper.Heading(0, wrapper.Text("T"))), "content[0].attrs.level", "1 to 6"},
		{"a heading of level 7", wrapper.Doc(wrapper.Heading(7, wrapper.Text("T"))), "content[0].attrs.level", "1 to 6"},
		{"a mention without an id", wrapper.Doc(wrapper.Paragraph(wrapper.Mention(" ", "Ann"))), "content[0].content[0].attrs.id", "must not be blank"},
		{"bold code", wrapper.Doc(wrapper.Paragraph(wrapper.Code("x").Bold())), "content[0].content[0].marks", "code cannot have another mark"},
		{"italic code", wrapper.Doc(wrapper.Paragraph(wrapper.Italic("x").Code())), "content[0].content[0].marks", "code cannot have another mark"},
		{"a code link", wrapper.Doc(wrapper.Paragraph(wrapper.Link("x", "https://example.com/").Code())), "content[0].content[0].marks", "code cannot have another mark"},
		{"a nil block", wrapper.Doc(wrapper.Paragraph(), nil), "content[1]", "must not be nil"},
		{"a nil inline", wrapper.Doc(wrapper.Paragraph(wrapper.Text("a"), nil)), "content[0].content[1]", "must not be nil"},
		{"the first problem in document order", wrapper.Doc(
			wrapper.BulletList(wrapper.Item(wrapper.Text("fine")), wrapper.Item(wrapper.Text("see "), wrapper.Link("this", "javascript:alert(1)"))),
			wrapper.Paragraph(wrapper.Text("")),
		), "content[0].content[1].content[0].content[1].marks[0].attrs.href", "absolute http, https or mailto URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireDocRefused(t, tc.doc, tc.field, tc.problem)
		})
	}
}

// hiddenRuneTargets are targets that tiptap.SafeLinkURL lets through, as a renderer may, but that
// hold a rune the builder refuses: spaces, controls and invisible formatting outside ASCII.
var hiddenRuneTargets = []string{
	"https://example.com/\u00a0",   // no-break space
	"https://example.com/\u2028",   // line separator
	"https://example.com/\u0085",   // next line, a C1 control
	"https://example.com/\u200b",   // zero-width space
	"https://exa\u202emple.com/",   // right-to-left override
	"https://example.com/\ufeffa",  // zero-width no-break space
	"https://example.com/a\u3000b", // ideographic space
}

func TestDocRefusesUnsafeTargets(t *testing.T) {
	t.Parallel()
	const linkField, imageField = "content[0].content[1].marks[0].attrs.href", "content[1].attrs.src"
	unsafe := append(append([]string{}, tiptaptest.UnsafeLinks...), hiddenRuneTargets...)
	for _, target := range unsafe {
		t.Run(fmt.Sprintf("%q", target), func(t *testing.T) {
			t.Parallel()
			doc := wrapper.Doc(wrapper.Paragraph(wrapper.Text("see "), wrapper.Link("this", target).Bold()), wrapper.Image(target, "a chart"))
			requireDocRefused(t, doc, linkField, "must be an absolute http, https or mailto URL")
			_, err := doc.JSON()
			assert.NotContains(t, err.Error(), "alert", "the error never repeats the value")

			requireDocRefused(t, wrapper.Doc(wrapper.Paragraph(), wrapper.Image(target, "a chart")), imageField, "must be an absolute http or https URL")
		})
	}
	for _, target := range tiptaptest.UnsafeImagesOnly {
		t.Run(fmt.Sprintf("image only %q", target), func(t *testing.T) {
			t.Parallel()
			_, err := wrapper.Doc(wrapper.Paragraph(wrapper.Link("mail us", target))).JSON()
			require.NoError(t, err, "a link may have it")
			requireDocRefused(t, wrapper.Doc(wrapper.Paragraph(), wrapper.Image(target, "")), imageField, "must be an absolute http or https URL")
		})
	}
}

func TestDocAcceptsSafeTargets(t *testing.T) {
	t.Parallel()
	longest := "https://example.com/" + strings.Repeat("a", 2048-len("https://example.com/"))
	for _, target := range []string{
		"https://example.com/",
		"http://127.0.0.1:4010/inbox?ticket=1#m2",
		"HTTPS://EXAMPLE.COM/Path",
		"https://de.wikipedia.org/wiki/Straße",
		"https://example.com/a%20b",
		longest,
	} {
		t.Run(fmt.Sprintf("%q", target), func(t *testing.T) {
			t.Parallel()
			comment, err := wrapper.Doc(wrapper.Paragraph(wrapper.Link("this", target)), wrapper.Image(target, "")).JSON()
			require.NoError(t, err)
			assert.Equal(t, 2, strings.Count(string(comment), `"`+target+`"`), "kept as given, in the link and the image")
		})
	}
	requireDocRefused(t, wrapper.Doc(wrapper.Paragraph(wrapper.Link("this", longest+"a"))), "content[0].content[0].marks[0].attrs.href", "at most 2048 bytes")
}
