package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// listingFlags are the flags of every command that prints a listing: gleap messages list and gleap
// tickets list.
type listingFlags struct {
	since *string
	limit *int
}

// addListingFlags adds --since and --limit to flags, for a listing of what (such as "messages").
func addListingFlags(flags *flag.FlagSet, what string) listingFlags {
	return listingFlags{
		since: flags.String("since", "", "only "+what+" created at or after `DATE` (2026-11-01 or 2026-11-01T09:00:00Z)"),
		limit: flags.Int("limit", 0, "print at most `N` "+what+" (0: all)"),
	}
}

// bounds reads the flags: the time of --since (zero without it), and the page size that --limit asks
// for, at most defaultPage (0 without it). An error means nothing was sent.
func (l listingFlags) bounds(defaultPage int) (time.Time, int, error) {
	var since time.Time
	if *l.since != "" {
		from, err := parseDate(*l.since)
		if err != nil {
			return since, 0, err
		}
		since = from
	}
	if *l.limit < 0 {
		return since, 0, fmt.Errorf("gleap: --limit must not be negative, got %d", *l.limit)
	}
	return since, min(*l.limit, defaultPage), nil
}

// print prints what listing yields as JSON Lines, each item as the server sent it, from the answer's
// body that WithResponseInto hands over (into answer) with the key taken out, as send and update print
// theirs: the typed items hold whatever the server wrote, the key included. member names the part of a
// page that holds its items; names name the inputs of the listing's errors. It stops after --limit items
// and returns the exit code.
func printListing[T any](std stdio, l listingFlags, listing iter.Seq2[*T, error], answer *wrapper.Response, member string, names inputNames) int {
	page := answeredPage{member: member}
	printed := 0
	for _, err := range listing {
		if err != nil {
			return std.fail(failureCode(err), names.inCLITerms(err))
		}
		item, err := page.next(answer.Body)
		if err != nil {
			return std.fail(exitFailure, err)
		}
		if _, err := std.out.Write(item); err != nil {
			return std.fail(exitFailure, fmt.Errorf("gleap: writing the listing: %w", err))
		}
		if printed++; printed == *l.limit {
			break
		}
	}
	return exitOK
}

// writeJSONLines writes items, JSON values as the server sent them, to out as JSON Lines: each compacted
// onto one line.
func writeJSONLines(out io.Writer, items []json.RawMessage) error {
	for _, item := range items {
		var line bytes.Buffer
		if err := json.Compact(&line, item); err != nil {
			return fmt.Errorf("gleap: an item of the answer: %w", err)
		}
		line.WriteByte('\n')
		if _, err := line.WriteTo(out); err != nil {
			return fmt.Errorf("gleap: writing the answer: %w", err)
		}
	}
	return nil
}
