package main

import (
	"context"
	"flag"
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
	listing := addListingFlags(flags, "tickets")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	filter := wrapper.TicketFilter{Sort: "createdAt", Types: splitList(*types), Statuses: splitList(*statuses)}
	for _, priority := range splitList(*priorities) {
		filter.Priorities = append(filter.Priorities, wrapper.TicketPriority(priority))
	}
	var err error
	if filter.CreatedFrom, filter.PageSize, err = listing.bounds(wrapper.DefaultTicketPageSize); err != nil {
		return std.fail(exitUsage, err)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var answer wrapper.Response
	return printListing(std, listing, client.Tickets.List(ctx, filter, wrapper.WithResponseInto(&answer)), &answer, "tickets", listTicketNames)
}

// splitList splits a comma-separated flag value; nil for "".
func splitList(value string) []string {
	if value == "" {
		return nil
	}
	return strings.Split(value, ",")
}
