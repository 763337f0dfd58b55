package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// inputNames maps the names the client gives its inputs in a *wrapper.ValidationError (Go parameter and
// field names, such as ticketID or RetryPolicy.MaxRetries) to what a user of the CLI gave: a flag, an
// environment variable, an argument. A name with an index, such as attachments[1].url, is looked up as
// attachments[].url, and the index, counted from 1, fills in the %d of the name it maps to (a name
// without one, such as that of the one event gleap track sends, names every index).
type inputNames map[string]string

// goAdvice rewrites the advice of the client's errors that names Go options into what to do on the
// command line.
var goAdvice = strings.NewReplacer(
	"opt in with WithInsecureHTTP", "opt in with --insecure-http",
	"the API key is passed to New", "the API key comes from GLEAP_API_KEY or --api-key",
)

// inCLITerms returns err as a user of the CLI reads it: a *wrapper.ValidationError names the input by
// what the user gave, and its advice is in the CLI's terms. It stays a *wrapper.ValidationError, so that
// failureCode still tells that nothing was sent. Any other error is returned as it is.
func (names inputNames) inCLITerms(err error) error {
	var invalid *wrapper.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	return &wrapper.ValidationError{Field: names.name(invalid.Field), Problem: goAdvice.Replace(invalid.Problem)}
}

// name is what the user calls the input the client calls field; field itself when names does not know it.
func (names inputNames) name(field string) string {
	key, index := field, -1
	if open := strings.IndexByte(field, '['); open >= 0 {
		if length := strings.IndexByte(field[open:], ']'); length > 0 {
			if n, err := strconv.Atoi(field[open+1 : open+length]); err == nil {
				key, index = field[:open+1]+field[open+length:], n
			}
		}
	}
	name, ok := names[key]
	switch {
	case !ok:
		return field
	case index >= 0 && strings.Contains(name, "%d"):
		return fmt.Sprintf(name, index+1)
	}
	return name
}

// The names of the inputs of each command, beside those of the connection (connection.names).
var (
	// textMessageNames are those of send --ticket … --text ….
	textMessageNames = inputNames{
		"ticketID":           "--ticket",
		"text":               "--text",
		"attachments[].url":  "URL of --attach #%d",
		"attachments[].name": "NAME of --attach #%d",
	}
	listNames = inputNames{
		"Ticket":   "--ticket",
		"Types[]":  "--type #%d",
		"PageSize": "--limit",
	}
	// messageIDNames are those of update, delete and faq.
	messageIDNames = inputNames{"messageID": messageIDArgument.name}
	searchNames    = inputNames{"term": termArgument.name}
)
