package tiptap

// Action tells Walk what to do after entering a node.
type Action int

const (
	// Continue visits the node's content, then leaves the node.
	Continue Action = iota
	// SkipContent leaves the node at once, without visiting its content.
	SkipContent
	// Stop ends the walk. The node counts as not entered: leave is not called for it, but it is for
	// each of its ancestors, innermost first, so that what their enter opened can be closed.
	Stop
)

// Walk visits root and the nodes in its content depth first, in document order: enter before a node's
// content, leave (which may be nil) after it. depth is 0 for root and one more for each level of
// content. Walk keeps its own stack rather than recursing, so any depth is safe, and it enters at most
// maxNodes nodes. It reports whether it visited every node: false when the budget ran out before the
// last one or enter returned Stop. Either way, leave has been called for every node entered, unless
// its enter returned Stop.
func Walk(root *Node, maxNodes int, enter func(n *Node, depth int) Action, leave func(n *Node, depth int)) bool {
	type open struct {
		node  *Node
		depth int
		next  int // the index of the next child to visit
	}
	var stack []open
	entered := 0
	// visit enters n and reports whether the walk goes on.
	visit := func(n *Node, depth int) bool {
		if entered >= maxNodes {
			return false
		}
		entered++
		switch enter(n, depth) {
		case Stop:
			return false
		case SkipContent:
			if leave != nil {
				leave(n, depth)
			}
		default:
			stack = append(stack, open{node: n, depth: depth})
		}
		return true
	}

	complete := visit(root, 0)
	for complete && len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next == len(top.node.Content) {
			done := *top
			stack = stack[:len(stack)-1]
			if leave != nil {
				leave(done.node, done.depth)
			}
			continue
		}
		child := &top.node.Content[top.next]
		top.next++
		complete = visit(child, top.depth+1)
	}
	for i := len(stack) - 1; i >= 0 && leave != nil; i-- {
		leave(stack[i].node, stack[i].depth)
	}
	return complete
}
