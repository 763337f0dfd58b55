package tiptap_test

import (
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/internal/tiptap"
)

func ExampleParse() {
	root, _, err := tiptap.Parse([]byte(`{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi","marks":[{"type":"bold"}]}]}]}`))
	if err != nil {
		panic(err)
	}
	text := root.Content[0].Content[0]
	_, bold := text.Mark(tiptap.MarkBold)
	fmt.Println(root.Type, text.Text, bold)

	_, value, err := tiptap.Parse([]byte(`"not a document"`))
	fmt.Println(value, err)
	// Output:
	// doc Hi true
	// not a document <nil>
}

func ExampleWalk() {
	root, _, err := tiptap.Parse([]byte(`{"type":"doc","content":[{"type":"bulletList","content":[{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]}]}]}`))
	if err != nil {
		panic(err)
	}
	tiptap.Walk(root, 100, func(n *tiptap.Node, depth int) tiptap.Action {
		fmt.Printf("%s<%s>%s\n", strings.Repeat("  ", depth), n.Type, n.Text)
		return tiptap.Continue
	}, func(n *tiptap.Node, depth int) {
		fmt.Printf("%s</%s>\n", strings.Repeat("  ", depth), n.Type)
	})
	// Output:
	// <doc>
	//   <bulletList>
	//     <listItem>
	//       <paragraph>
	//         <text>one
	//         </text>
	//       </paragraph>
	//     </listItem>
	//   </bulletList>
	// </doc>
}

func ExampleSafeLinkURL() {
	for _, raw := range []string{"HTTPS://example.com/a", "mailto:help@example.com", "java\tscript:alert(1)", "/relative"} {
		fmt.Println(tiptap.SafeLinkURL(raw))
	}
	// Output:
	// https://example.com/a true
	// mailto:help@example.com true
	//  false
	//  false
}

func ExampleSafeImageURL() {
	for _, raw := range []string{"https://example.com/a.png", "mailto:help@example.com", "data:image/png;base64,iVBORw0KGgo="} {
		fmt.Println(tiptap.SafeImageURL(raw))
	}
	// Output:
	// https://example.com/a.png true
	//  false
	//  false
}

func ExampleAttrs_String() {
	mention := tiptap.Attrs{tiptap.AttrID: "u1", tiptap.AttrLabel: ""}
	fmt.Println(mention.String(tiptap.AttrLabel, tiptap.AttrID))
	// Output: u1
}

func ExampleAttrs_Int() {
	root, _, err := tiptap.Parse([]byte(`{"type":"heading","attrs":{"level":9}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(root.Attrs.Int(tiptap.AttrLevel, 1, 6, 1))
	// Output: 6
}

func ExampleNode_Mark() {
	text := tiptap.Node{Type: tiptap.NodeText, Text: "docs", Marks: []tiptap.Mark{{Type: tiptap.MarkLink, Attrs: tiptap.Attrs{tiptap.AttrHref: "https://example.com/"}}}}
	if link, ok := text.Mark(tiptap.MarkLink); ok {
		fmt.Println(link.Attrs.String(tiptap.AttrHref))
	}
	// Output: https://example.com/
}
