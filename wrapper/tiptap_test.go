package wrapper_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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
