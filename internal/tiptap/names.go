package tiptap

// The node types of TipTap's JSON documents that this module builds, reads or renders. Any other type
// may occur in a stored document too (tables, emojis, ...): readers treat such a node as its text.
const (
	NodeDoc            = "doc"
	NodeParagraph      = "paragraph"
	NodeHeading        = "heading"
	NodeText           = "text"
	NodeHardBreak      = "hardBreak"
	NodeBulletList     = "bulletList"
	NodeOrderedList    = "orderedList"
	NodeListItem       = "listItem"
	NodeMention        = "mention"
	NodeImage          = "image"
	NodeBlockquote     = "blockquote"
	NodeCodeBlock      = "codeBlock"
	NodeHorizontalRule = "horizontalRule"
	NodeTableRow       = "tableRow"
)

// The mark types of a text node that this module builds or renders.
const (
	MarkBold      = "bold"
	MarkItalic    = "italic"
	MarkCode      = "code"
	MarkLink      = "link"
	MarkUnderline = "underline"
	MarkStrike    = "strike"
)

// The attributes of nodes and marks that this module builds or reads.
const (
	AttrLevel = "level" // a heading's level, 1 to 6
	AttrStart = "start" // the number of an ordered list's first item
	AttrHref  = "href"  // a link's target
	AttrSrc   = "src"   // an image's source
	AttrAlt   = "alt"   // an image's description
	AttrTitle = "title" // an image's title
	AttrID    = "id"    // the id of the user a mention names
	AttrLabel = "label" // the name a mention shows
)
