package wrapper_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/wrapper"
)

// ttDoc is a document of nodes given as JSON.
func ttDoc(nodes ...string) string {
	return `{"type":"doc","content":[` + strings.Join(nodes, ",") + `]}`
}

// ttPara is a paragraph of nodes.
func ttPara(nodes ...string) string {
	return `{"type":"paragraph","content":[` + strings.Join(nodes, ",") + `]}`
}

// ttText is a text node with marks.
func ttText(text string, marks ...string) string {
	encoded, _ := json.Marshal(text)
	return `{"type":"text","text":` + string(encoded) + `,"marks":[` + strings.Join(marks, ",") + `]}`
}

// ttLink is a link mark to href.
func ttLink(href string) string { return `{"type":"link","attrs":{"href":"` + href + `"}}` }

// ttItem is a list item of nodes.
func ttItem(nodes ...string) string {
	return `{"type":"listItem","content":[` + strings.Join(nodes, ",") + `]}`
}

// ttList is a list of type listType.
func ttList(listType string, items ...string) string {
	return `{"type":"` + listType + `","content":[` + strings.Join(items, ",") + `]}`
}

// ttHardBreak is a hard break node.
const ttHardBreak = `{"type":"hardBreak"}`

func TestPlainText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		comment string
		want    string
	}{
		{"paragraphs are lines", ttDoc(ttPara(ttText("Hi Ada,")), ttPara(ttText("thanks!"))), "Hi Ada,\nthanks!"},
		{"an empty paragraph is an empty line", ttDoc(ttPara(ttText("a")), `{"type":"paragraph"}`, ttPara(ttText("b"))), "a\n\nb"},
		{"empty paragraphs first", ttDoc(`{"type":"paragraph"}`, `{"type":"paragraph","content":[]}`, ttPara(ttText("a"))), "\n\na"},
		{"an empty paragraph last", ttDoc(ttPara(ttText("a")), `{"type":"paragraph"}`), "a\n"},
		{"text nodes run together", ttDoc(ttPara(ttText("Hi "), ttText("there", `{"type":"bold"}`), ttText("!", `{"type":"italic"}`, `{"type":"code"}`))), "Hi there!"},
		{"a hard break", ttDoc(ttPara(ttText("a"), ttHardBreak, ttText("b"))), "a\nb"},
		{"a heading", ttDoc(`{"type":"heading","attrs":{"level":2},"content":[`+ttText("Title")+`]}`, ttPara(ttText("body"))), "Title\nbody"},
		{"a code block", ttDoc(`{"type":"codeBlock","content":[` + ttText("if a {\n}") + `]}`), "if a {\n}"},
		{"a bullet list", ttDoc(ttPara(ttText("Fixed:")), ttList("bulletList", ttItem(ttPara(ttText("one"))), ttItem(ttPara(ttText("two")))), ttPara(ttText("Bye"))), "Fixed:\n- one\n- two\nBye"},
		{"an ordered list", ttDoc(ttList("orderedList", ttItem(ttPara(ttText("one"))), ttItem(ttPara(ttText("two"))))), "1. one\n2. two"},
		{"an ordered list from 9", ttDoc(`{"type":"orderedList","attrs":{"start":9},"content":[` + ttItem(ttPara(ttText("a"))) + `,` + ttItem(ttPara(ttText("b"))) + `]}`), "9. a\n10. b"},
		{"an ordered list from 0", ttDoc(`{"type":"orderedList","attrs":{"start":0},"content":[` + ttItem(ttPara(ttText("a"))) + `]}`), "0. a"},
		{"a start that is no number", ttDoc(`{"type":"orderedList","attrs":{"start":"5"},"content":[` + ttItem(ttPara(ttText("a"))) + `]}`), "1. a"},
		{"an empty item", ttDoc(ttList("bulletList", ttItem(`{"type":"paragraph"}`), ttItem(ttPara(ttText("b"))))), "- \n- b"},
		{"an item's further lines are indented", ttDoc(ttList("orderedList", ttItem(ttPara(ttText("first")), ttPara(ttText("second"), ttHardBreak, ttText("third"))))), "1. first\n   second\n   third"},
		{"a list in a list", ttDoc(ttList("bulletList", ttItem(ttPara(ttText("outer")), ttList("orderedList", ttItem(ttPara(ttText("inner"))), ttItem(ttPara(ttText("more"))))), ttItem(ttPara(ttText("next"))))),
			"- outer\n  1. inner\n  2. more\n- next"},
		{"an item of bare text", ttDoc(ttList("bulletList", ttItem(ttText("bare")), ttItem(ttText("also")))), "- bare\n- also"},
		{"an item outside a list", ttDoc(ttItem(ttPara(ttText("lost")))), "- lost"},
		{"a mention", ttDoc(ttPara(ttText("Hi "), `{"type":"mention","attrs":{"id":"u1","label":"Ann"}}`, ttText("!"))), "Hi @Ann!"},
		{"a mention without a label", ttDoc(ttPara(`{"type":"mention","attrs":{"id":"u1","label":""}}`)), "@u1"},
		{"an image is its alt text, on a line of its own", ttDoc(ttPara(ttText("before")), `{"type":"image","attrs":{"src":"https://example.com/a.png","alt":"a chart"}}`, ttPara(ttText("after"))),
			"before\na chart\nafter"},
		{"an image in a paragraph stays in it", ttDoc(ttPara(ttText("see "), `{"type":"image","attrs":{"src":"x","title":"the chart"}}`, ttText(" here"))), "see the chart here"},
		{"an image without alt text is left out", ttDoc(ttPara(ttText("a")), `{"type":"image","attrs":{"src":"https://example.com/a.png"}}`, ttPara(ttText("b"))), "a\nb"},
		{"a link is its text and target", ttDoc(ttPara(ttText("see "), ttText("the docs", ttLink("https://docs.gleap.io")), ttText("."))), "see the docs (https://docs.gleap.io)."},
		{"a link over several text nodes", ttDoc(ttPara(ttText("the ", ttLink("https://a.example/")), ttText("docs", ttLink("https://a.example/"), `{"type":"bold"}`))), "the docs (https://a.example/)"},
		{"two links side by side", ttDoc(ttPara(ttText("a", ttLink("https://a.example/")), ttText("b", ttLink("https://b.example/")))), "a (https://a.example/)b (https://b.example/)"},
		{"a link at the end of a paragraph", ttDoc(ttPara(ttText("docs", ttLink("https://a.example/"))), ttPara(ttText("next"))), "docs (https://a.example/)\nnext"},
		{"a link before a mention", ttDoc(ttPara(ttText("docs", ttLink("https://a.example/")), `{"type":"mention","attrs":{"label":"Ann"}}`)), "docs (https://a.example/)@Ann"},
		{"a link whose text is its target", ttDoc(ttPara(ttText("https://a.example/", ttLink("https://a.example/")))), "https://a.example/"},
		{"a mailto link whose text is the address", ttDoc(ttPara(ttText("help@example.com", ttLink("mailto:help@example.com")))), "help@example.com"},
		{"an unsafe link is its text only", ttDoc(ttPara(ttText("click", ttLink("javascript:alert(1)")))), "click"},
		{"a link without a target is its text only", ttDoc(ttPara(ttText("click", `{"type":"link"}`))), "click"},
		{"a link that ends the document", ttText("docs", ttLink("https://a.example/")), "docs (https://a.example/)"},
		{"a blockquote is what it holds", ttDoc(`{"type":"blockquote","content":[`+ttPara(ttText("quoted"))+`]}`, ttPara(ttText("reply"))), "quoted\nreply"},
		{"a table is what it holds", ttDoc(`{"type":"table","content":[{"type":"tableRow","content":[{"type":"tableCell","content":[` + ttPara(ttText("a")) + `]},{"type":"tableCell","content":[` + ttPara(ttText("b")) + `]}]}]}`),
			"a\nb"},
		{"an unknown inline node is its text", ttDoc(ttPara(ttText("I "), `{"type":"emoji","text":"x","content":[`+ttText("♥")+`]}`, ttText(" it"))), "I ♥ it"},
		{"a bare text node", `{"type":"text","text":"bare"}`, "bare"},
		{"fields of the wrong type", ttDoc(ttPara(`{"type":"text","text":5}`, `{"type":"text","text":"ok","marks":"bold"}`, `"stray"`, `7`)), "ok"},
		{"a string is itself", `"line one\nline <two>"`, "line one\nline <two>"},
		{"null", `null`, ""},
		{"nothing", ``, ""},
		{"not JSON", `{"type":`, ""},
		{"a number", `42`, ""},
		{"an array", `["a"]`, ""},
		{"an object that is no node", `{"text":"hi"}`, ""},
		{"invalid UTF-8", "\"a\xffb\"", "a\uFFFDb"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, wrapper.PlainText(json.RawMessage(tc.comment)))
		})
	}
}

func TestPlainTextReadsPlainTextDoc(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, text, want string
	}{
		{"one line", "Hello", "Hello"},
		{"lines", "Hi Ada,\nthanks!", "Hi Ada,\nthanks!"},
		{"blank lines", "\n\na\n\n\nb", "\n\na\n\n\nb"},
		{"CRLF and CR", "a\r\nb\rc", "a\nb\nc"},
		{"line breaks at the end", "done\n\n", "done"},
		{"nothing", "", ""},
		{"spaces, tabs and any Unicode", "  Grüße\t👋 <b>&", "  Grüße\t👋 <b>&"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, wrapper.PlainText(wrapper.PlainTextDoc(tc.text)))
		})
	}
}

func TestPlainTextReadsDoc(t *testing.T) {
	t.Parallel()
	comment, err := wrapper.Doc(
		wrapper.Heading(1, wrapper.Text("Release 2.4")),
		wrapper.Paragraph(wrapper.Text("Hi "), wrapper.Mention("64f1c2d3e4a5b6c7d8e9f001", "Ann"), wrapper.Text(", what changed:")),
		wrapper.BulletList(
			wrapper.Item(wrapper.Text("Invoices load in "), wrapper.Bold("2 s")),
			wrapper.Item(wrapper.Text("Exports are "), wrapper.Italic("zipped").Bold(), wrapper.HardBreak(), wrapper.Code("gleap export --zip")),
		),
		wrapper.OrderedList(wrapper.Item(wrapper.Text("Update")), wrapper.Item(wrapper.Text("Restart"))),
		wrapper.Image("https://example.com/chart.png", "Load times"),
		wrapper.Paragraph(wrapper.Text("See "), wrapper.Link("the notes", "https://docs.gleap.io/notes"), wrapper.Text(" or "), wrapper.Link("help@example.com", "mailto:help@example.com")),
	).JSON()
	require.NoError(t, err)
	assert.Equal(t, "Release 2.4\n"+
		"Hi @Ann, what changed:\n"+
		"- Invoices load in 2 s\n"+
		"- Exports are zipped\n"+
		"  gleap export --zip\n"+
		"1. Update\n"+
		"2. Restart\n"+
		"Load times\n"+
		"See the notes (https://docs.gleap.io/notes) or help@example.com", wrapper.PlainText(comment))
}

func TestPlainTextIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("too many nodes", func(t *testing.T) {
		t.Parallel()
		paragraphs := make([]string, 60_000) // 120,001 nodes with their text nodes and the doc
		for i := range paragraphs {
			paragraphs[i] = ttPara(ttText("p"))
		}
		text := wrapper.PlainText(json.RawMessage(ttDoc(paragraphs...)))
		lines := strings.Split(text, "\n")
		assert.Equal(t, "…", lines[len(lines)-1], "the cut is said")
		assert.Len(t, lines, 50_000+1, "100,000 nodes: the doc, then 49,999 paragraphs with their text and one without")
	})
	t.Run("a link cut off", func(t *testing.T) {
		t.Parallel()
		texts := make([]string, 100_001)
		for i := range texts {
			texts[i] = ttText("a", ttLink("https://a.example/"))
		}
		text := wrapper.PlainText(json.RawMessage(ttDoc(ttPara(texts...))))
		assert.True(t, strings.HasSuffix(text, "a (https://a.example/)\n…"), "the link's target comes before the cut")
	})
	t.Run("nested thousands deep", func(t *testing.T) {
		t.Parallel()
		const depth = 4900 // two levels of JSON each: encoding/json refuses JSON nested over 10,000 deep
		comment := strings.Repeat(`{"type":"blockquote","content":[`, depth) + ttText("bottom") + strings.Repeat(`]}`, depth)
		assert.Equal(t, "bottom", wrapper.PlainText(json.RawMessage(comment)))
	})
	t.Run("lists nested deep", func(t *testing.T) {
		t.Parallel()
		nested := ttPara(ttText("leaf"))
		for range 1200 {
			nested = ttList("bulletList", ttItem(ttPara(ttText("x")), nested))
		}
		text := wrapper.PlainText(json.RawMessage(ttDoc(nested)))
		lines := strings.Split(text, "\n")
		require.Len(t, lines, 1201)
		assert.Equal(t, "- x", lines[0])
		assert.Equal(t, strings.Repeat(" ", 2)+"- x", lines[1])
		for _, line := range lines {
			assert.LessOrEqual(t, len(line), 32+len("- leaf"), "indentation stops at 32 columns")
		}
		assert.Equal(t, strings.Repeat(" ", 32)+"leaf", lines[1200])
	})
}

// FuzzPlainText feeds arbitrary bytes to PlainText as a comment, and as text to PlainTextDoc. It must
// not panic, must return valid UTF-8 of at most three times the comment's size (the bytes of a
// U+FFFD in place of each invalid one), and must read a PlainTextDoc back as its text. The seed
// corpus runs in every go test; make fuzz runs it with new inputs.
func FuzzPlainText(f *testing.F) {
	for _, seed := range []string{
		ttDoc(ttPara(ttText("Hi "), ttText("there", `{"type":"bold"}`), ttHardBreak, `{"type":"mention","attrs":{"id":"u1","label":"Ann"}}`)),
		ttDoc(ttList("orderedList", ttItem(ttPara(ttText("a")), ttList("bulletList", ttItem(ttPara(ttText("b")))))), `{"type":"image","attrs":{"alt":"c"}}`),
		ttDoc(`{"type":"orderedList","attrs":{"start":999999},"content":[` + ttItem(`{"type":"paragraph"}`) + `]}`),
		ttDoc(ttPara(ttText("docs", ttLink("https://a.example/")), ttText("x", ttLink("mailto:a@b")))),
		ttDoc(`{"type":"heading","content":[`+ttText("h")+`]}`, `{"type":"codeBlock","content":[`+ttText("c")+`]}`, `{"type":"blockquote","content":[`+ttPara()+`]}`),
		strings.Repeat(`{"type":"listItem","content":[`, 40) + strings.Repeat(`]}`, 40),
		`"a string\nof lines"`, `null`, `{"type":1}`, `[{"type":"doc"}]`, "\"\xff\"", `"\ud800"`, "Hello\r\n\r\nBye\n", "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, comment []byte) {
		text := wrapper.PlainText(comment)
		assert.True(t, utf8.ValidString(text), "valid UTF-8")
		assert.LessOrEqual(t, len(text), 3*len(comment)+len("\n…"), "bounded by the input")

		if utf8.Valid(comment) {
			want := strings.ReplaceAll(strings.ReplaceAll(string(comment), "\r\n", "\n"), "\r", "\n")
			assert.Equal(t, strings.TrimRight(want, "\n"), wrapper.PlainText(wrapper.PlainTextDoc(string(comment))))
		}
	})
}
