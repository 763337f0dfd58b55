package tiptap

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Node is one node of a TipTap document, in the shape its JSON has. A builder fills one in to encode
// it; Parse fills one in from a stored document.
type Node struct {
	Type    string `json:"type"`
	Attrs   Attrs  `json:"attrs,omitempty"`
	Text    string `json:"text,omitempty"`
	Marks   []Mark `json:"marks,omitempty"`
	Content []Node `json:"content,omitempty"`
}

// Mark is a mark of a text node, such as bold or a link.
type Mark struct {
	Type  string `json:"type"`
	Attrs Attrs  `json:"attrs,omitempty"`
}

// Attrs are the attributes of a node or a mark. In a parsed document a number is a json.Number.
type Attrs map[string]any

// String returns the value of the first of keys that is a non-empty string, or "".
func (a Attrs) String(keys ...string) string {
	for _, key := range keys {
		if s, ok := a[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// Int returns the value of key as an int within [lo, hi], or def when it is not an integer (a
// json.Number, as Parse gives numbers).
func (a Attrs) Int(key string, lo, hi, def int) int {
	number, ok := a[key].(json.Number)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(string(number), 10, 64)
	if err != nil {
		return def
	}
	return int(min(max(n, int64(lo)), int64(hi)))
}

// Mark returns the first of n's marks of type markType.
func (n *Node) Mark(markType string) (Mark, bool) {
	for _, mark := range n.Marks {
		if mark.Type == markType {
			return mark, true
		}
	}
	return Mark{}, false
}

// Parse decodes comment, a message's comment as stored (its first JSON value: anything after it is
// ignored, as a JSON decoder reading a stream would). When it is a JSON object with a string "type",
// root is that document (or node) and value is nil. Otherwise root is nil and value is the JSON value
// as encoding/json decodes it (a string, a number as json.Number, an array, an object without a type,
// or nil for null); err is set when comment is not JSON at all.
//
// Nothing in a stored document is trusted to have the right shape: a field of the wrong JSON type is
// left out of its Node (a "text" that is a number, "marks" that are not an array, an "attrs" that is no
// object), and so is an element of "content" or "marks" that is not an object. Parse works through the
// document with a stack of its own, not by recursion; its work is linear in the size of comment, and
// encoding/json refuses JSON nested more than 10,000 levels deep (some 5,000 nodes).
func Parse(comment []byte) (root *Node, value any, err error) {
	decoder := json.NewDecoder(bytes.NewReader(comment))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		return nil, nil, err
	}
	object, ok := value.(map[string]any)
	if !ok {
		return nil, value, nil
	}
	if _, ok := object["type"].(string); !ok {
		return nil, value, nil
	}
	root = &Node{}
	type pending struct {
		node   *Node
		object map[string]any
	}
	stack := []pending{{root, object}}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		p.node.Type, _ = p.object["type"].(string)
		p.node.Text, _ = p.object["text"].(string)
		p.node.Attrs, _ = p.object["attrs"].(map[string]any)
		marks, _ := p.object["marks"].([]any)
		for _, mark := range marks {
			if mark, ok := mark.(map[string]any); ok {
				markType, _ := mark["type"].(string)
				attrs, _ := mark["attrs"].(map[string]any)
				p.node.Marks = append(p.node.Marks, Mark{Type: markType, Attrs: attrs})
			}
		}
		content, _ := p.object["content"].([]any)
		children := make([]map[string]any, 0, len(content))
		for _, child := range content {
			if child, ok := child.(map[string]any); ok {
				children = append(children, child)
			}
		}
		if len(children) == 0 {
			continue
		}
		// The slice is never appended to again, so the pointers into it stay valid.
		p.node.Content = make([]Node, len(children))
		for i, child := range children {
			stack = append(stack, pending{&p.node.Content[i], child})
		}
	}
	return root, nil, nil
}
