package tiptap_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// sample is a document of two paragraphs, the first holding two text nodes:
// doc(paragraph(text a, text b), paragraph(text c)).
func sample() *tiptap.Node {
	return &tiptap.Node{Type: "doc", Content: []tiptap.Node{
		{Type: "paragraph", Content: []tiptap.Node{{Type: "text", Text: "a"}, {Type: "text", Text: "b"}}},
		{Type: "paragraph", Content: []tiptap.Node{{Type: "text", Text: "c"}}},
	}}
}

// trace walks root and returns what enter and leave saw, one entry each, and Walk's result. act
// decides what enter returns.
func trace(root *tiptap.Node, maxNodes int, act func(n *tiptap.Node) tiptap.Action) ([]string, bool) {
	var events []string
	name := func(n *tiptap.Node) string { return n.Type + n.Text }
	complete := tiptap.Walk(root, maxNodes, func(n *tiptap.Node, depth int) tiptap.Action {
		events = append(events, fmt.Sprintf("+%s@%d", name(n), depth))
		return act(n)
	}, func(n *tiptap.Node, depth int) {
		events = append(events, fmt.Sprintf("-%s@%d", name(n), depth))
	})
	return events, complete
}

func TestWalk(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		maxNodes int
		act      func(n *tiptap.Node) tiptap.Action
		events   string
		complete bool
	}{
		{"every node in document order", 100, func(*tiptap.Node) tiptap.Action { return tiptap.Continue },
			"+doc@0 +paragraph@1 +texta@2 -texta@2 +textb@2 -textb@2 -paragraph@1 +paragraph@1 +textc@2 -textc@2 -paragraph@1 -doc@0", true},
		{"a budget of exactly every node", 6, func(*tiptap.Node) tiptap.Action { return tiptap.Continue },
			"+doc@0 +paragraph@1 +texta@2 -texta@2 +textb@2 -textb@2 -paragraph@1 +paragraph@1 +textc@2 -textc@2 -paragraph@1 -doc@0", true},
		{"the budget runs out: open nodes are left", 3, func(*tiptap.Node) tiptap.Action { return tiptap.Continue },
			"+doc@0 +paragraph@1 +texta@2 -texta@2 -paragraph@1 -doc@0", false},
		{"no budget", 0, func(*tiptap.Node) tiptap.Action { return tiptap.Continue }, "", false},
		{"skipping content", 100, func(n *tiptap.Node) tiptap.Action {
			if n.Type == "paragraph" {
				return tiptap.SkipContent
			}
			return tiptap.Continue
		}, "+doc@0 +paragraph@1 -paragraph@1 +paragraph@1 -paragraph@1 -doc@0", true},
		{"stopping: the stopped node is not left, its ancestors are", 100, func(n *tiptap.Node) tiptap.Action {
			if n.Text == "b" {
				return tiptap.Stop
			}
			return tiptap.Continue
		}, "+doc@0 +paragraph@1 +texta@2 -texta@2 +textb@2 -paragraph@1 -doc@0", false},
		{"stopping at the root", 100, func(*tiptap.Node) tiptap.Action { return tiptap.Stop }, "+doc@0", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			events, complete := trace(sample(), tc.maxNodes, tc.act)
			assert.Equal(t, tc.events, strings.Join(events, " "))
			assert.Equal(t, tc.complete, complete)
		})
	}
}

func TestWalkWithoutLeave(t *testing.T) {
	t.Parallel()
	var texts []string
	complete := tiptap.Walk(sample(), 100, func(n *tiptap.Node, _ int) tiptap.Action {
		if n.Type == "paragraph" && n.Content[0].Text == "c" {
			return tiptap.SkipContent
		}
		texts = append(texts, n.Text)
		return tiptap.Continue
	}, nil)
	assert.True(t, complete)
	assert.Equal(t, []string{"", "", "a", "b"}, texts)
}

func TestWalkAnyDepth(t *testing.T) {
	t.Parallel()
	const depth = 100_000 // far deeper than Parse can produce: the walk does not recurse
	root := &tiptap.Node{Type: "blockquote"}
	for node, i := root, 0; i < depth; i++ {
		node.Content = []tiptap.Node{{Type: "blockquote"}}
		node = &node.Content[0]
	}
	deepest, lefts := -1, 0
	complete := tiptap.Walk(root, depth+1, func(_ *tiptap.Node, d int) tiptap.Action {
		deepest = max(deepest, d)
		return tiptap.Continue
	}, func(*tiptap.Node, int) { lefts++ })
	assert.True(t, complete)
	assert.Equal(t, depth, deepest)
	assert.Equal(t, depth+1, lefts)
}
