package main

import (
	"context"
	"flag"
)

// faqSynopsis and faqHelp are the usage of gleap messages faq.
var faqSynopsis = []string{"MESSAGE_ID [--decline]"}

const faqHelp = `Answers Gleap's suggestion to make a FAQ entry from a message: accepts the message as its source,
or with --decline declines it. Prints nothing and exits 0 when Gleap took the answer; a message that
does not exist is an error (exit 1). Answering again sets the same answer. The key and the project come
from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap messages faq 6752f0c1a4b3c2d1e0f98765
  gleap messages faq 6752f0c1a4b3c2d1e0f98765 --decline

Flags:
`

// suggestFAQ runs gleap messages faq: client.Messages.SuggestFAQ.
func suggestFAQ(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	decline := flags.Bool("decline", false, "decline the message as the source of a FAQ entry, rather than accept it")
	conn := addConnectionFlags(flags)
	messageID, code := parseFlagsWithArgument(flags, args, std, messageIDArgument)
	if code >= 0 {
		return code
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	if err := client.Messages.SuggestFAQ(ctx, messageID, !*decline); err != nil {
		return std.fail(failureCode(err), messageIDNames.inCLITerms(err))
	}
	return exitOK
}
