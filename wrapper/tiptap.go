package wrapper

import (
	"encoding/json"
	"strings"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// Document is rich text for a message's Comment: a TipTap (ProseMirror) document, as Gleap's editor
// stores it, made by Doc. JSON checks it and encodes it. The zero Document is Doc() and holds nothing.
type Document struct {
	blocks []tiptap.Node
}

// Block is a block of a Document: a Paragraph, a Heading, a BulletList, an OrderedList or an Image.
type Block interface {
	blockNode() tiptap.Node
}

// Inline is the content of a Paragraph, a Heading or a list Item: a Span (Text, Bold, Italic, Code,
// Link), a Mention or a HardBreak.
type Inline interface {
	inlineNode() tiptap.Node
}

// Span is text with marks, made by Text, Bold, Italic, Code or Link. Its methods add marks: bold,
// italic and a link combine freely; code text takes no other mark, as in Gleap's editor.
type Span struct {
	text   string
	linked bool   // the text is a link, to href
	href   string // the link's target
	marks  spanMarks
}

// spanMarks are the marks of a Span other than a link, one bit each.
type spanMarks uint8

const (
	markBold spanMarks = 1 << iota
	markItalic
	markCode
)

// ListItem is an item of a BulletList or an OrderedList, made by Item.
type ListItem struct {
	node tiptap.Node
}

// Doc makes a document of blocks, in order. Call JSON for what CreateMessageRequest.Comment takes:
//
//	comment, err := wrapper.Doc(
//		wrapper.Paragraph(wrapper.Text("Hi "), wrapper.Bold("Ada"), wrapper.Text(", see "), wrapper.Link("the docs", "https://docs.gleap.io")),
//		wrapper.BulletList(wrapper.Item(wrapper.Text("one")), wrapper.Item(wrapper.Text("two"))),
//	).JSON()
func Doc(blocks ...Block) Document {
	var d Document
	for _, b := range blocks {
		node := tiptap.Node{} // nil: a node without a type, which JSON refuses
		if b != nil {
			node = b.blockNode()
		}
		d.blocks = append(d.blocks, node)
	}
	return d
}

// JSON checks d and returns it as TipTap JSON, for CreateMessageRequest.Comment or
// UpdateMessageRequest.Comment. It returns a *ValidationError naming the first value Gleap's editor
// would not store, by its path in the JSON (such as content[0].content[2].marks[0].attrs.href):
//   - a document, a BulletList or an OrderedList with nothing in it;
//   - an empty text (ProseMirror has no empty text nodes: leave it out, and make an empty line with
//     Paragraph());
//   - text or an attribute that is not valid UTF-8;
//   - a link whose target is not an absolute http, https or mailto URL, or an image whose source is
//     not an absolute http or https URL, of at most 2048 bytes. A target with any space or control or
//     invisible formatting character in it is refused too, however harmless: browsers strip some of
//     them, so "java\tscript:" would reach them as "javascript:";
//   - code text with another mark, a Heading level outside 1 to 6, a Mention without an id, or nil
//     given for a Block or an Inline.
func (d Document) JSON() (json.RawMessage, error) {
	root := d.root()
	if err := checkDocument(&root); err != nil {
		return nil, err
	}
	return encodeDocument(&root), nil
}

// root returns the doc node of d.
func (d Document) root() tiptap.Node {
	return tiptap.Node{Type: tiptap.NodeDoc, Content: d.blocks}
}

// encodeDocument returns root as JSON, unchecked.
func encodeDocument(root *tiptap.Node) json.RawMessage {
	// Encoding a tree of strings, ints and slices of them cannot fail.
	doc, _ := encodeJSON(root)
	return doc
}

// Paragraph makes a paragraph of content. With no content it is an empty line.
func Paragraph(content ...Inline) Block {
	return block{tiptap.Node{Type: tiptap.NodeParagraph, Content: inlineNodes(content)}}
}

// Heading makes a heading of content, of level 1 (the largest) to 6.
func Heading(level int, content ...Inline) Block {
	return block{tiptap.Node{Type: tiptap.NodeHeading, Attrs: tiptap.Attrs{tiptap.AttrLevel: level}, Content: inlineNodes(content)}}
}

// BulletList makes a list of items, each shown with a bullet.
func BulletList(items ...ListItem) Block {
	return list(tiptap.NodeBulletList, items)
}

// OrderedList makes a list of items, numbered from 1.
func OrderedList(items ...ListItem) Block {
	return list(tiptap.NodeOrderedList, items)
}

// list makes a list of listType holding items.
func list(listType string, items []ListItem) Block {
	node := tiptap.Node{Type: listType}
	for _, item := range items {
		node.Content = append(node.Content, item.node)
	}
	return block{node}
}

// Item makes a list item holding one paragraph of content.
func Item(content ...Inline) ListItem {
	paragraph := tiptap.Node{Type: tiptap.NodeParagraph, Content: inlineNodes(content)}
	return ListItem{node: tiptap.Node{Type: tiptap.NodeListItem, Content: []tiptap.Node{paragraph}}}
}

// Image makes an image shown from src, an absolute http or https URL, described by alt for whoever
// cannot see it ("" for none).
func Image(src, alt string) Block {
	attrs := tiptap.Attrs{tiptap.AttrSrc: src}
	if alt != "" {
		attrs[tiptap.AttrAlt] = alt
	}
	return block{tiptap.Node{Type: tiptap.NodeImage, Attrs: attrs}}
}

// Text makes plain text. It must not be empty. A line break in it is only a space to Gleap's editor:
// use HardBreak, or another Paragraph.
func Text(text string) Span {
	return Span{text: text}
}

// Bold makes bold text: Text(text).Bold().
func Bold(text string) Span {
	return Text(text).Bold()
}

// Italic makes italic text: Text(text).Italic().
func Italic(text string) Span {
	return Text(text).Italic()
}

// Code makes inline code: Text(text).Code().
func Code(text string) Span {
	return Text(text).Code()
}

// Link makes text that links to href, an absolute http, https or mailto URL.
func Link(text, href string) Span {
	return Span{text: text, linked: true, href: href}
}

// Bold returns s in bold.
func (s Span) Bold() Span {
	s.marks |= markBold
	return s
}

// Italic returns s in italics.
func (s Span) Italic() Span {
	s.marks |= markItalic
	return s
}

// Code returns s as inline code. Code text takes no other mark.
func (s Span) Code() Span {
	s.marks |= markCode
	return s
}

// inlineNode returns s as a text node, its marks in one order: the link, bold, italic, code.
func (s Span) inlineNode() tiptap.Node {
	node := tiptap.Node{Type: tiptap.NodeText, Text: s.text}
	if s.linked {
		node.Marks = append(node.Marks, tiptap.Mark{Type: tiptap.MarkLink, Attrs: tiptap.Attrs{tiptap.AttrHref: s.href}})
	}
	for _, m := range [...]struct {
		bit      spanMarks
		markType string
	}{{markBold, tiptap.MarkBold}, {markItalic, tiptap.MarkItalic}, {markCode, tiptap.MarkCode}} {
		if s.marks&m.bit != 0 {
			node.Marks = append(node.Marks, tiptap.Mark{Type: m.markType})
		}
	}
	return node
}

// Mention makes a mention of the Gleap user id, shown as "@" and label, as Gleap's editor stores one.
func Mention(id, label string) Inline {
	return inline{tiptap.Node{Type: tiptap.NodeMention, Attrs: tiptap.Attrs{tiptap.AttrID: id, tiptap.AttrLabel: label}}}
}

// HardBreak makes a line break within a paragraph.
func HardBreak() Inline {
	return inline{tiptap.Node{Type: tiptap.NodeHardBreak}}
}

// block is a Block: its node, made at once.
type block struct{ node tiptap.Node }

func (b block) blockNode() tiptap.Node { return b.node }

// inline is an Inline other than a Span: its node, made at once.
type inline struct{ node tiptap.Node }

func (i inline) inlineNode() tiptap.Node { return i.node }

// inlineNodes returns the nodes of content.
func inlineNodes(content []Inline) []tiptap.Node {
	var nodes []tiptap.Node
	for _, in := range content {
		node := tiptap.Node{} // nil: a node without a type, which JSON refuses
		if in != nil {
			node = in.inlineNode()
		}
		nodes = append(nodes, node)
	}
	return nodes
}

// PlainTextDoc turns plain text into the TipTap document Gleap expects in a message's comment: one
// paragraph per line (\n, \r\n or \r), text kept exactly as given, any Unicode. A blank line becomes an
// empty paragraph; line breaks at the very end are dropped. It is Doc of a Paragraph of Text per line,
// but is not checked: text that is not valid UTF-8 is sent with U+FFFD in place of each bad byte.
func PlainTextDoc(text string) json.RawMessage {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	paragraphs := make([]Block, len(lines))
	for i, line := range lines {
		paragraphs[i] = Paragraph()
		if line != "" {
			paragraphs[i] = Paragraph(Text(line))
		}
	}
	root := Doc(paragraphs...).root()
	return encodeDocument(&root)
}
