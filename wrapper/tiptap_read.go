package wrapper

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

const (
	// maxPlainTextNodes bounds the nodes PlainText reads of one comment. A message written in Gleap's
	// editor has some dozens; the rest of a larger document is cut.
	maxPlainTextNodes = 100_000
	// maxPlainTextIndent bounds the indentation of a line in a list nested deep, in bytes.
	maxPlainTextIndent = 32
)

// PlainText turns comment, a message's Comment as Gleap stores it (a TipTap document), into plain
// text, for a log line, a notification or a search. It reads:
//   - paragraphs, headings and code blocks as lines of their text, in order; a hard break starts a new
//     line. An empty paragraph is an empty line, so PlainText(PlainTextDoc(text)) is text, with its
//     line breaks as \n and none at the end;
//   - list items as lines starting "- ", or "1. ", "2. ", ... in an ordered list (from its start
//     attribute), the item's further lines indented under its first, a list inside it indented more
//     (up to 32 columns);
//   - a mention as "@" and its label (its id when it has none), an image as its alt text (or title);
//   - a link as its text, followed by its target in parentheses, such as "the docs
//     (https://docs.gleap.io)", unless the text is the target already. A target that Doc would refuse
//     (javascript:, a relative URL, ...) is left out;
//   - any other node (a blockquote, a table, an emoji) as what it holds, so that no text is lost.
//
// A comment that is a JSON string is that string. Anything else that is not a document (null, a
// number, an object without a type, text that is not JSON) is "". PlainText never fails and never
// panics, whatever comment holds. Its work is bounded: it reads a document of any depth without
// recursion, and stops after 100,000 nodes, ending the text with a line "…".
func PlainText(comment json.RawMessage) string {
	root, value, err := tiptap.Parse(comment)
	if err != nil || root == nil {
		text, _ := value.(string)
		return text
	}
	r := &plainTextReader{}
	complete := tiptap.Walk(root, maxPlainTextNodes, r.enter, r.leave)
	r.endLink() // a link that ends the document
	if !complete {
		r.b.WriteString("\n…")
	}
	return r.b.String()
}

// plainTextReader writes the plain text of one document as PlainText describes it.
type plainTextReader struct {
	b       strings.Builder
	started bool // something was written, or a block started: the next block starts a new line
	// onMarker is true just after a list item's marker: the item's first block goes on its line.
	onMarker bool
	indent   []byte     // the indentation of a line inside the open list items
	items    []int      // for each open list item, the bytes it added to indent
	lists    []listRead // the open lists, innermost last
	// textblocks counts the open paragraphs, headings and code blocks: an image outside them is a line
	// of its own.
	textblocks int
	// link is the target of the link being written, or ""; its text starts at linkStart in b.
	link      string
	linkStart int
}

// listRead is an open list: whether it is numbered, and the number of its next item.
type listRead struct {
	ordered bool
	next    int
}

// enter writes the start of n.
func (r *plainTextReader) enter(n *tiptap.Node, _ int) tiptap.Action {
	if n.Type == tiptap.NodeText {
		r.text(n)
		return tiptap.SkipContent
	}
	r.endLink()
	switch n.Type {
	case tiptap.NodeParagraph, tiptap.NodeHeading, tiptap.NodeCodeBlock:
		r.newBlock()
		r.textblocks++
	case tiptap.NodeBulletList:
		r.lists = append(r.lists, listRead{})
	case tiptap.NodeOrderedList:
		r.lists = append(r.lists, listRead{ordered: true, next: n.Attrs.Int(tiptap.AttrStart, 0, 1_000_000, 1)})
	case tiptap.NodeListItem:
		marker := "- "
		if len(r.lists) > 0 && r.lists[len(r.lists)-1].ordered {
			list := &r.lists[len(r.lists)-1]
			marker = strconv.Itoa(list.next) + ". "
			list.next++
		}
		r.newBlock()
		r.write(marker)
		r.onMarker = true
		r.indent = append(r.indent, strings.Repeat(" ", len(marker))...)
		r.items = append(r.items, len(marker))
	case tiptap.NodeHardBreak:
		r.lineBreak()
		return tiptap.SkipContent
	case tiptap.NodeMention:
		r.write("@" + n.Attrs.String(tiptap.AttrLabel, tiptap.AttrID))
		return tiptap.SkipContent
	case tiptap.NodeImage:
		if alt := n.Attrs.String(tiptap.AttrAlt, tiptap.AttrTitle); alt != "" {
			if r.textblocks == 0 {
				r.newBlock()
			}
			r.write(alt)
		}
		return tiptap.SkipContent
	}
	return tiptap.Continue
}

// leave ends n.
func (r *plainTextReader) leave(n *tiptap.Node, _ int) {
	if n.Type == tiptap.NodeText {
		return // a link may go on in the next text node
	}
	r.endLink()
	switch n.Type {
	case tiptap.NodeParagraph, tiptap.NodeHeading, tiptap.NodeCodeBlock:
		r.textblocks--
	case tiptap.NodeBulletList, tiptap.NodeOrderedList:
		r.lists = r.lists[:len(r.lists)-1]
	case tiptap.NodeListItem:
		r.indent = r.indent[:len(r.indent)-r.items[len(r.items)-1]]
		r.items = r.items[:len(r.items)-1]
		r.onMarker = false
	}
}

// text writes a text node, and notes where a link starts or ends.
func (r *plainTextReader) text(n *tiptap.Node) {
	href := ""
	if link, ok := n.Mark(tiptap.MarkLink); ok {
		if _, safe := tiptap.SafeLinkURL(link.Attrs.String(tiptap.AttrHref)); safe {
			href = link.Attrs.String(tiptap.AttrHref)
		}
	}
	if href != r.link {
		r.endLink()
		r.link, r.linkStart = href, r.b.Len()
	}
	r.write(n.Text)
}

// endLink writes the target of the link just written, unless its text is the target.
func (r *plainTextReader) endLink() {
	if r.link == "" {
		return
	}
	shown := r.b.String()[r.linkStart:]
	if shown != r.link && "mailto:"+shown != r.link {
		r.write(" (" + r.link + ")")
	}
	r.link = ""
}

// newBlock starts a block: on a new line, unless it is the first thing written or the first block of
// a list item.
func (r *plainTextReader) newBlock() {
	switch {
	case r.onMarker:
		r.onMarker = false
	case r.started:
		r.lineBreak()
	}
	r.started = true
}

// lineBreak starts a new line, indented under the open list items.
func (r *plainTextReader) lineBreak() {
	r.write("\n")
	r.b.Write(r.indent[:min(len(r.indent), maxPlainTextIndent)])
}

// write writes s as content.
func (r *plainTextReader) write(s string) {
	r.b.WriteString(s)
	r.started, r.onMarker = true, false
}
