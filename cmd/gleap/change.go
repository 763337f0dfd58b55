package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/gleap-community/gleap-go/wrapper"
)

// updateSynopsis and updateHelp are the usage of gleap messages update.
var updateSynopsis = []string{"MESSAGE_ID --json FILE|-"}

const updateHelp = `Changes a message: only the fields the JSON object sets change. Prints the message as it is now, as
JSON. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from
GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap messages update 6752f0c1a4b3c2d1e0f98765 --json correction.json
  echo '{"isNote": true}' | gleap messages update 6752f0c1a4b3c2d1e0f98765 --json -

Flags:
`

// deleteSynopsis and deleteHelp are the usage of gleap messages delete.
var deleteSynopsis = []string{"MESSAGE_ID"}

const deleteHelp = `Deletes a message. Prints nothing and exits 0 when it is gone. The key and the project come from
GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap messages delete 6752f0c1a4b3c2d1e0f98765

Flags:
`

// update runs gleap messages update, and its shortcut gleap update.
func update(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	jsonFile := flags.String("json", "", "the UpdateMessageRequest in `FILE` (- for standard input)")
	conn := addConnectionFlags(flags)
	messageID, code := parseFlagsWithArgument(flags, args, std, messageIDArgument)
	if code >= 0 {
		return code
	}
	if *jsonFile == "" {
		return std.fail(exitUsage, fmt.Errorf("gleap update: --json is required: the fields to change"))
	}
	var req wrapper.UpdateMessageRequest
	if err := readJSON(*jsonFile, std.in, &req, "a change of a message"); err != nil {
		return std.fail(exitUsage, err)
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var answer wrapper.Response
	if _, err := client.Messages.Update(ctx, messageID, req, wrapper.WithResponseInto(&answer)); err != nil {
		return std.fail(failureCode(err), messageIDNames.inCLITerms(err))
	}
	if err := printAnswer(std.out, answer.Body); err != nil {
		return std.fail(exitFailure, err)
	}
	return exitOK
}

// remove runs gleap messages delete, and its shortcut gleap delete.
func remove(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	conn := addConnectionFlags(flags)
	messageID, code := parseFlagsWithArgument(flags, args, std, messageIDArgument)
	if code >= 0 {
		return code
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	if err := client.Messages.Delete(ctx, messageID); err != nil {
		return std.fail(failureCode(err), messageIDNames.inCLITerms(err))
	}
	return exitOK
}

// failureCode is the exit code for a call's error: a *wrapper.ValidationError means nothing was sent.
func failureCode(err error) int {
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		return exitUsage
	}
	return exitFailure
}
