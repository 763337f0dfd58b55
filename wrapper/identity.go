package wrapper

import "strings"

// Project returns the id of the project the client acts on, as given to New: what a record of the
// client's work (such as a bulk send's journal) is bound to.
func (c *Client) Project() string {
	return c.engine.project
}

// BaseURL returns the API root the client sends to, without a trailing slash, as in
// "https://api.gleap.io/v3" (the host in lower case, as WithBaseURL keeps it).
func (c *Client) BaseURL() string {
	return strings.TrimSuffix(c.engine.server, "/")
}

// RetryPolicy returns the retry policy of the client's calls, as New's options set it (DefaultRetryPolicy
// without them); a call's own options may change it for that call.
func (c *Client) RetryPolicy() RetryPolicy {
	return c.engine.settings.retry
}

// Redact returns text with the client's API key taken out, in every form in which the client takes it
// out of what the server sends (as it is, JSON-escaped, quoted, URL-escaped). Use it on a value the
// server chose, such as a message's id, before it is written anywhere: the client's errors and logs are
// redacted already, but the fields of a stored message are the server's as it sent them.
func (c *Client) Redact(text string) string {
	return c.engine.redact.text(text)
}
