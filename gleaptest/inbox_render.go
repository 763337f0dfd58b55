package gleaptest

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A message's comment is whatever its client posted: the renderer trusts none of it. It writes only
// tags and attribute names of its own, every text and attribute value passes through
// template.HTMLEscapeString, links and images keep only the targets safeLinkURL and safeImageURL
// allow, and the budget below bounds the work and the output whatever the document's shape.
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
	decoder := json.NewDecoder(bytes.NewReader(comment))
	decoder.UseNumber()
	var doc any
	if err := decoder.Decode(&doc); err != nil {
		return template.HTML(`<p class="tt-raw">` + template.HTMLEscapeString(string(comment)) + `</p>`)
	}
	r := &tiptapRenderer{}
	switch doc := doc.(type) {
	case string:
		r.paragraphs(doc)
	case map[string]any:
		if _, ok := doc["type"].(string); !ok {
			r.raw(comment)
			break
		}
		r.node(doc, 0)
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
	b     strings.Builder
	nodes int
	cut   bool // the budget ran out: the rest is left out
}

// spent reports whether the budget is used up, and marks the output cut when it is.
func (r *tiptapRenderer) spent() bool {
	if r.nodes >= maxRenderNodes || r.b.Len() >= maxRenderBytes {
		r.cut = true
	}
	return r.cut
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
	for line := range strings.SplitSeq(s, "\n") {
		if r.spent() {
			return
		}
		r.nodes++
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
	"paragraph":  "p",
	"blockquote": "blockquote",
	"bulletList": "ul",
	"listItem":   "li",
	"tableRow":   "tr",
}

// node writes n, a node at depth depth.
func (r *tiptapRenderer) node(n map[string]any, depth int) {
	if r.spent() {
		return
	}
	r.nodes++
	nodeType, _ := n["type"].(string)
	if depth >= maxRenderDepth {
		r.b.WriteString(`<span class="tt-deep">`)
		r.plainText(n)
		r.b.WriteString("</span>")
		return
	}
	attrs, _ := n["attrs"].(map[string]any)
	switch nodeType {
	case "doc":
		r.children(n, depth)
	case "text":
		s, _ := n["text"].(string)
		r.markedText(s, n["marks"])
	case "hardBreak":
		r.b.WriteString("<br>")
	case "horizontalRule":
		r.b.WriteString("<hr>")
	case "heading":
		level := clampInt(attrs["level"], 1, 6, 1)
		tag := "h" + strconv.Itoa(level)
		r.b.WriteString("<" + tag + ">")
		r.children(n, depth)
		r.b.WriteString("</" + tag + ">")
	case "orderedList":
		start := clampInt(attrs["start"], 0, 1_000_000, 1)
		if start == 1 {
			r.b.WriteString("<ol>")
		} else {
			r.b.WriteString(`<ol start="` + strconv.Itoa(start) + `">`)
		}
		r.children(n, depth)
		r.b.WriteString("</ol>")
	case "codeBlock":
		r.b.WriteString(`<pre class="tt-code"><code>`)
		r.plainText(n) // a code block holds text only; marks mean nothing in it
		r.b.WriteString("</code></pre>")
	case "mention":
		label := firstString(attrs, "label", "id")
		r.b.WriteString(`<span class="tt-mention">@`)
		r.text(truncate(label, maxAttrBytes))
		r.b.WriteString("</span>")
	case "image":
		r.image(attrs)
	default:
		if tag, ok := blockTags[nodeType]; ok {
			r.b.WriteString("<" + tag + ">")
			r.children(n, depth)
			r.b.WriteString("</" + tag + ">")
			return
		}
		// An unknown node shows its text, marked as such, so that nothing posted is hidden.
		r.b.WriteString(`<span class="tt-unknown" title="`)
		r.text(truncate("unknown TipTap node "+strconv.Quote(nodeType), maxAttrBytes))
		r.b.WriteString(`">`)
		r.plainText(n)
		r.b.WriteString("</span>")
	}
}

// children writes the content of n, whose depth is depth.
func (r *tiptapRenderer) children(n map[string]any, depth int) {
	content, _ := n["content"].([]any)
	for _, child := range content {
		if r.spent() {
			return
		}
		if child, ok := child.(map[string]any); ok {
			r.node(child, depth+1)
		}
	}
}

// plainText writes the text of n and of every node in it, escaped, without markup. It works
// through the tree with a stack of its own rather than by recursion, and within the budget.
func (r *tiptapRenderer) plainText(n map[string]any) {
	stack := []any{n}
	for len(stack) > 0 && !r.spent() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node, ok := top.(map[string]any)
		if !ok {
			continue
		}
		r.nodes++
		if s, ok := node["text"].(string); ok {
			r.text(s)
		}
		if node["type"] == "hardBreak" {
			r.b.WriteString("<br>")
		}
		content, _ := node["content"].([]any)
		for i := len(content) - 1; i >= 0; i-- { // reversed, so that the first child is taken first
			stack = append(stack, content[i])
		}
	}
}

// markTags are the marks rendered as one element around their text, by TipTap type, in the order
// they nest: a link goes around everything else.
var markTags = []struct{ mark, tag string }{
	{"bold", "strong"},
	{"italic", "em"},
	{"underline", "u"},
	{"strike", "s"},
	{"code", "code"},
}

// markedText writes s with marks, the text node's marks. Unknown marks are left out; the text stays.
func (r *tiptapRenderer) markedText(s string, marks any) {
	list, _ := marks.([]any)
	has := map[string]bool{}
	var link map[string]any
	for _, mark := range list {
		mark, ok := mark.(map[string]any)
		if !ok {
			continue
		}
		markType, _ := mark["type"].(string)
		has[markType] = true
		if markType == "link" && link == nil {
			link, _ = mark["attrs"].(map[string]any)
			if link == nil {
				link = map[string]any{}
			}
		}
	}
	var closing []string
	refused, isRefused := "", false
	if link != nil {
		href, _ := link["href"].(string)
		if safe, ok := safeLinkURL(href); ok {
			r.b.WriteString(`<a href="` + template.HTMLEscapeString(safe) + `" rel="noopener noreferrer nofollow" target="_blank">`)
			closing = append(closing, "</a>")
		} else {
			r.b.WriteString(`<span class="tt-refused-link">`)
			refused, isRefused = href, true
		}
	}
	for _, m := range markTags {
		if has[m.mark] {
			r.b.WriteString("<" + m.tag + ">")
			closing = append(closing, "</"+m.tag+">")
		}
	}
	r.text(s)
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

// image writes an image node: an <img> when its source is an http or https URL, else its
// description and source as text.
func (r *tiptapRenderer) image(attrs map[string]any) {
	src, _ := attrs["src"].(string)
	alt := truncate(firstString(attrs, "alt", "title"), maxAttrBytes)
	safe, ok := safeImageURL(src)
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

// safeLinkURL returns raw, normalized, when it is an absolute http, https or mailto URL: the only
// targets a link in the inbox may have. Anything else (javascript:, data:, a relative path that would
// point into the mock) is refused.
func safeLinkURL(raw string) (string, bool) {
	return safeURL(raw, "http", "https", "mailto")
}

// safeImageURL is safeLinkURL for an image's source: http and https only.
func safeImageURL(raw string) (string, bool) {
	return safeURL(raw, "http", "https")
}

// safeURL returns raw, normalized, when it parses as an absolute URL with one of schemes. A URL with
// a control character or a space in it is refused outright: browsers drop tabs and line breaks inside
// a URL, so "java\tscript:" would otherwise reach them as "javascript:".
func safeURL(raw string, schemes ...string) (string, bool) {
	if raw == "" || len(raw) > maxAttrBytes {
		return "", false
	}
	for _, c := range raw {
		if c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	for _, allowed := range schemes {
		if scheme != allowed {
			continue
		}
		if scheme != "mailto" && u.Host == "" {
			return "", false
		}
		if scheme == "mailto" && u.Opaque == "" {
			return "", false
		}
		u.Scheme = scheme
		return u.String(), true
	}
	return "", false
}

// clampInt returns v, a JSON number, as an int within [lo, hi], or def when it is not an integer.
func clampInt(v any, lo, hi, def int) int {
	number, ok := v.(json.Number)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(string(number), 10, 64)
	if err != nil {
		return def
	}
	return int(min(max(n, int64(lo)), int64(hi)))
}

// firstString returns the first of attrs' keys whose value is a non-empty string.
func firstString(attrs map[string]any, keys ...string) string {
	for _, key := range keys {
		if s, ok := attrs[key].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
