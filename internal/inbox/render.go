package inbox

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// A message's comment is whatever its client posted: the renderer trusts none of it. It writes only
// tags and attribute names of its own, every text and attribute value passes through
// template.HTMLEscapeString, links and images keep only the targets tiptap.SafeLinkURL and
// tiptap.SafeImageURL allow, and the budget below bounds the work and the output whatever the document's shape.
const (
	// maxRenderDepth is how deep nodes are rendered as elements. Deeper content is shown as its text,
	// so that a document nested thousands deep neither recurses the page's layout to death nor gets past
	// the browser's own nesting limits in a confusing way.
	maxRenderDepth = 24
	// maxRenderNodes bounds the nodes rendered for one message; the rest is cut.
	maxRenderNodes = 5_000
	// maxRenderBytes bounds the HTML written for one message; the rest is cut.
	maxRenderBytes = 256 << 10
	// maxAttrBytes bounds a URL or another attribute taken from a document.
	maxAttrBytes = 2048
)

// renderComment renders comment, a message's TipTap (ProseMirror) JSON document, as HTML. A JSON
// string is shown as text; a value that is not a document is shown as its JSON. It never fails: what
// it cannot render it shows as text.
func renderComment(comment json.RawMessage) template.HTML {
	comment = bytes.TrimSpace(comment)
	if len(comment) == 0 || string(comment) == "null" {
		return ""
	}
	root, value, err := tiptap.Parse(comment)
	if err != nil {
		return template.HTML(`<p class="tt-raw">` + template.HTMLEscapeString(string(comment)) + `</p>`)
	}
	r := &tiptapRenderer{}
	switch text, isText := value.(string); {
	case root != nil:
		if !tiptap.Walk(root, maxRenderNodes, r.enter, r.leave) {
			r.cut = true
		}
	case isText:
		r.paragraphs(text)
	default:
		r.raw(comment)
	}
	if r.cut {
		r.b.WriteString(`<p class="tt-cut">… the rest of this comment is not shown: it is too large or too deeply nested.</p>`)
	}
	// Every piece of r.b was escaped as it was written, and every tag is the renderer's own.
	return template.HTML(r.b.String())
}

// tiptapRenderer writes the HTML of one document within the budget.
type tiptapRenderer struct {
	b       strings.Builder
	closing []string // for each node entered and not yet left, what leaving it writes
	// plain is true inside a node whose content is shown as its text only (a code block, an unknown
	// node, or one nested too deep), which is at depth plainDepth.
	plain      bool
	plainDepth int
	cut        bool // the budget ran out: the rest is left out
}

// text writes s, escaped as template.HTMLEscapeString escapes it, and stops at the byte budget.
func (r *tiptapRenderer) text(s string) {
	for _, c := range s { // invalid UTF-8 comes out as U+FFFD
		if r.b.Len() >= maxRenderBytes {
			r.cut = true
			return
		}
		switch c {
		case '&':
			r.b.WriteString("&amp;")
		case '<':
			r.b.WriteString("&lt;")
		case '>':
			r.b.WriteString("&gt;")
		case '"':
			r.b.WriteString("&#34;")
		case '\'':
			r.b.WriteString("&#39;")
		case 0:
			r.b.WriteRune(utf8.RuneError)
		default:
			r.b.WriteRune(c)
		}
	}
}

// paragraphs writes plain text as one paragraph per line, as wrapper.PlainTextDoc would store it.
func (r *tiptapRenderer) paragraphs(s string) {
	lines := 0
	for line := range strings.SplitSeq(s, "\n") {
		if lines >= maxRenderNodes || r.b.Len() >= maxRenderBytes {
			r.cut = true
			return
		}
		lines++
		r.b.WriteString("<p>")
		r.text(line)
		r.b.WriteString("</p>")
	}
}

// raw writes a JSON value that is not a document as its text.
func (r *tiptapRenderer) raw(value json.RawMessage) {
	r.b.WriteString(`<pre class="tt-raw">`)
	r.text(string(value))
	r.b.WriteString("</pre>")
}

// blockTags are the nodes rendered as one element around their content, by TipTap type.
var blockTags = map[string]string{
	tiptap.NodeParagraph:  "p",
	tiptap.NodeBlockquote: "blockquote",
	tiptap.NodeBulletList: "ul",
	tiptap.NodeListItem:   "li",
	tiptap.NodeTableRow:   "tr",
}

// enter writes the start of n, a node at depth depth, and says whether its content is rendered.
func (r *tiptapRenderer) enter(n *tiptap.Node, depth int) tiptap.Action {
	if r.b.Len() >= maxRenderBytes {
		r.cut = true
		return tiptap.Stop
	}
	if r.plain {
		r.open("", "")
		r.plainText(n)
		return tiptap.Continue
	}
	if depth >= maxRenderDepth {
		r.startPlain(n, depth, `<span class="tt-deep">`, "</span>")
		return tiptap.Continue
	}
	switch n.Type {
	case tiptap.NodeDoc:
		r.open("", "")
	case tiptap.NodeText:
		r.open("", "")
		r.markedText(n)
		return tiptap.SkipContent
	case tiptap.NodeHardBreak:
		r.open("<br>", "")
		return tiptap.SkipContent
	case tiptap.NodeHorizontalRule:
		r.open("<hr>", "")
		return tiptap.SkipContent
	case tiptap.NodeHeading:
		tag := "h" + strconv.Itoa(n.Attrs.Int(tiptap.AttrLevel, 1, 6, 1))
		r.open("<"+tag+">", "</"+tag+">")
	case tiptap.NodeOrderedList:
		start := n.Attrs.Int(tiptap.AttrStart, 0, 1_000_000, 1)
		if start == 1 {
			r.open("<ol>", "</ol>")
		} else {
			r.open(`<ol start="`+strconv.Itoa(start)+`">`, "</ol>")
		}
	case tiptap.NodeCodeBlock:
		// A code block holds text only; marks mean nothing in it.
		r.startPlain(n, depth, `<pre class="tt-code"><code>`, "</code></pre>")
	case tiptap.NodeMention:
		r.open(`<span class="tt-mention">@`, "</span>")
		r.text(truncate(n.Attrs.String(tiptap.AttrLabel, tiptap.AttrID), maxAttrBytes))
		return tiptap.SkipContent
	case tiptap.NodeImage:
		r.open("", "")
		r.image(n.Attrs)
		return tiptap.SkipContent
	default:
		if tag, ok := blockTags[n.Type]; ok {
			r.open("<"+tag+">", "</"+tag+">")
			break
		}
		// An unknown node shows its text, marked as such, so that nothing posted is hidden.
		r.b.WriteString(`<span class="tt-unknown" title="`)
		r.text(truncate("unknown TipTap node "+strconv.Quote(n.Type), maxAttrBytes))
		r.b.WriteString(`">`)
		r.startPlain(n, depth, "", "</span>")
	}
	return tiptap.Continue
}

// leave writes the end of n, at depth depth.
func (r *tiptapRenderer) leave(_ *tiptap.Node, depth int) {
	closing := r.closing[len(r.closing)-1]
	r.closing = r.closing[:len(r.closing)-1]
	r.b.WriteString(closing)
	if r.plain && depth == r.plainDepth {
		r.plain = false
	}
}

// open writes start and has leave write end.
func (r *tiptapRenderer) open(start, end string) {
	r.b.WriteString(start)
	r.closing = append(r.closing, end)
}

// startPlain opens n, at depth depth, between start and end, and shows it and its content as text.
func (r *tiptapRenderer) startPlain(n *tiptap.Node, depth int, start, end string) {
	r.open(start, end)
	r.plainText(n)
	r.plain, r.plainDepth = true, depth
}

// plainText writes n as text without markup: its text, escaped, or a line break.
func (r *tiptapRenderer) plainText(n *tiptap.Node) {
	r.text(n.Text)
	if n.Type == tiptap.NodeHardBreak {
		r.b.WriteString("<br>")
	}
}

// markTags are the marks rendered as one element around their text, by TipTap type, in the order
// they nest: a link goes around everything else.
var markTags = []struct{ mark, tag string }{
	{tiptap.MarkBold, "strong"},
	{tiptap.MarkItalic, "em"},
	{tiptap.MarkUnderline, "u"},
	{tiptap.MarkStrike, "s"},
	{tiptap.MarkCode, "code"},
}

// markedText writes n, a text node, with its marks. Unknown marks are left out; the text stays.
func (r *tiptapRenderer) markedText(n *tiptap.Node) {
	var closing []string
	refused, isRefused := "", false
	if link, ok := n.Mark(tiptap.MarkLink); ok {
		href := link.Attrs.String(tiptap.AttrHref)
		if safe, ok := tiptap.SafeLinkURL(href); ok {
			r.b.WriteString(`<a href="` + template.HTMLEscapeString(safe) + `" rel="noopener noreferrer nofollow" target="_blank">`)
			closing = append(closing, "</a>")
		} else {
			r.b.WriteString(`<span class="tt-refused-link">`)
			refused, isRefused = href, true
		}
	}
	for _, m := range markTags {
		if _, ok := n.Mark(m.mark); ok {
			r.b.WriteString("<" + m.tag + ">")
			closing = append(closing, "</"+m.tag+">")
		}
	}
	r.text(n.Text)
	for i := len(closing) - 1; i >= 0; i-- {
		r.b.WriteString(closing[i])
	}
	if isRefused {
		// The target is shown, as text, so that whoever posted it sees why it is not a link.
		r.b.WriteString(` <span class="tt-refused">(link not followed: `)
		if refused == "" {
			refused = "no target"
		}
		r.text(truncate(refused, maxAttrBytes))
		r.b.WriteString(`)</span></span>`)
	}
}

// image writes an image node with attrs: an <img> when its source is an http or https URL, else its
// description and source as text.
func (r *tiptapRenderer) image(attrs tiptap.Attrs) {
	src := attrs.String(tiptap.AttrSrc)
	alt := truncate(attrs.String(tiptap.AttrAlt, tiptap.AttrTitle), maxAttrBytes)
	safe, ok := tiptap.SafeImageURL(src)
	if !ok {
		r.b.WriteString(`<span class="tt-refused">(image not shown: `)
		if alt != "" {
			r.text(alt + ", ")
		}
		r.text(truncate(src, maxAttrBytes))
		r.b.WriteString(`)</span>`)
		return
	}
	r.b.WriteString(`<img src="` + template.HTMLEscapeString(safe) + `" alt="` + template.HTMLEscapeString(alt) +
		`" loading="lazy" referrerpolicy="no-referrer">`)
}

// truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
