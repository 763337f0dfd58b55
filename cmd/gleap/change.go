package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

const updateHelp = `Usage:
  gleap update MESSAGE_ID --json FILE|-

Changes a message: only the fields the JSON object sets change. Prints the message as it is now, as
JSON. The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from
GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap update 6752f0c1a4b3c2d1e0f98765 --json correction.json
  echo '{"isNote": true}' | gleap update 6752f0c1a4b3c2d1e0f98765 --json -

Flags:
`

const deleteHelp = `Usage:
  gleap delete MESSAGE_ID

Deletes a message. Prints nothing and exits 0 when it is gone. The key and the project come from
GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Example:
  gleap delete 6752f0c1a4b3c2d1e0f98765

Flags:
`

func update(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet("update", flag.ContinueOnError)
	jsonFile := flags.String("json", "", "the UpdateMessageRequest in `FILE` (- for standard input)")
	conn := addConnectionFlags(flags)
	flags.Usage = helpFor(flags, updateHelp)
	messageID, code := parseFlagsWithID(flags, args, std)
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

func remove(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet("delete", flag.ContinueOnError)
	conn := addConnectionFlags(flags)
	flags.Usage = helpFor(flags, deleteHelp)
	messageID, code := parseFlagsWithID(flags, args, std)
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

// parseFlagsWithID parses a command line that names one message id, first or after the flags, as
// parseFlags does. It returns the id, and the exit code to stop with or -1 to go on.
func parseFlagsWithID(flags *flag.FlagSet, args []string, std stdio) (string, int) {
	var messageID string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		messageID, args = args[0], args[1:]
	} else if last := len(args) - 1; last >= 0 && !strings.HasPrefix(args[last], "-") && (last == 0 || !takesValue(flags, args[last-1])) {
		messageID, args = args[last], args[:last]
	}
	if code := parseFlags(flags, args, std); code >= 0 {
		return "", code
	}
	if messageID == "" {
		fmt.Fprintf(std.err, "gleap %s: name the message: gleap %s MESSAGE_ID\n", flags.Name(), flags.Name())
		return "", exitUsage
	}
	return messageID, -1
}

// takesValue reports whether arg is a flag of flags that takes the next argument as its value.
func takesValue(flags *flag.FlagSet, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := flags.Lookup(name)
	if f == nil {
		return false
	}
	boolean, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !boolean.IsBoolFlag()
}

// failureCode is the exit code for a call's error: a *wrapper.ValidationError means nothing was sent.
func failureCode(err error) int {
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		return exitUsage
	}
	return exitFailure
}
