package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/gleap-community/gleap-go/internal/strictjson"
	"github.com/gleap-community/gleap-go/wrapper"
)

// contactsNoun is gleap contacts: the contacts (Gleap's sessions), client.Contacts of the Go client, with
// identify and track, which are also commands of their own (gleap identify, gleap track).
var contactsNoun = noun{
	name: "contacts",
	summary: "Contacts (Gleap's sessions): read, find by user id, list, search, change and delete them; identify a\n" +
		"contact and track its events over Gleap's admin routes. The key and the project come from\n" +
		"GLEAP_API_KEY and GLEAP_PROJECT.",
	verbs: []verb{
		{name: "get", summary: "print a contact as JSON",
			synopsis: []string{"CONTACT_ID"}, help: getContactHelp, run: getContact},
		{name: "find", summary: "print the contact of a user id as JSON",
			synopsis: []string{"--user-id USER_ID"}, help: findContactHelp, run: findContact},
		{name: "list", summary: "print every contact, as JSON Lines",
			synopsis: []string{"[--limit N]"}, help: listContactsHelp, run: listContacts},
		{name: "search", summary: "print the contacts matching TERM, as JSON Lines",
			synopsis: []string{"TERM"}, help: searchContactsHelp, run: searchContacts},
		{name: "update", summary: "change the fields of a contact",
			synopsis: []string{"CONTACT_ID --json FILE|-"}, help: updateContactHelp, run: updateContact},
		{name: "delete", summary: "delete a contact",
			synopsis: []string{"CONTACT_ID"}, help: deleteContactHelp, run: deleteContact},
		{name: "import", summary: "upsert the contacts of a JSON Lines file, resumable with --journal",
			synopsis: importContactsSynopsis, help: importContactsHelp, run: importContacts},
		{name: "forget", summary: "erase a contact and what Gleap keeps about it (GDPR)",
			synopsis: []string{"--user-id USER_ID"}, help: forgetContactHelp, run: forgetContact},
		{name: "identify", summary: "create or change the contact of a user id", shortcut: true,
			synopsis: []string{"--json FILE|-"}, help: identifyHelp, run: identify},
		{name: "track", summary: "record an event of a contact", shortcut: true,
			synopsis: []string{"EVENT --user USER_ID [--data JSON]"}, help: trackHelp, run: track},
	},
}

var (
	contactIDArgument    = argument{name: "CONTACT_ID", missing: "name the contact"}
	trackedEventArgument = argument{name: "EVENT", missing: "name the event"}
	// contactIDNames are the names of the inputs of get, update and delete.
	contactIDNames = inputNames{"contactID": contactIDArgument.name}
	// userIDNames are the names of the inputs of find and forget.
	userIDNames = inputNames{"userID": "--user-id"}
	// trackNames are the names of the inputs of track.
	trackNames = inputNames{"events[].name": trackedEventArgument.name, "events[].userId": "--user", "events[].data": "--data"}
)

// The help of the contacts' verbs.
const (
	getContactHelp = `Prints the contact (its id is Gleap's session id) as JSON, as the server sent it, every field included.
The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL;
the flags below override them.

Example:
  gleap contacts get 6752e9a8b7c6d5e4f3a2c0de | jq .email

Flags:
`
	findContactHelp = `Prints the contact whose user id, your own id for it, is USER_ID, as JSON. A user id no contact has exits
1 with the server's 404. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root
from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap contacts find --user-id user-4711 | jq ._id

Flags:
`
	listContactsHelp = `Prints the project's contacts as JSON Lines on standard output, one contact per line, oldest first, as
the pages arrive: each as the server sent it. Gleap pages contacts by skipping, so a contact created or
deleted while the list runs may be left out or printed twice. The key and the project come from
GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap contacts list --limit 100 | jq -r .email

Flags:
`
	searchContactsHelp = `Searches the project's contacts (names, e-mail addresses, user ids and phone numbers) for TERM and
prints the ones Gleap finds as JSON Lines, one contact per line, as the server sent them. The key and
the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below
override them.

Example:
  gleap contacts search ada@example.com

Flags:
`
	updateContactHelp = `Changes a contact: only the fields the JSON object sets change (an UpdateContactRequest: userId, email,
name, phone, companyId, companyName, plan, value, sla, lang, tags, customData, blocked, unsubscribed).
"tags" replaces every tag, "customData" all of your data. Prints the contact as it is now, as JSON. The
key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the
flags below override them.

Examples:
  gleap contacts update 6752e9a8b7c6d5e4f3a2c0de --json change.json
  echo '{"plan": "Enterprise", "value": 499}' | gleap contacts update 6752e9a8b7c6d5e4f3a2c0de --json -

Flags:
`
	deleteContactHelp = `Deletes the contact. Prints nothing and exits 0 when it is gone. To erase a contact with what Gleap keeps
about it, as a GDPR request asks, use "gleap contacts forget". The key and the project come from
GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap contacts delete 6752e9a8b7c6d5e4f3a2c0de

Flags:
`
	forgetContactHelp = `Erases the contact whose user id is USER_ID and what Gleap keeps about it, as a GDPR erasure request asks
(Gleap's admin route, with the key in the Api-Token header). Prints nothing and exits 0 when it is gone.
The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL;
the flags below override them.

Example:
  gleap contacts forget --user-id user-4711

Flags:
`
	identifyHelp = `Creates the contact of a user id, or changes the one there is, from the JSON object of --json (an
IdentifyRequest: userId, required, and name, email, phone, value, plan, companyId, companyName, lang);
any other member is your own attribute of the contact, sent beside them. The fields sent replace the
stored ones, the others stay. Prints Gleap's answer as JSON. It goes to Gleap's admin route, with the
key in the Api-Token header. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the
API root from GLEAP_BASE_URL; the flags below override them.

Examples:
  echo '{"userId": "user-4711", "email": "ada@example.com", "plan": "Pro", "seats": 12}' | gleap identify --json -
  gleap contacts identify --json ada.json

Flags:
`
	trackHelp = `Records the event EVENT of the contact whose user id is --user, now, with the metadata of --data (a JSON
object of at most 10 keys: Gleap keeps no more). Gleap keeps names with periods and dollar signs
replaced by hyphens, so the name is sent that way ("invoice.paid" is sent as "invoice-paid"). Prints
nothing and exits 0 once Gleap took it; like posting a message, it is not sent again after a failure
that may have come after Gleap recorded it. For many events, the Go client's Tracker sends them in
batches. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from
GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap track signed-up --user user-4711
  gleap track invoice-paid --user user-4711 --data '{"amount": 49.9, "currency": "EUR"}'

Flags:
`
)

// getContact runs gleap contacts get: client.Contacts.Get.
func getContact(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, contactIDArgument, contactIDNames, func(client *wrapper.Client, contactID string) error {
		return printCalled(std, func(into wrapper.Option) error {
			_, err := client.Contacts.Get(ctx, contactID, into)
			return err
		})
	})
}

// findContact runs gleap contacts find: client.Contacts.FindByUserID.
func findContact(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	userID := flags.String("user-id", "", "the contact's `USER_ID`, your own id for it (required)")
	return withFlags(flags, args, std, getenv, userIDNames, func(client *wrapper.Client) error {
		return printCalled(std, func(into wrapper.Option) error {
			_, err := client.Contacts.FindByUserID(ctx, *userID, into)
			return err
		})
	})
}

// listContacts runs gleap contacts list: client.Contacts.List.
func listContacts(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	listing := listingFlags{since: new(string), limit: flags.Int("limit", 0, "print at most `N` contacts (0: all)")}
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	var filter wrapper.ContactFilter
	var err error
	if _, filter.PageSize, err = listing.bounds(wrapper.DefaultContactPageSize); err != nil {
		return std.fail(exitUsage, err)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var answer wrapper.Response
	return printListing(std, listing, client.Contacts.List(ctx, filter, wrapper.WithResponseInto(&answer)), &answer, "", inputNames{"PageSize": "--limit"})
}

// searchContacts runs gleap contacts search: client.Contacts.Search, printed as JSON Lines.
func searchContacts(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, termArgument, searchNames, func(client *wrapper.Client, term string) error {
		var answer wrapper.Response
		if _, err := client.Contacts.Search(ctx, term, wrapper.WithResponseInto(&answer)); err != nil {
			return err
		}
		var found []json.RawMessage
		_ = json.Unmarshal(answer.Body, &found) // Search decoded it as an array
		return writeJSONLines(std.out, found)
	})
}

// updateContact runs gleap contacts update: client.Contacts.Update with the request of --json.
func updateContact(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	jsonFile := flags.String("json", "", "the UpdateContactRequest in `FILE` (- for standard input)")
	return withArgument(flags, args, std, getenv, contactIDArgument, contactIDNames, func(client *wrapper.Client, contactID string) error {
		var req wrapper.UpdateContactRequest
		if err := readRequiredJSON(*jsonFile, std, &req, "gleap contacts update", "a change of a contact"); err != nil {
			return err
		}
		return printCalled(std, func(into wrapper.Option) error {
			_, err := client.Contacts.Update(ctx, contactID, req, into)
			return err
		})
	})
}

// deleteContact runs gleap contacts delete: client.Contacts.Delete.
func deleteContact(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, contactIDArgument, contactIDNames, func(client *wrapper.Client, contactID string) error {
		return client.Contacts.Delete(ctx, contactID)
	})
}

// forgetContact runs gleap contacts forget: client.Contacts.Forget.
func forgetContact(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	userID := flags.String("user-id", "", "the contact's `USER_ID`, your own id for it (required)")
	return withFlags(flags, args, std, getenv, userIDNames, func(client *wrapper.Client) error {
		return client.Contacts.Forget(ctx, *userID)
	})
}

// identify runs gleap identify: client.Contacts.Identify with the request of --json.
func identify(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	jsonFile := flags.String("json", "", "the IdentifyRequest in `FILE` (- for standard input)")
	return withFlags(flags, args, std, getenv, nil, func(client *wrapper.Client) error {
		var req wrapper.IdentifyRequest
		if err := readRequiredJSON(*jsonFile, std, &req, "gleap identify", "a contact's identification"); err != nil {
			return err
		}
		return printCalled(std, func(into wrapper.Option) error {
			return client.Contacts.Identify(ctx, req, into)
		})
	})
}

// track runs gleap track: client.Contacts.Track with one event.
func track(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	user := flags.String("user", "", "the `USER_ID` of the contact the event is about (required)")
	data := flags.String("data", "", "the event's metadata, a `JSON` object of at most 10 keys")
	return withArgument(flags, args, std, getenv, trackedEventArgument, trackNames, func(client *wrapper.Client, name string) error {
		event := wrapper.Event{UserID: *user, Name: name}
		if *data != "" {
			if err := strictjson.Decode([]byte(*data), &event.Data); err != nil {
				return usageError{fmt.Errorf("gleap track: --data is not a JSON object: %w", err)}
			}
		}
		return client.Contacts.Track(ctx, []wrapper.Event{event})
	})
}

// withFlags runs a verb whose command line has flags only, as withArgument runs one with an argument.
func withFlags(flags *flag.FlagSet, args []string, std stdio, getenv func(string) string, names inputNames,
	do func(client *wrapper.Client) error) int {
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	return runCall(conn, std, getenv, names, do)
}

// printCalled makes call, which WithResponseInto(into) lets hand over its answer, and prints the answer
// as JSON, as the server sent it with the key taken out.
func printCalled(std stdio, call func(into wrapper.Option) error) error {
	var answer wrapper.Response
	if err := call(wrapper.WithResponseInto(&answer)); err != nil {
		return err
	}
	return printAnswer(std.out, answer.Body)
}

// readRequiredJSON reads the JSON object of --json (file; "-" is standard input) into into, what it is
// said to be in errors, for the command typed; a missing or bad --json is a usageError.
func readRequiredJSON(file string, std stdio, into any, typed, what string) error {
	if file == "" {
		return usageError{errors.New(typed + ": --json is required: the JSON object to send")}
	}
	if err := readJSON(file, std.in, into, what); err != nil {
		return usageError{err}
	}
	return nil
}
