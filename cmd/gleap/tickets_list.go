package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// listTicketsSynopsis and listTicketsHelp are the usage of gleap tickets list.
var listTicketsSynopsis = []string{"[--status S[,S]] [--type T[,T]] [--priority P[,P]] [--since DATE] [--limit N]"}

const listTicketsHelp = `Prints the tickets the filters keep as JSON Lines on standard output, one ticket per line, oldest
first, as the pages arrive: each as the server sent it, every field included. Gleap pages tickets by
skipping, so a ticket that changes while the list runs may be left out or printed twice; "gleap
tickets watch" never does. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API
root from GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap tickets list --status OPEN --type BUG,FEATURE_REQUEST
  gleap tickets list --priority HIGH --since 2026-11-01 --limit 20 | jq -r .title

Flags:
`

// listTicketNames are the names of the inputs of gleap tickets list.
var listTicketNames = inputNames{
	"Types[]":      "--type #%d",
	"Statuses[]":   "--status #%d",
	"Priorities[]": "--priority #%d",
	"PageSize":     "--limit",
}

// listTickets runs gleap tickets list: client.Tickets.List.
func listTickets(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	statuses := flags.String("status", "", "only tickets in these status lanes, comma-separated, such as OPEN")
	types := flags.String("type", "", "only tickets of these `TYPES`, comma-separated, such as BUG,FEATURE_REQUEST")
	priorities := flags.String("priority", "", "only tickets of these priorities, comma-separated: LOW, MEDIUM, HIGH")
	since := flags.String("since", "", "only tickets created at or after `DATE` (2026-11-01 or 2026-11-01T09:00:00Z)")
	limit := flags.Int("limit", 0, "print at most `N` tickets (0: all)")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	filter := wrapper.TicketFilter{Sort: "createdAt", Types: splitList(*types), Statuses: splitList(*statuses)}
	for _, priority := range splitList(*priorities) {
		filter.Priorities = append(filter.Priorities, wrapper.TicketPriority(priority))
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
		return std.fail(exitUsage, fmt.Errorf("gleap tickets list: --limit must not be negative, got %d", *limit))
	case *limit > 0:
		filter.PageSize = min(*limit, wrapper.DefaultTicketPageSize)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var answer wrapper.Response
	page := answeredPage{member: "tickets"}
	printed := 0
	for _, err := range client.Tickets.List(ctx, filter, wrapper.WithResponseInto(&answer)) {
		if err != nil {
			return std.fail(failureCode(err), listTicketNames.inCLITerms(err))
		}
		ticket, err := page.next(answer.Body)
		if err != nil {
			return std.fail(exitFailure, err)
		}
		if _, err := std.out.Write(ticket); err != nil {
			return std.fail(exitFailure, fmt.Errorf("gleap tickets list: writing a ticket: %w", err))
		}
		if printed++; printed == *limit {
			break
		}
	}
	return exitOK
}

// splitList splits a comma-separated flag value; nil for "".
func splitList(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}
