package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// listSynopsis and listHelp are the usage of gleap messages list.
var listSynopsis = []string{"[--ticket ID] [--type TYPE[,TYPE]] [--since DATE] [--limit N]"}

const listHelp = `Prints the messages the filters keep as JSON Lines on standard output, one message per line, oldest
first, as the pages arrive: each as the server sent it, every field included, with the API key taken out
should the server echo it. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API
root from GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap messages list --ticket 6752e9a8b7c6d5e4f3a21098
  gleap messages list --ticket 6752e9a8b7c6d5e4f3a21098 --type COMMENT --since 2026-11-01 --limit 20
  gleap messages list --ticket 6752e9a8b7c6d5e4f3a21098 | jq -r .id

Flags:
`

// list runs gleap messages list, and its shortcut gleap list.
func list(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	ticket := flags.String("ticket", "", "only the messages of the ticket with this `ID`")
	types := flags.String("type", "", "only messages of these `TYPES`, comma-separated, such as COMMENT or COMMENT,NOTE")
	listing := addListingFlags(flags, "messages")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	filter := wrapper.MessageFilter{Ticket: *ticket}
	if *types != "" {
		filter.Types = strings.Split(*types, ",")
	}
	var err error
	if filter.CreatedFrom, filter.PageSize, err = listing.bounds(wrapper.DefaultPageSize); err != nil {
		return std.fail(exitUsage, err)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var answer wrapper.Response
	return printListing(std, listing, client.Messages.List(ctx, filter, wrapper.WithResponseInto(&answer)), &answer, "items", listNames)
}

// answeredPage hands out the items of the page a listing (Messages.List, Tickets.List) is on as the
// server sent them, one JSON line each. A listing reads a page, which WithResponseInto puts into the
// Response, and then yields its items in order, so the item yielded after the last one of a page is the
// first of the next.
type answeredPage struct {
	member string // the member of a page that holds its items: "items" for messages, "tickets"
	items  []json.RawMessage
	taken  int
}

// next returns the item the listing has just yielded, compacted onto one line; body is the answer to
// the request for the page it is on.
func (p *answeredPage) next(body []byte) ([]byte, error) {
	if p.taken == len(p.items) {
		p.items, p.taken = nil, 0
		var page map[string]json.RawMessage
		// Either kind of answer: a page, or a bare array, which is the last page.
		items, err := body, error(nil)
		if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '[' {
			err = json.Unmarshal(body, &page)
			items = page[p.member]
		}
		if err != nil || json.Unmarshal(items, &p.items) != nil || len(p.items) == 0 {
			return nil, errors.New("gleap: the answer does not hold the items the client read from it")
		}
	}
	var line bytes.Buffer
	if err := json.Compact(&line, p.items[p.taken]); err != nil {
		return nil, fmt.Errorf("gleap: an item of the answer: %w", err)
	}
	p.taken++
	line.WriteByte('\n')
	return line.Bytes(), nil
}

// parseDate reads a date as RFC 3339 or, for a day, as 2006-01-02 (midnight UTC).
func parseDate(text string) (time.Time, error) {
	if date, err := time.Parse(time.RFC3339, text); err == nil {
		return date, nil
	}
	if day, err := time.Parse(time.DateOnly, text); err == nil {
		return day, nil
	}
	return time.Time{}, fmt.Errorf("gleap: --since %q is not a date such as 2026-11-01 or 2026-11-01T09:00:00Z", text)
}
