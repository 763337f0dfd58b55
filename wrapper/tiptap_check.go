package wrapper

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

// checkDocument returns a *ValidationError for the first node of root, a document made by Doc, that
// Gleap's editor would not store (see Document.JSON), named by its path in the JSON; or nil.
func checkDocument(root *tiptap.Node) *ValidationError {
	var (
		invalid  *ValidationError
		segments []string // the path of the node entered, a segment per level below root
		next     []int    // for each level down to the node entered, the index of its next child
	)
	// A document made by Doc is the caller's own, in memory already: it is checked whole, however large.
	tiptap.Walk(root, math.MaxInt, func(n *tiptap.Node, depth int) tiptap.Action {
		segments, next = segments[:max(depth-1, 0)], next[:depth]
		if depth > 0 {
			segments = append(segments, fmt.Sprintf("content[%d]", next[depth-1]))
			next[depth-1]++
		}
		next = append(next, 0)
		if field, problem := checkNode(n); problem != "" {
			if field != "" {
				segments = append(segments, field)
			}
			invalid = &ValidationError{Field: strings.Join(segments, "."), Problem: problem}
			return tiptap.Stop
		}
		return tiptap.Continue
	}, nil)
	return invalid
}

// checkNode returns the problem of n, a node made by Doc, by itself and the field of n it lies in
// ("text", "attrs.href", "content"); or "" when there is none.
func checkNode(n *tiptap.Node) (field, problem string) {
	if !utf8.ValidString(n.Text) {
		return "text", "is not valid UTF-8"
	}
	for _, key := range slices.Sorted(maps.Keys(n.Attrs)) {
		if s, ok := n.Attrs[key].(string); ok && !utf8.ValidString(s) {
			return "attrs." + key, "is not valid UTF-8"
		}
	}
	switch n.Type {
	case tiptap.NodeDoc:
		if len(n.Content) == 0 {
			return "content", "must hold at least one block"
		}
	case tiptap.NodeBulletList, tiptap.NodeOrderedList:
		if len(n.Content) == 0 {
			return "content", "must hold at least one item"
		}
	case tiptap.NodeText:
		if n.Text == "" {
			return "text", "must not be empty: ProseMirror has no empty text nodes (leave it out; Paragraph() is an empty line)"
		}
		return checkMarks(n.Marks)
	case tiptap.NodeHeading:
		if level, _ := n.Attrs[tiptap.AttrLevel].(int); level < 1 || level > 6 {
			return "attrs." + tiptap.AttrLevel, "must be 1 to 6"
		}
	case tiptap.NodeMention:
		if isBlank(n.Attrs.String(tiptap.AttrID)) {
			return "attrs." + tiptap.AttrID, "must not be blank"
		}
	case tiptap.NodeImage:
		if _, ok := tiptap.SafeImageURL(n.Attrs.String(tiptap.AttrSrc)); !ok || hasHiddenRunes(n.Attrs.String(tiptap.AttrSrc)) {
			return "attrs." + tiptap.AttrSrc, "must be an absolute http or https URL of at most 2048 bytes, without spaces or control characters"
		}
	case "":
		return "", "must not be nil"
	}
	return "", ""
}

// checkMarks returns the problem of a text node's marks, as checkNode does.
func checkMarks(marks []tiptap.Mark) (field, problem string) {
	for i, mark := range marks {
		switch mark.Type {
		case tiptap.MarkCode:
			if len(marks) > 1 {
				return "marks", "code cannot have another mark: Gleap's editor (TipTap) keeps code text apart"
			}
		case tiptap.MarkLink:
			href := mark.Attrs.String(tiptap.AttrHref)
			field := fmt.Sprintf("marks[%d].attrs.%s", i, tiptap.AttrHref)
			if !utf8.ValidString(href) {
				return field, "is not valid UTF-8"
			}
			if _, ok := tiptap.SafeLinkURL(href); !ok || hasHiddenRunes(href) {
				return field, "must be an absolute http, https or mailto URL of at most 2048 bytes, without spaces or control characters"
			}
		}
	}
	return "", ""
}

// hasHiddenRunes reports whether s holds a space, a control character or an invisible formatting
// character (a zero-width space, a direction override) anywhere: in a URL such a rune is at best a
// mistake and at worst a way to make the target differ from what a reader sees.
func hasHiddenRunes(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	})
}
