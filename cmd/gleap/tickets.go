package main

import (
	"context"
	"encoding/json"
	"flag"

	"github.com/gleap-community/gleap-go/wrapper"
)

// ticketsNoun is gleap tickets: the tickets, client.Tickets of the Go client.
var ticketsNoun = noun{
	name: "tickets",
	summary: "Tickets: open one with its first message, read, change, archive and delete them, list and\n" +
		"search them, and watch them change. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT.",
	verbs: []verb{
		{name: "compose", summary: "open a ticket with its first message, for a contact",
			synopsis: composeSynopsis, help: composeHelp, run: composeTicket},
		{name: "get", summary: "print a ticket as JSON",
			synopsis: []string{"TICKET_ID"}, help: getTicketHelp, run: getTicket},
		{name: "list", summary: "print the tickets the filters keep, as JSON Lines",
			synopsis: listTicketsSynopsis, help: listTicketsHelp, run: listTickets},
		{name: "update", summary: "change the fields of a ticket",
			synopsis: []string{"TICKET_ID --json FILE|-"}, help: updateTicketHelp, run: updateTicket},
		{name: "archive", summary: "move a ticket to the archive",
			synopsis: []string{"TICKET_ID"}, help: archiveTicketHelp, run: archiveTicket},
		{name: "delete", summary: "delete a ticket and its messages",
			synopsis: []string{"TICKET_ID"}, help: deleteTicketHelp, run: deleteTicket},
		{name: "search", summary: "print the tickets matching TERM, as JSON Lines",
			synopsis: []string{"TERM"}, help: searchTicketsHelp, run: searchTickets},
		{name: "watch", summary: "print every ticket as it changes, as JSON Lines, resumable",
			synopsis: watchSynopsis, help: watchHelp, run: watchTickets},
	},
}

var (
	ticketIDArgument = argument{name: "TICKET_ID", missing: "name the ticket"}
	// ticketIDNames are the names of the inputs of get, update, archive and delete.
	ticketIDNames = inputNames{"ticketID": ticketIDArgument.name}
	composeNames  = inputNames{
		"type": "--type", "title": "--title", "message": "--text", "email": "--email", "session": "--session",
		"priority": "--priority",
	}
)

// The help of the verbs that take a TICKET_ID alone, or a TERM.
const (
	getTicketHelp = `Prints the ticket as JSON, as the server sent it, every field included. The key and the project come
from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap tickets get 6752e9a8b7c6d5e4f3a21098 | jq .status

Flags:
`
	archiveTicketHelp = `Moves the ticket to the archive. Prints nothing and exits 0 when it is archived. The key and the project
come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap tickets archive 6752e9a8b7c6d5e4f3a21098

Flags:
`
	deleteTicketHelp = `Deletes the ticket and its messages. Prints nothing and exits 0 when it is gone. The key and the project
come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap tickets delete 6752e9a8b7c6d5e4f3a21098

Flags:
`
	updateTicketHelp = `Changes a ticket: only the fields the JSON object sets change (an UpdateTicketRequest: title,
description, type, status, priority, tags, processingUser, processingTeam, session, formData,
customData, dueDate, isSpam). "tags" replaces every tag. Prints the ticket as it is now, as JSON. The
key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the
flags below override them.

Examples:
  gleap tickets update 6752e9a8b7c6d5e4f3a21098 --json change.json
  echo '{"status": "DONE"}' | gleap tickets update 6752e9a8b7c6d5e4f3a21098 --json -

Flags:
`
	searchTicketsHelp = `Searches the project's tickets for TERM and prints the ones Gleap finds (about thirty at most) as JSON
Lines, one ticket per line, as the server sent them. The key and the project come from GLEAP_API_KEY
and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap tickets search refund | jq -r .title

Flags:
`
)

// composeSynopsis and composeHelp are the usage of gleap tickets compose.
var composeSynopsis = []string{"--title TITLE --type TYPE [--text MESSAGE] [--email EMAIL | --session ID] [--priority P]"}

const composeHelp = `Opens a ticket with its first message (the text of --text, plain text), for the contact of --email or
of --session, and prints the stored ticket as JSON. Like posting a message, it is not sent again after
a failure that may have come after Gleap stored it: check before running it again. The key and the
project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below
override them.

Example:
  gleap tickets compose --type INQUIRY --title "Refund for order 4711" \
    --text "I was charged twice." --email customer@example.com

Flags:
`

// composeTicket runs gleap tickets compose: client.Tickets.Compose.
func composeTicket(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	title := flags.String("title", "", "the ticket's `TITLE` (required)")
	ticketType := flags.String("type", "", "the ticket's `TYPE`, such as BUG, FEATURE_REQUEST or INQUIRY (required)")
	text := flags.String("text", "", "the first `MESSAGE`, plain text")
	email := flags.String("email", "", "the contact's `EMAIL` address")
	session := flags.String("session", "", "the contact's session `ID`, instead of --email")
	priority := flags.String("priority", "", "the ticket's priority: LOW, MEDIUM or HIGH")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	req := wrapper.ComposeTicketRequest{Title: *title, Type: *ticketType}
	for _, optional := range []struct {
		value string
		field **string
	}{{*text, &req.Message}, {*email, &req.Email}, {*session, &req.Session}} {
		if optional.value != "" {
			*optional.field = &optional.value
		}
	}
	if *priority != "" {
		req.Priority = wrapper.Ptr(wrapper.TicketPriority(*priority))
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	return printAnswered(std, composeNames, func(into wrapper.Option) error {
		_, err := client.Tickets.Compose(ctx, req, into)
		return err
	})
}

// getTicket runs gleap tickets get: client.Tickets.Get.
func getTicket(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, ticketIDArgument, ticketIDNames, func(client *wrapper.Client, ticketID string) error {
		var answer wrapper.Response
		if _, err := client.Tickets.Get(ctx, ticketID, wrapper.WithResponseInto(&answer)); err != nil {
			return err
		}
		return printAnswer(std.out, answer.Body)
	})
}

// updateTicket runs gleap tickets update: client.Tickets.Update with the request of --json.
func updateTicket(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	jsonFile := flags.String("json", "", "the UpdateTicketRequest in `FILE` (- for standard input)")
	return withArgument(flags, args, std, getenv, ticketIDArgument, ticketIDNames, func(client *wrapper.Client, ticketID string) error {
		var req wrapper.UpdateTicketRequest
		if err := readRequiredJSON(*jsonFile, std, &req, "gleap tickets update", "a change of a ticket"); err != nil {
			return err
		}
		var answer wrapper.Response
		if _, err := client.Tickets.Update(ctx, ticketID, req, wrapper.WithResponseInto(&answer)); err != nil {
			return err
		}
		return printAnswer(std.out, answer.Body)
	})
}

// archiveTicket runs gleap tickets archive: client.Tickets.Archive.
func archiveTicket(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, ticketIDArgument, ticketIDNames, func(client *wrapper.Client, ticketID string) error {
		return client.Tickets.Archive(ctx, ticketID)
	})
}

// deleteTicket runs gleap tickets delete: client.Tickets.Delete.
func deleteTicket(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, ticketIDArgument, ticketIDNames, func(client *wrapper.Client, ticketID string) error {
		return client.Tickets.Delete(ctx, ticketID)
	})
}

// searchTickets runs gleap tickets search: client.Tickets.Search, printed as JSON Lines.
func searchTickets(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, termArgument, searchNames, func(client *wrapper.Client, term string) error {
		var answer wrapper.Response
		if _, err := client.Tickets.Search(ctx, term, wrapper.WithResponseInto(&answer)); err != nil {
			return err
		}
		return writeJSONLines(std.out, foundTickets(answer.Body))
	})
}

// foundTickets returns the tickets of an answer Tickets.Search accepted, as the server sent them: a bare
// array, or the "tickets" or else the "hits" of an object.
func foundTickets(body []byte) []json.RawMessage {
	var found []json.RawMessage
	if json.Unmarshal(body, &found) == nil {
		return found
	}
	var object struct {
		Tickets, Hits []json.RawMessage
	}
	_ = json.Unmarshal(body, &object) // Search decoded it
	if object.Tickets != nil {
		return object.Tickets
	}
	return object.Hits
}
