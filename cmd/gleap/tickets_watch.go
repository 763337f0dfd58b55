package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/wrapper"
)

// watchSynopsis and watchHelp are the usage of gleap tickets watch.
var watchSynopsis = []string{"[--since DATE] [--every DURATION] [--state FILE]"}

const watchHelp = `Prints every ticket that is created or changes, as JSON Lines on standard output, one line per change,
in the order of the changes: the ticket as it is after it, as the server sent it. It looks again every
--every (each look a request or a few, within the rate limit) until Ctrl-C, which ends it with exit 0;
--every 0 stops once it has caught up. No change is printed twice and none is skipped, also when tickets
change while it reads them.

With --state FILE it is resumable: after printing each change it writes where it stands to FILE, and
a run with the same FILE goes on from there (--since is then ignored). A change printed just before a
crash, before FILE was written, is printed again by the next run. Without a state, it starts at --since
(default: now). The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT, the API root from
GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap tickets watch --state tickets.state >> changes.jsonl
  gleap tickets watch --since 2026-11-01 --every 0 | jq -r '[.id, .status] | @tsv'

Flags:
`

// watchTickets runs gleap tickets watch: client.Tickets.Watch, with its cursor kept in a state file.
func watchTickets(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	since := flags.String("since", "", "print the changes at or after `DATE` (2026-11-01 or 2026-11-01T09:00:00Z; default: now)")
	every := flags.Duration("every", 30*time.Second, "look for changes every `DURATION`; 0 stops once caught up")
	state := flags.String("state", "", "keep where the watch stands in `FILE`, and go on from it")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	cursor := wrapper.WatchSince(time.Now())
	if *since != "" {
		from, err := parseDate(*since)
		if err != nil {
			return std.fail(exitUsage, err)
		}
		cursor = wrapper.WatchSince(from)
	}
	if *every < 0 {
		return std.fail(exitUsage, fmt.Errorf("gleap tickets watch: --every must not be negative, got %v", *every))
	}
	if *state != "" {
		stored, found, err := readState(*state)
		if err != nil {
			return std.fail(exitUsage, err)
		}
		if found {
			cursor = stored
		}
	}
	client, _, err := conn.resolve(getenv)
	if err != nil {
		return std.fail(exitUsage, err)
	}
	for change, err := range client.Tickets.Watch(ctx, cursor, *every) {
		switch {
		case err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()):
			return exitOK // Ctrl-C: the way a watch ends
		case err != nil:
			return std.fail(failureCode(err), err)
		}
		var line bytes.Buffer
		if err := json.Compact(&line, change.Raw); err != nil {
			return std.fail(exitFailure, fmt.Errorf("gleap tickets watch: a ticket of the answer: %w", err))
		}
		line.WriteByte('\n')
		if _, err := line.WriteTo(std.out); err != nil {
			return std.fail(exitFailure, fmt.Errorf("gleap tickets watch: writing a ticket: %w", err))
		}
		if *state != "" {
			if err := writeState(*state, change.Cursor); err != nil {
				return std.fail(exitFailure, err)
			}
		}
	}
	return exitOK
}

// readState reads the cursor in the state file path: found is false when there is none yet (no file, or
// an empty one).
func readState(path string) (wrapper.WatchCursor, bool, error) {
	text, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return wrapper.WatchCursor{}, false, nil
	case err != nil:
		return wrapper.WatchCursor{}, false, fmt.Errorf("gleap: --state: %w", err)
	case strings.TrimSpace(string(text)) == "":
		return wrapper.WatchCursor{}, false, nil
	}
	cursor, err := wrapper.ParseWatchCursor(strings.TrimSpace(string(text)))
	if err != nil {
		return wrapper.WatchCursor{}, false, fmt.Errorf("gleap: --state %s holds no watch cursor: remove it to start afresh", path)
	}
	return cursor, true, nil
}

// writeState replaces the state file path with cursor: written beside it, synced, then renamed over it,
// so that a crash leaves the old state or the new, never a part of one.
func writeState(path string, cursor wrapper.WatchCursor) error {
	temporary, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("gleap: --state: %w", err)
	}
	defer os.Remove(temporary.Name()) // once renamed, there is nothing left to remove
	_, err = temporary.WriteString(cursor.String() + "\n")
	if err == nil {
		err = temporary.Sync()
	}
	if closeErr := temporary.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(temporary.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("gleap: --state: %w", err)
	}
	return nil
}
