package wrapper

import (
	"encoding/json"
	"strings"
)

// tiptapNode is one node of a TipTap (ProseMirror) JSON document, the format of a message's comment.
type tiptapNode struct {
	Type    string       `json:"type"`
	Text    string       `json:"text,omitempty"`
	Content []tiptapNode `json:"content,omitempty"`
}

// PlainTextDoc turns plain text into the TipTap document Gleap expects in a message's comment: one
// paragraph per line (\n, \r\n or \r), text kept exactly as given, any Unicode. A blank line becomes an
// empty paragraph; line breaks at the very end are dropped.
func PlainTextDoc(text string) json.RawMessage {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	paragraphs := make([]tiptapNode, len(lines))
	for i, line := range lines {
		paragraphs[i] = tiptapNode{Type: "paragraph"}
		if line != "" {
			// ProseMirror forbids empty text nodes, so an empty line is a paragraph with no content.
			paragraphs[i].Content = []tiptapNode{{Type: "text", Text: line}}
		}
	}
	// Encoding a tree of strings cannot fail.
	doc, _ := encodeJSON(tiptapNode{Type: "doc", Content: paragraphs})
	return doc
}
