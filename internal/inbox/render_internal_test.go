package inbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/internal/tiptap/tiptaptest"
)

// doc wraps TipTap nodes, as JSON text, in a document.
func ttDoc(nodes ...string) string {
	return `{"type":"doc","content":[` + strings.Join(nodes, ",") + `]}`
}

// para is a paragraph of the given nodes.
func ttPara(nodes ...string) string {
	return `{"type":"paragraph","content":[` + strings.Join(nodes, ",") + `]}`
}

// text is a text node with marks, given as JSON objects.
func ttText(s string, marks ...string) string {
	encoded, _ := json.Marshal(s)
	if len(marks) == 0 {
		return `{"type":"text","text":` + string(encoded) + `}`
	}
	return `{"type":"text","text":` + string(encoded) + `,"marks":[` + strings.Join(marks, ",") + `]}`
}

// link is a link mark to href.
func ttLink(href string) string {
	encoded, _ := json.Marshal(href)
	return `{"type":"link","attrs":{"href":` + string(encoded) + `}}`
}

const linkAttrs = ` rel="noopener noreferrer nofollow" target="_blank"`

func TestRenderCommentNodesAndMarks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		comment string
		want    string
	}{
		{"paragraph and text", ttDoc(ttPara(ttText("Hello"))), `<p>Hello</p>`},
		{"empty paragraph", ttDoc(`{"type":"paragraph"}`), `<p></p>`},
		{"hard break", ttDoc(ttPara(ttText("a"), `{"type":"hardBreak"}`, ttText("b"))), `<p>a<br>b</p>`},
		{"bold", ttDoc(ttPara(ttText("x", `{"type":"bold"}`))), `<p><strong>x</strong></p>`},
		{"italic", ttDoc(ttPara(ttText("x", `{"type":"italic"}`))), `<p><em>x</em></p>`},
		{"strike", ttDoc(ttPara(ttText("x", `{"type":"strike"}`))), `<p><s>x</s></p>`},
		{"code", ttDoc(ttPara(ttText("x", `{"type":"code"}`))), `<p><code>x</code></p>`},
		{"underline", ttDoc(ttPara(ttText("x", `{"type":"underline"}`))), `<p><u>x</u></p>`},
		{"marks nest in one order", ttDoc(ttPara(ttText("x", `{"type":"code"}`, `{"type":"italic"}`, `{"type":"bold"}`, `{"type":"bold"}`))),
			`<p><strong><em><code>x</code></em></strong></p>`},
		{"unknown mark keeps its text", ttDoc(ttPara(ttText("x", `{"type":"highlight","attrs":{"color":"red"}}`))), `<p>x</p>`},
		{"https link", ttDoc(ttPara(ttText("docs", ttLink("https://example.com/a?b=1&c=2")))),
			`<p><a href="https://example.com/a?b=1&amp;c=2"` + linkAttrs + `>docs</a></p>`},
		{"http link with marks", ttDoc(ttPara(ttText("docs", `{"type":"bold"}`, ttLink("http://example.com/")))),
			`<p><a href="http://example.com/"` + linkAttrs + `><strong>docs</strong></a></p>`},
		{"mailto link", ttDoc(ttPara(ttText("mail us", ttLink("mailto:help@example.com")))),
			`<p><a href="mailto:help@example.com"` + linkAttrs + `>mail us</a></p>`},
		{"scheme in capitals", ttDoc(ttPara(ttText("x", ttLink("HTTPS://example.com/")))),
			`<p><a href="https://example.com/"` + linkAttrs + `>x</a></p>`},
		{"bullet list", ttDoc(`{"type":"bulletList","content":[{"type":"listItem","content":[` + ttPara(ttText("one")) + `]},{"type":"listItem","content":[` + ttPara(ttText("two")) + `]}]}`),
			`<ul><li><p>one</p></li><li><p>two</p></li></ul>`},
		{"ordered list", ttDoc(`{"type":"orderedList","content":[{"type":"listItem","content":[` + ttPara(ttText("one")) + `]}]}`),
			`<ol><li><p>one</p></li></ol>`},
		{"ordered list from 3", ttDoc(`{"type":"orderedList","attrs":{"start":3},"content":[]}`), `<ol start="3"></ol>`},
		{"ordered list start not a number", ttDoc(`{"type":"orderedList","attrs":{"start":"3\"><script>"}}`), `<ol></ol>`},
		{"ordered list start out of range", ttDoc(`{"type":"orderedList","attrs":{"start":1e99}}`), `<ol></ol>`},
		{"ordered list start huge", ttDoc(`{"type":"orderedList","attrs":{"start":99999999999}}`), `<ol start="1000000"></ol>`},
		{"heading", ttDoc(`{"type":"heading","attrs":{"level":2},"content":[` + ttText("Title") + `]}`), `<h2>Title</h2>`},
		{"heading level too deep", ttDoc(`{"type":"heading","attrs":{"level":9},"content":[` + ttText("T") + `]}`), `<h6>T</h6>`},
		{"heading without a level", ttDoc(`{"type":"heading","content":[` + ttText("T") + `]}`), `<h1>T</h1>`},
		{"blockquote", ttDoc(`{"type":"blockquote","content":[` + ttPara(ttText("quoted")) + `]}`), `<blockquote><p>quoted</p></blockquote>`},
		{"code block keeps text only", ttDoc(`{"type":"codeBlock","attrs":{"language":"go\" onclick=\"x"},"content":[` + ttText("if a < b {\n}", `{"type":"bold"}`) + `]}`),
			`<pre class="tt-code"><code>if a &lt; b {` + "\n" + `}</code></pre>`},
		{"code block shows line breaks and nested nodes as text", ttDoc(`{"type":"codeBlock","content":[` + ttText("a") + `,{"type":"hardBreak"},{"type":"emoji","content":[` + ttText("b", `{"type":"italic"}`) + `]}]}`),
			`<pre class="tt-code"><code>a<br>b</code></pre>`},
		{"mention by label", ttDoc(ttPara(`{"type":"mention","attrs":{"id":"u1","label":"Ann"}}`)), `<p><span class="tt-mention">@Ann</span></p>`},
		{"mention by id", ttDoc(ttPara(`{"type":"mention","attrs":{"id":"u1"}}`)), `<p><span class="tt-mention">@u1</span></p>`},
		{"image", ttDoc(`{"type":"image","attrs":{"src":"https://example.com/a.png","alt":"a chart"}}`),
			`<img src="https://example.com/a.png" alt="a chart" loading="lazy" referrerpolicy="no-referrer">`},
		{"horizontal rule", ttDoc(`{"type":"horizontalRule"}`), `<hr>`},
		{"unknown node shows its text", ttDoc(`{"type":"table","content":[{"type":"tableCell","content":[` + ttPara(ttText("a"), ttText("b", `{"type":"bold"}`)) + `]}]}`),
			`<span class="tt-unknown" title="unknown TipTap node &#34;table&#34;">ab</span>`},
		{"unknown node without content", ttDoc(`{"type":"emoji","attrs":{"name":"smile"}}`),
			`<span class="tt-unknown" title="unknown TipTap node &#34;emoji&#34;"></span>`},
		{"a paragraph without a doc", ttPara(ttText("bare")), `<p>bare</p>`},
		{"a string is plain text", `"line one\nline <two>"`, `<p>line one</p><p>line &lt;two&gt;</p>`},
		{"an object that is no node", `{"text":"hi"}`, `<pre class="tt-raw">{&#34;text&#34;:&#34;hi&#34;}</pre>`},
		{"an array", `[1,2]`, `<pre class="tt-raw">[1,2]</pre>`},
		{"not JSON", `{"type":`, `<p class="tt-raw">{&#34;type&#34;:</p>`},
		{"null", `null`, ``},
		{"nothing", ``, ``},
		{"text of the wrong type", ttDoc(ttPara(`{"type":"text","text":5}`, `{"type":"text","text":"ok","marks":"bold"}`, `"stray"`, `7`)), `<p>ok</p>`},
		{"content of the wrong type", ttDoc(`{"type":"paragraph","content":{"type":"text","text":"x"}}`), `<p></p>`},
		{"invalid UTF-8 and NUL", "\"a\xffb\\u0000c\"", "<p>a\uFFFDb\uFFFDc</p>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, string(renderComment(json.RawMessage(tc.comment))))
		})
	}
}

func TestRenderCommentKeepsHostileContentInert(t *testing.T) {
	t.Parallel()
	const xss = `<img src=x onerror=alert(1)>`
	for _, href := range tiptaptest.UnsafeLinks {
		t.Run(fmt.Sprintf("link %q", href), func(t *testing.T) {
			t.Parallel()
			html := string(renderComment(json.RawMessage(ttDoc(ttPara(ttText("click", ttLink(href)))))))
			assert.NotContains(t, html, "<a ", "only http, https and mailto targets make a link")
			assert.Contains(t, html, `<span class="tt-refused-link">click <span class="tt-refused">(link not followed: `)
			assert.NotContains(t, html, `" onmouseover`, "no attribute escapes its quotes")
		})
		t.Run(fmt.Sprintf("image %q", href), func(t *testing.T) {
			t.Parallel()
			encoded, _ := json.Marshal(href)
			html := string(renderComment(json.RawMessage(ttDoc(`{"type":"image","attrs":{"src":` + string(encoded) + `}}`))))
			assert.NotContains(t, html, "<img")
			assert.Contains(t, html, `<span class="tt-refused">(image not shown: `)
		})
	}
	for _, src := range tiptaptest.UnsafeImagesOnly {
		t.Run(fmt.Sprintf("image only %q", src), func(t *testing.T) {
			t.Parallel()
			html := string(renderComment(json.RawMessage(ttDoc(`{"type":"image","attrs":{"src":` + mustJSON(src) + `}}`))))
			assert.NotContains(t, html, "<img", "an image comes from http or https only")
		})
	}

	hostile := []struct{ name, comment string }{
		{"text", ttDoc(ttPara(ttText(xss)))},
		{"marked text", ttDoc(ttPara(ttText(xss, `{"type":"bold"}`, ttLink("https://example.com/"))))},
		{"refused link's target", ttDoc(ttPara(ttText("x", ttLink("javascript:"+xss))))},
		{"mention", ttDoc(ttPara(`{"type":"mention","attrs":{"label":` + mustJSON(xss) + `}}`))},
		{"image alt", ttDoc(`{"type":"image","attrs":{"src":"https://example.com/a.png","alt":` + mustJSON(`"`+xss) + `}}`)},
		{"image src", ttDoc(`{"type":"image","attrs":{"src":` + mustJSON(`https://example.com/"`+xss) + `}}`)},
		{"unknown node's type", ttDoc(`{"type":` + mustJSON(`"`+xss) + `,"content":[` + ttText(xss) + `]}`)},
		{"code block", ttDoc(`{"type":"codeBlock","content":[` + ttText(`</code></pre>`+xss) + `]}`)},
		{"heading", ttDoc(`{"type":"heading","attrs":{"level":"1 onclick=alert(1)"},"content":[` + ttText(xss) + `]}`)},
		{"a string", mustJSON(xss)},
		{"not JSON", `{"type":"` + xss},
		{"attributes everywhere", ttDoc(`{"type":"paragraph","attrs":{"style":"x","onclick":"alert(1)","class":"x"},"content":[` + ttText("x") + `]}`)},
	}
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			html := string(renderComment(json.RawMessage(tc.comment)))
			assert.NotContains(t, html, "<img src=x", "the markup in the content is text")
			assert.NotContains(t, html, "onerror=alert(1)>", "the markup in the content is text")
			assert.NotContains(t, html, "onclick", "no attribute comes from the content")
			assert.NotContains(t, html, "style=", "no attribute comes from the content")
			assert.NotContains(t, html, "<script")
			for _, tag := range tagsIn(html) {
				assert.Contains(t, []string{"p", "strong", "a", "span", "img", "pre", "code", "h1"}, tag, "a tag of the renderer's own")
			}
		})
	}
}

func TestRenderCommentIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("nested thousands deep", func(t *testing.T) {
		t.Parallel()
		const depth = 4000 // encoding/json refuses documents nested over 10,000 deep
		comment := strings.Repeat(`{"type":"blockquote","content":[`, depth) + ttText("bottom") + strings.Repeat(`]}`, depth)
		html := string(renderComment(json.RawMessage(comment)))
		assert.Equal(t, maxRenderDepth, strings.Count(html, "<blockquote>"), "elements stop at the depth cap")
		assert.Equal(t, strings.Count(html, "<blockquote>"), strings.Count(html, "</blockquote>"))
		assert.Contains(t, html, `<span class="tt-deep">bottom</span>`, "deeper content is shown as its text")
	})
	t.Run("nested lists", func(t *testing.T) {
		t.Parallel()
		item := ttText("leaf")
		for range 100 {
			item = `{"type":"bulletList","content":[{"type":"listItem","content":[` + item + `]}]}`
		}
		html := string(renderComment(json.RawMessage(ttDoc(item))))
		assert.LessOrEqual(t, strings.Count(html, "<ul>"), maxRenderDepth)
		assert.Contains(t, html, "leaf")
	})
	t.Run("many nodes", func(t *testing.T) {
		t.Parallel()
		paragraphs := make([]string, 50_000)
		for i := range paragraphs {
			paragraphs[i] = ttPara(ttText("p"))
		}
		html := string(renderComment(json.RawMessage(ttDoc(paragraphs...))))
		assert.Less(t, strings.Count(html, "<p>"), maxRenderNodes)
		assert.Contains(t, html, `<p class="tt-cut">`, "the cut is said")
	})
	t.Run("a huge text of markup", func(t *testing.T) {
		t.Parallel()
		html := string(renderComment(json.RawMessage(ttDoc(ttPara(ttText(strings.Repeat("<", 1<<20)))))))
		assert.LessOrEqual(t, len(html), maxRenderBytes+200, "escaping cannot blow the output up")
		assert.Contains(t, html, `<p class="tt-cut">`)
		assert.NotContains(t, html, "&l<", "no entity is cut in half")
	})
	t.Run("a huge plain string", func(t *testing.T) {
		t.Parallel()
		html := string(renderComment(json.RawMessage(mustJSON(strings.Repeat("a\n", 1<<19)))))
		assert.LessOrEqual(t, len(html), maxRenderBytes+200)
		assert.Contains(t, html, `<p class="tt-cut">`)
	})
}

// mustJSON encodes s as a JSON string.
func mustJSON(s string) string {
	encoded, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(encoded)
}

// tagsIn returns the names of the opening tags in html.
func tagsIn(html string) []string {
	var tags []string
	for _, part := range strings.Split(html, "<")[1:] {
		if strings.HasPrefix(part, "/") {
			continue
		}
		name, _, _ := strings.Cut(part, " ")
		name, _, _ = strings.Cut(name, ">")
		tags = append(tags, name)
	}
	return tags
}
