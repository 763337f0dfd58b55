package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/wrapper"
)

// importContactsSynopsis and importContactsHelp are the usage of gleap contacts import.
var importContactsSynopsis = []string{"FILE|- [--journal FILE] [--concurrency N] [--rate-limit N/DURATION] [--dry-run]\n[--progress-every DURATION]"}

const importContactsHelp = `Upserts the contact of each line of FILE (- for standard input): JSON Lines, one object per line, its
"userId" (required) and the fields of an UpdateContactRequest to set (email, name, phone, companyId,
companyName, plan, value, sla, lang, tags, customData, blocked, unsubscribed). The contact of that user
id is updated, only the fields given changing, or created when there is none. Blank lines are skipped
but counted. It is read as send --batch reads its input: every line is checked before the first is
sent, the bad ones counted and the first 10 named on stderr, with their line numbers, and nothing is sent
(exit 2); then --concurrency lines at once, paced to --rate-limit (each upsert is two requests: the
lookup of the user id, then the update or the create), and stdout gets one JSON line per line, in the
order they finish:
  {"line":12,"status":"sent","id":"6752…"}     the contact's id; also "failed" (refused), "unknown"
                                                (a 5xx, a timeout) and "skipped"
stderr gets the progress and a summary, exit codes and Ctrl-C are those of send --batch.

--journal FILE makes the import resumable: run the same command again after a failure, Ctrl-C or a crash
and it skips the lines done before ("skipped") and upserts every other line again, those of unknown
outcome included: an upsert by user id is idempotent, so nothing is looked up first and no contact is
made twice by it. With a journal a user id may appear on one line only (a later run could otherwise
write an earlier line over a later one). A journal belongs to one input, one project and one API root,
and is not a journal of send --batch, nor the other way round.

Examples:
  gleap contacts import users.jsonl --dry-run                        # check every line, send nothing
  gleap contacts import users.jsonl --journal users.journal > outcomes.jsonl   # again after a crash: the rest

Flags:
`

// contactsBatch is contacts import: one contact a line, upserted by bulk.Upsert.
var contactsBatch = batchJob[wrapper.UpdateContactRequest]{
	batchWords: batchWords{command: "gleap contacts import", input: "gleap contacts import", noun: "contacts"},
	parse: func(line []byte) (wrapper.UpdateContactRequest, error) {
		return parseLine(line, "contact", func(req wrapper.UpdateContactRequest) error {
			if req.UserID == nil || strings.TrimSpace(*req.UserID) == "" {
				return &wrapper.ValidationError{Field: "userId", Problem: "must be set on every line"}
			}
			return wrapper.CheckUpsert(*req.UserID, req)
		})
	},
	repeats: bulk.RepeatedUserIDs,
	repeated: func(first int, req wrapper.UpdateContactRequest) error {
		return fmt.Errorf("userId %s repeats line %d: with --journal each contact must be on one line", quotedStart(*req.UserID), first)
	},
	run: bulk.Upsert,
}

// importContacts runs gleap contacts import: bulk.Upsert of the lines of FILE.
func importContacts(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	batch := &batchFlags{resendUnknown: new(bool)}
	batch.addRunFlags(flags, "")
	dryRun := flags.Bool("dry-run", false, "check every line and send nothing")
	rate := gleapsRate
	flags.Var(&rate, "rate-limit", "send at most `N/DURATION` requests, such as 100/1s, shared by all of --concurrency; 0 for no limit")
	conn := addConnectionFlags(flags)
	file, code := parseFlagsWithArgument(flags, args, std, argument{name: "FILE", missing: "name the JSON Lines file to import (- for standard input)"})
	if code >= 0 {
		return code
	}
	if err := batch.checkRunFlags(contactsBatch.command); err != nil {
		return std.fail(exitUsage, err)
	}
	batch.file = &file
	return runBatch(ctx, contactsBatch, batch, conn, rate, *dryRun, std, getenv)
}
