package tiptap

import (
	"net/url"
	"strings"
)

// MaxURLBytes is the longest link target or image source accepted.
const MaxURLBytes = 2048

// SafeLinkURL returns raw, normalized, when it is an absolute http, https or mailto URL: the only
// targets a link may have. Anything else (javascript:, data:, a relative path that would point into
// whatever page shows the link) is refused.
func SafeLinkURL(raw string) (string, bool) {
	return safeURL(raw, "http", "https", "mailto")
}

// SafeImageURL is SafeLinkURL for an image's source: http and https only.
func SafeImageURL(raw string) (string, bool) {
	return safeURL(raw, "http", "https")
}

// safeURL returns raw, normalized, when it parses as an absolute URL with one of schemes and is at most
// MaxURLBytes long. A URL with a control character or a space in it is refused outright: browsers drop
// tabs and line breaks inside a URL, so "java\tscript:" would otherwise reach them as "javascript:".
func safeURL(raw string, schemes ...string) (string, bool) {
	if raw == "" || len(raw) > MaxURLBytes {
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
