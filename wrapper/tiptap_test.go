package wrapper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

func TestPlainTextDoc(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want string
	}{
		{"one line", "Hello", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello"}]}]}`},
		{"a paragraph per line", "Hi Ada,\nthanks!", `{"type":"doc","content":[
			{"type":"paragraph","content":[{"type":"text","text":"Hi Ada,"}]},
			{"type":"paragraph","content":[{"type":"text","text":"thanks!"}]}]}`},
		{"CRLF and CR line breaks", "a\r\nb\rc", `{"type":"doc","content":[
			{"type":"paragraph","content":[{"type":"text","text":"a"}]},
			{"type":"paragraph","content":[{"type":"text","text":"b"}]},
			{"type":"paragraph","content":[{"type":"text","text":"c"}]}]}`},
		{"blank line is an empty paragraph", "a\n\nb", `{"type":"doc","content":[
			{"type":"paragraph","content":[{"type":"text","text":"a"}]},
			{"type":"paragraph"},
			{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}`},
		{"trailing line breaks dropped", "done\n\n", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"done"}]}]}`},
		{"empty text", "", `{"type":"doc","content":[{"type":"paragraph"}]}`},
		{"any Unicode kept as is", "Grüße 👋 日本語 مرحبا", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Grüße 👋 日本語 مرحبا"}]}]}`},
		{"spaces and tabs kept", "  indented\tcode ", `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"  indented\tcode "}]}]}`},
		{"JSON and HTML characters", `<b>"quoted" & \ </b>`, `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"<b>\"quoted\" & \\ </b>"}]}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.JSONEq(t, tc.want, string(wrapper.PlainTextDoc(tc.text)))
		})
	}
}

func TestPlainTextDocKeepsHTMLCharactersReadable(t *testing.T) {
	t.Parallel()
	assert.Contains(t, string(wrapper.PlainTextDoc("a < b && c > d")), `"a < b && c > d"`)
}

func TestDoc(t *testing.T) {
	t.Parallel()
	// para is a document of one paragraph holding inline, given as JSON.
	para := func(inline string) string {
		return `{"type":"doc","content":[{"type":"paragraph","content":[` + inline + `]}]}`
	}
	cases := []struct {
		name string
		doc  wrapper.Document
		want string
	}{
		{"text", wrapper.Doc(wrapper.Paragraph(wrapper.Text("Hi"))), para(`{"type":"text","text":"Hi"}`)},
		{"an empty paragraph", wrapper.Doc(wrapper.Paragraph()), `{"type":"doc","content":[{"type":"paragraph"}]}`},
		{"bold", wrapper.Doc(wrapper.Paragraph(wrapper.Bold("b"))), para(`{"type":"text","text":"b","marks":[{"type":"bold"}]}`)},
		{"italic", wrapper.Doc(wrapper.Paragraph(wrapper.Italic("i"))), para(`{"type":"text","text":"i","marks":[{"type":"italic"}]}`)},
		{"code", wrapper.Doc(wrapper.Paragraph(wrapper.Code("c"))), para(`{"type":"text","text":"c","marks":[{"type":"code"}]}`)},
		{"marks in one order", wrapper.Doc(wrapper.Paragraph(wrapper.Italic("x").Bold().Italic())),
			para(`{"type":"text","text":"x","marks":[{"type":"bold"},{"type":"italic"}]}`)},
		{"methods and functions agree", wrapper.Doc(wrapper.Paragraph(wrapper.Text("x").Bold(), wrapper.Text("y").Italic(), wrapper.Text("z").Code())),
			para(`{"type":"text","text":"x","marks":[{"type":"bold"}]},{"type":"text","text":"y","marks":[{"type":"italic"}]},{"type":"text","text":"z","marks":[{"type":"code"}]}`)},
		{"link", wrapper.Doc(wrapper.Paragraph(wrapper.Link("docs", "https://docs.gleap.io/a?b=1&c=2"))),
			para(`{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"https://docs.gleap.io/a?b=1&c=2"}}]}`)},
		{"a link kept as given", wrapper.Doc(wrapper.Paragraph(wrapper.Link("docs", "HTTPS://Docs.Gleap.io"))),
			para(`{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"HTTPS://Docs.Gleap.io"}}]}`)},
		{"bold italic link", wrapper.Doc(wrapper.Paragraph(wrapper.Link("docs", "mailto:help@example.com").Italic().Bold())),
			para(`{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"mailto:help@example.com"}},{"type":"bold"},{"type":"italic"}]}`)},
		{"mention", wrapper.Doc(wrapper.Paragraph(wrapper.Text("Hi "), wrapper.Mention("64f1c2d3e4a5b6c7d8e9f001", "Ann"))),
			para(`{"type":"text","text":"Hi "},{"type":"mention","attrs":{"id":"64f1c2d3e4a5b6c7d8e9f001","label":"Ann"}}`)},
		{"hard break", wrapper.Doc(wrapper.Paragraph(wrapper.Text("a"), wrapper.HardBreak(), wrapper.Text("b"))),
			para(`{"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"}`)},
		{"heading", wrapper.Doc(wrapper.Heading(2, wrapper.Text("Release notes"))),
			`{"type":"doc","content":[{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Release notes"}]}]}`},
		{"bullet list", wrapper.Doc(wrapper.BulletList(wrapper.Item(wrapper.Text("one")), wrapper.Item())),
			`{"type":"doc","content":[{"type":"bulletList","content":[` +
				`{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},` +
				`{"type":"listItem","content":[{"type":"paragraph"}]}]}]}`},
		{"ordered list", wrapper.Doc(wrapper.OrderedList(wrapper.Item(wrapper.Bold("a"), wrapper.Text("b")))),
			`{"type":"doc","content":[{"type":"orderedList","content":[` +
				`{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a","marks":[{"type":"bold"}]},{"type":"text","text":"b"}]}]}]}]}`},
		{"image", wrapper.Doc(wrapper.Image("https://example.com/chart.png", "Load times")),
			`{"type":"doc","content":[{"type":"image","attrs":{"alt":"Load times","src":"https://example.com/chart.png"}}]}`},
		{"image without alt", wrapper.Doc(wrapper.Image("https://example.com/chart.png", "")),
			`{"type":"doc","content":[{"type":"image","attrs":{"src":"https://example.com/chart.png"}}]}`},
		{"HTML and JSON characters as written", wrapper.Doc(wrapper.Paragraph(wrapper.Text(`<b>"a" & \</b>`))),
			para(`{"type":"text","text":"<b>\"a\" & \\</b>"}`)},
		{"blocks in order", wrapper.Doc(wrapper.Heading(1, wrapper.Text("T")), wrapper.Paragraph(wrapper.Text("p"))),
			`{"type":"doc","content":[{"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"T"}]},{"type":"paragraph","content":[{"type":"text","text":"p"}]}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			comment, err := tc.doc.JSON()
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(comment))
		})
	}
}

func TestPlainTextDocIsDocOfParagraphs(t *testing.T) {
	t.Parallel()
	built, err := wrapper.Doc(wrapper.Paragraph(wrapper.Text("Hi Ada,")), wrapper.Paragraph(), wrapper.Paragraph(wrapper.Text("thanks!"))).JSON()
	require.NoError(t, err)
	assert.Equal(t, string(built), string(wrapper.PlainTextDoc("Hi Ada,\n\nthanks!")))
}

func TestPlainTextDocIsNotChecked(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"a\ufffd\ufffdb"}]}]}`,
		string(wrapper.PlainTextDoc("a\xff\xfeb")), "each bad byte is sent as U+FFFD, as encoding/json sends it")
}
