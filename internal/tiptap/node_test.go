package tiptap_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		comment string
		root    *tiptap.Node
		value   any
	}{
		{"a document", `{"type":"doc","content":[{"type":"paragraph","attrs":{"textAlign":"left"},"content":[{"type":"text","text":"Hi","marks":[{"type":"bold"},{"type":"link","attrs":{"href":"https://example.com/"}}]}]}]}`,
			&tiptap.Node{Type: "doc", Content: []tiptap.Node{{Type: "paragraph", Attrs: tiptap.Attrs{"textAlign": "left"}, Content: []tiptap.Node{
				{Type: "text", Text: "Hi", Marks: []tiptap.Mark{{Type: "bold"}, {Type: "link", Attrs: tiptap.Attrs{"href": "https://example.com/"}}}},
			}}}}, nil},
		{"a node without a doc", `{"type":"text","text":"bare"}`, &tiptap.Node{Type: "text", Text: "bare"}, nil},
		{"numbers stay exact", `{"type":"orderedList","attrs":{"start":12345678901234567890}}`,
			&tiptap.Node{Type: "orderedList", Attrs: tiptap.Attrs{"start": json.Number("12345678901234567890")}}, nil},
		{"fields of the wrong type are left out", `{"type":"text","text":5,"attrs":[1],"marks":"bold","content":{"type":"text"}}`, &tiptap.Node{Type: "text"}, nil},
		{"elements that are no objects are left out", `{"type":"paragraph","marks":["bold",{"type":"italic","attrs":"x"}],"content":["stray",7,null,{"type":"text","text":"ok"},[]]}`,
			&tiptap.Node{Type: "paragraph", Marks: []tiptap.Mark{{Type: "italic"}}, Content: []tiptap.Node{{Type: "text", Text: "ok"}}}, nil},
		{"a child without a type", `{"type":"doc","content":[{"text":"x"}]}`, &tiptap.Node{Type: "doc", Content: []tiptap.Node{{Text: "x"}}}, nil},
		{"a string", `"line one\nline two"`, nil, "line one\nline two"},
		{"an object that is no node", `{"text":"hi"}`, nil, map[string]any{"text": "hi"}},
		{"a type that is no string", `{"type":1}`, nil, map[string]any{"type": json.Number("1")}},
		{"an array", `[1]`, nil, []any{json.Number("1")}},
		{"null", `null`, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root, value, err := tiptap.Parse([]byte(tc.comment))
			require.NoError(t, err)
			assert.Equal(t, tc.root, root)
			assert.Equal(t, tc.value, value)
		})
	}
}

func TestParseRefusesWhatIsNotJSON(t *testing.T) {
	t.Parallel()
	for _, comment := range []string{``, `{"type":`, `hello`, "\xff"} {
		root, value, err := tiptap.Parse([]byte(comment))
		assert.Error(t, err, "%q", comment)
		assert.Nil(t, root, "%q", comment)
		assert.Nil(t, value, "%q", comment)
	}
}

func TestParseKeepsDeepDocuments(t *testing.T) {
	t.Parallel()
	const depth = 4990 // two levels of JSON each: encoding/json refuses JSON nested over 10,000 deep
	comment := strings.Repeat(`{"type":"blockquote","content":[`, depth) + `{"type":"text","text":"bottom"}` + strings.Repeat(`]}`, depth)
	root, _, err := tiptap.Parse([]byte(comment))
	require.NoError(t, err)
	node := root
	for range depth {
		require.Len(t, node.Content, 1)
		node = &node.Content[0]
	}
	assert.Equal(t, "bottom", node.Text)
}

func TestAttrs(t *testing.T) {
	t.Parallel()
	attrs := tiptap.Attrs{"label": "", "id": "u1", "n": 7, "level": json.Number("3"), "big": json.Number("1e99"), "neg": json.Number("-4"), "text": "9"}
	t.Run("String", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, "u1", attrs.String("label", "id"), "an empty string is passed over")
		assert.Equal(t, "", attrs.String("n", "missing"), "a number is no string")
		assert.Equal(t, "", tiptap.Attrs(nil).String("id"))
	})
	t.Run("Int", func(t *testing.T) {
		t.Parallel()
		cases := []struct {
			name string
			key  string
			want int
		}{
			{"within range", "level", 3},
			{"below range", "neg", 1},
			{"not an integer", "big", 9},
			{"a string", "text", 9},
			{"an int that Parse would not give", "n", 9},
			{"missing", "missing", 9},
		}
		for _, tc := range cases {
			assert.Equal(t, tc.want, attrs.Int(tc.key, 1, 6, 9), tc.name)
		}
		assert.Equal(t, 6, tiptap.Attrs{"level": json.Number("99999999999")}.Int("level", 1, 6, 9), "above range")
	})
}

func TestNodeMark(t *testing.T) {
	t.Parallel()
	n := tiptap.Node{Type: "text", Marks: []tiptap.Mark{{Type: "bold"}, {Type: "link", Attrs: tiptap.Attrs{"href": "a"}}, {Type: "link", Attrs: tiptap.Attrs{"href": "b"}}}}
	link, ok := n.Mark(tiptap.MarkLink)
	require.True(t, ok)
	assert.Equal(t, "a", link.Attrs.String(tiptap.AttrHref), "the first of its type")
	_, ok = n.Mark(tiptap.MarkItalic)
	assert.False(t, ok)
}
