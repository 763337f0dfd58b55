// Package tiptap is the one place in the module that knows TipTap (ProseMirror) JSON documents, the
// format of a Gleap message's comment: the names of their nodes, marks and attributes, the link and
// image targets that are safe to follow, and how to read a stored document and walk it within a
// budget. The builder and the reader in package wrapper and the inbox renderer in package internal/inbox
// are written on it.
//
//	root, _, err := tiptap.Parse([]byte(`{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi"}]}]}`))
//	if err != nil || root == nil {
//		return // not JSON, or not a document
//	}
//	tiptap.Walk(root, 1000, func(n *tiptap.Node, depth int) tiptap.Action {
//		fmt.Println(depth, n.Type, n.Text) // 0 doc, 1 paragraph, 2 text Hi
//		return tiptap.Continue
//	}, nil)
package tiptap
