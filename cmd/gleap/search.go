package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"

	"github.com/gleap-community/gleap-go/wrapper"
)

// searchSynopsis and searchHelp are the usage of gleap messages search.
var searchSynopsis = []string{"TERM"}

const searchHelp = `Searches the project's messages for TERM and prints the hits as JSON, as the server sent them
(Gleap does not document the shape of a hit), with the API key taken out should the server echo it.
The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL;
the flags below override them.

Examples:
  gleap messages search refund
  gleap messages search "refund policy" | jq 'length'

Flags:
`

// search runs gleap messages search: client.Messages.Search.
func search(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	return withArgument(flags, args, std, getenv, termArgument, searchNames, func(client *wrapper.Client, term string) error {
		// The hits are printed from the answer's body, which WithResponseInto hands over with the key taken
		// out, as list prints its messages.
		var answer wrapper.Response
		if _, err := client.Messages.Search(ctx, term, wrapper.WithResponseInto(&answer)); err != nil {
			return err
		}
		var result struct {
			Hits json.RawMessage `json:"hits"`
		}
		if err := json.Unmarshal(answer.Body, &result); err != nil || result.Hits == nil {
			return errors.New("gleap messages search: the answer holds no hits")
		}
		return printAnswer(std.out, result.Hits)
	})
}
