package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

const listHelp = `Usage:
  gleap list [--ticket ID] [--type TYPE[,TYPE]] [--since DATE] [--limit N]

Prints the messages the filters keep as JSON Lines on standard output, one message per line, oldest
first, as the pages arrive. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API
root from GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap list --ticket 6752e9a8b7c6d5e4f3a21098
  gleap list --ticket 6752e9a8b7c6d5e4f3a21098 --type COMMENT --since 2026-11-01 --limit 20
  gleap list --ticket 6752e9a8b7c6d5e4f3a21098 | jq -r .id

Flags:
`

func list(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet("list", flag.ContinueOnError)
	ticket := flags.String("ticket", "", "only the messages of the ticket with this `ID`")
	types := flags.String("type", "", "only messages of these `TYPES`, comma-separated, such as COMMENT or COMMENT,NOTE")
	since := flags.String("since", "", "only messages created at or after `DATE` (2026-11-01 or 2026-11-01T09:00:00Z)")
	limit := flags.Int("limit", 0, "print at most `N` messages (0: all)")
	conn := addConnectionFlags(flags)
	flags.Usage = helpFor(flags, listHelp)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	filter := wrapper.MessageFilter{Ticket: *ticket}
	if *types != "" {
		filter.Types = strings.Split(*types, ",")
	}
	if *since != "" {
		from, err := parseDate(*since)
		if err != nil {
			return std.fail(exitUsage, err)
		}
		filter.CreatedFrom = from
	}
	switch {
	case *limit < 0:
		return std.fail(exitUsage, fmt.Errorf("gleap list: --limit must not be negative, got %d", *limit))
	case *limit > 0:
		filter.PageSize = min(*limit, wrapper.DefaultPageSize)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	lines := json.NewEncoder(std.out)
	lines.SetEscapeHTML(false)
	printed := 0
	for message, err := range client.ListMessages(ctx, filter) {
		if err != nil {
			return std.fail(failureCode(err), err)
		}
		if err := lines.Encode(message); err != nil {
			return std.fail(exitFailure, fmt.Errorf("gleap list: writing a message: %w", err))
		}
		if printed++; printed == *limit {
			break
		}
	}
	return exitOK
}

// parseDate reads a date as RFC 3339 or, for a day, as 2006-01-02 (midnight UTC).
func parseDate(text string) (time.Time, error) {
	if date, err := time.Parse(time.RFC3339, text); err == nil {
		return date, nil
	}
	if day, err := time.Parse(time.DateOnly, text); err == nil {
		return day, nil
	}
	return time.Time{}, fmt.Errorf("gleap list: --since %q is not a date such as 2026-11-01 or 2026-11-01T09:00:00Z", text)
}
