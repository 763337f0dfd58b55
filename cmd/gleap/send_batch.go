package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/internal/strictjson"
	"github.com/gleap-community/gleap-go/wrapper"
)

// messagesBatch is send --batch: one CreateMessageRequest a line, posted by bulk.Send.
var messagesBatch = batchJob[wrapper.CreateMessageRequest]{
	batchWords: batchWords{command: "gleap send", input: "gleap send: --batch", noun: "messages"},
	parse:      parseBatchLine,
	repeats:    bulk.RepeatedRefs,
	repeated: func(first int, req wrapper.CreateMessageRequest) error {
		return fmt.Errorf("messageRef %s repeats line %d in ticket %s: with --journal a messageRef must name one message of its ticket",
			quotedStart(*req.MessageRef), first, abridged(*req.Ticket, maxValueQuoted))
	},
	run: bulk.Send,
}

func addBatchFlags(flags *flag.FlagSet) *batchFlags {
	b := &batchFlags{
		file: flags.String("batch", "", "send every line of `FILE` (- for standard input): JSON Lines, one CreateMessageRequest per line"),
		resendUnknown: flags.Bool("resend-unknown", false,
			"with --journal: send again the lines without messageRef whose outcome is unknown (they may be posted twice)"),
	}
	b.addRunFlags(flags, "with --batch")
	return b
}

// checkBatchFlags refuses flags that make no sense with, or without, --batch.
func checkBatchFlags(flags *flag.FlagSet, b *batchFlags) error {
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *b.file == "" {
		for _, name := range []string{"concurrency", "journal", "resend-unknown", "progress-every"} {
			if set[name] {
				return fmt.Errorf("gleap send: --%s goes with --batch", name)
			}
		}
		return nil
	}
	for _, name := range []string{"ticket", "text", "note", "bot", "attach", "json"} {
		if set[name] {
			return fmt.Errorf("gleap send: --batch cannot be combined with --%s: each line of the input is a whole message, ticket included", name)
		}
	}
	if *b.resendUnknown && *b.journal == "" {
		return errors.New("gleap send: --resend-unknown goes with --journal: without a journal no outcome is unknown from an earlier run")
	}
	return b.checkRunFlags("gleap send")
}

// parseBatchLine reads one line of --batch as parseLine does, a ticket required, and checks it as
// client.Messages.Create does (wrapper.CheckMessage).
func parseBatchLine(line []byte) (wrapper.CreateMessageRequest, error) {
	return parseLine(line, "message", func(req wrapper.CreateMessageRequest) error {
		if req.Ticket == nil || strings.TrimSpace(*req.Ticket) == "" {
			return &wrapper.ValidationError{Field: "ticket", Problem: "must be set on every line"}
		}
		return wrapper.CheckMessage(req)
	})
}

// parseLine reads one line of a batch, a request of what kind ("message"), as --json reads its file (one
// JSON object, unknown fields refused, nothing after it), and checks it with check. Both passes over the
// input use it, so a line that was valid when it was checked is sent as it was checked.
func parseLine[T any](line []byte, what string, check func(T) error) (T, error) {
	var req T
	err := strictjson.Decode(line, &req)
	switch {
	case errors.Is(err, strictjson.ErrDataAfterValue):
		return req, fmt.Errorf("there is data after the %s: give exactly one JSON object per line", what)
	case err != nil:
		return req, fmt.Errorf("not a %s: %w", what, err)
	}
	return req, check(req)
}
