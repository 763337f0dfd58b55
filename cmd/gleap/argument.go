package main

import (
	"errors"
	"flag"

	"github.com/gleap-community/gleap-go/wrapper"
)

// withArgument runs a verb whose command line names one argument (a TICKET_ID, a TERM): it parses the
// flags and the argument, makes the client and has do make the call and print its answer. A usageError
// or a *wrapper.ValidationError from do means nothing was sent (exit 2; names name the inputs of the
// latter as the user gave them); any other error is the call's (exit 1).
func withArgument(flags *flag.FlagSet, args []string, std stdio, getenv func(string) string, arg argument, names inputNames,
	do func(client *wrapper.Client, value string) error) int {
	conn := addConnectionFlags(flags)
	value, code := parseFlagsWithArgument(flags, args, std, arg)
	if code >= 0 {
		return code
	}
	return runCall(conn, std, getenv, names, func(client *wrapper.Client) error { return do(client, value) })
}

// runCall makes the client of conn and has do make the call and print its answer, once a verb's command
// line is parsed. A usageError or a *wrapper.ValidationError from do means nothing was sent (exit 2;
// names name the inputs of the latter as the user gave them); any other error is the call's (exit 1).
func runCall(conn *connection, std stdio, getenv func(string) string, names inputNames, do func(client *wrapper.Client) error) int {
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	var usage usageError
	switch err := do(client); {
	case errors.As(err, &usage):
		return std.fail(exitUsage, usage.error)
	case err != nil:
		return std.fail(failureCode(err), names.inCLITerms(err))
	}
	return exitOK
}

// usageError is an error of a verb's command line found after its flags were parsed: nothing was sent.
type usageError struct{ error }
