// Package tiptaptest holds the hostile link targets that the tests of package tiptap, of the builder
// in package wrapper and of the inbox renderer in package internal/inbox all check against, so that the
// three agree on one list.
package tiptaptest

import "strings"

// UnsafeLinks are link targets that no link may have: scripts in any spelling, data and file URLs,
// relative and protocol-relative ones, control characters and spaces that browsers would strip, an
// attribute breakout, a mailto without an address, nothing, and a URL over the length limit. None of
// them is a safe image source either.
var UnsafeLinks = []string{
	"javascript:alert(1)",
	"JaVaScRiPt:alert(1)",
	"java\tscript:alert(1)",
	"java\nscript:alert(1)",
	"java\rscript:alert(1)",
	" javascript:alert(1)",
	"javascript:alert(1) ",
	"\x00javascript:alert(1)",
	"\x7fjavascript:alert(1)",
	"javascript&colon;alert(1)",
	"jav&#x09;ascript:alert(1)",
	"javascript://example.com/%0Aalert(1)",
	"vbscript:msgbox(1)",
	"data:text/html,<script>alert(1)</script>",
	"data:image/png;base64,iVBORw0KGgo=",
	"file:///etc/passwd",
	"ftp://example.com/",
	"//evil.example/x",
	"/v3/messages",
	"messages",
	"#top",
	"?q=1",
	"https:/no-host",
	"https:no-host",
	"http://exa mple.com/",
	"https://example.com/\t",
	"https://example.com/\n",
	`https://example.com/" onmouseover="alert(1)`,
	"mailto:",
	"",
	strings.Repeat("https://example.com/", 200),
}

// UnsafeImagesOnly are targets a link may have but an image source may not.
var UnsafeImagesOnly = []string{
	"mailto:help@example.com",
}
