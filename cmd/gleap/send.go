package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// sendSynopsis and sendHelp are the usage of gleap messages send.
var sendSynopsis = []string{
	"--ticket ID --text TEXT [--note] [--bot] [--attach NAME=URL ...]",
	"--json FILE|-",
	"--batch FILE|- [--journal FILE] [--concurrency N] [--rate-limit N/DURATION] [--resend-unknown]\n[--progress-every DURATION]",
}

const sendHelp = `Posts a message into a ticket and prints the message Gleap stored, as JSON. The message must say
something: a --text that is not blank, an --attach, or a --json message that sets more than its ticket;
otherwise nothing is sent (exit 2). The key and the project come from GLEAP_API_KEY and GLEAP_PROJECT,
the API root from GLEAP_BASE_URL; the flags below override them.

With --batch it posts many: the input is JSON Lines, one CreateMessageRequest per line, ticket included
(blank lines are skipped but counted). It is read twice: a pipe is copied to a temporary file first, and
a write to the file during the run stops the run before anything written is sent.
Every line is checked before the first is sent; the bad ones are counted and the first 10 named on
stderr, with their line numbers, and nothing is sent (exit 2). Then --concurrency lines are sent at
once, paced to --rate-limit, and stdout gets one JSON line per message line, in the order they finish:
  {"line":12,"status":"sent","id":"6752…"}     also "failed" (refused: not posted), "unknown" (it may
                                                have been posted: a 5xx, a timeout) and "skipped"
stderr gets a progress bar when it is a terminal, else a progress line every --progress-every, and a
summary at the end with the time taken and the rate of messages sent. Exit 0 when every line was
sent (now or by an earlier run), 1 when some were not, 2 when the input or the journal is refused and
nothing was sent. Ctrl-C stops taking lines, drops those still waiting for their turn, lets those in
flight finish, and exits 1 unless every line was sent by then; a second Ctrl-C stops at once (the journal
is then as after a crash).

--journal FILE records each line's outcome durably (JSON Lines, synced) before stdout reports it; a
journal that cannot be written stops the run (exit 1). Run the same command again, after a failure,
Ctrl-C or a crash, and it skips the lines sent before ("skipped"), sends the failed ones again, and
settles the lines whose outcome is unknown before it sends anything: one with a messageRef is looked
for in its ticket, found means sent, not found means send it now. So a line with a messageRef is
posted exactly once. A line without messageRef stays "unknown", sent again only with --resend-unknown.
A journal belongs to one input (its SHA-256), one project and one API root, and to one run at a time.
With one, a messageRef may appear only once per ticket, and must not name a message posted otherwise:
any message of the ticket with the line's messageRef counts as the line's.

Examples:
  gleap messages send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Deployed the fix, please try again."
  gleap messages send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Customer called about it." --note
  gleap messages send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Your invoice:" --attach invoice.pdf=https://files.example.com/i.pdf
  gleap messages send --json message.json --dry-run
  gleap messages send --batch notes.jsonl --journal notes.journal    # again after a crash: sends only the rest
  gleap messages send --batch big.jsonl --rate-limit 100/1s --concurrency 8 --journal j.jsonl > outcomes.jsonl
  gleap messages send --batch notes.jsonl --dry-run                  # check every line, send nothing

Flags:
`

// send runs gleap messages send, and its shortcut gleap send.
func send(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	ticket := flags.String("ticket", "", "the id of the ticket to post into")
	text := flags.String("text", "", "the message; each line becomes a paragraph")
	note := flags.Bool("note", false, "post an internal note that only the team sees")
	bot := flags.Bool("bot", false, "post as the project's bot")
	var attachments attachFlag
	flags.Var(&attachments, "attach", "attach the file downloadable at `NAME=URL`; repeat for more files")
	jsonFile := flags.String("json", "", "send the whole CreateMessageRequest in `FILE` (- for standard input) instead of --text")
	dryRun := flags.Bool("dry-run", false, "print the request that would be sent, key masked, and send nothing; with --batch, check every line")
	batchOpts := addBatchFlags(flags)
	rate := gleapsRate
	flags.Var(&rate, "rate-limit", "send at most `N/DURATION` requests, such as 100/1s, shared by all of --concurrency; 0 for no limit")
	conn := addConnectionFlags(flags)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	if err := checkBatchFlags(flags, batchOpts); err != nil {
		return std.fail(exitUsage, err)
	}
	if *batchOpts.file != "" {
		return runBatch(ctx, messagesBatch, batchOpts, conn, rate, *dryRun, std, getenv)
	}

	var req wrapper.CreateMessageRequest
	var err error
	// names stays empty for --json: the client names a field of the JSON as the JSON does.
	var names inputNames
	if *jsonFile != "" {
		if *text != "" || *note || *bot || len(attachments) > 0 {
			return std.fail(exitUsage, errors.New("gleap: --json cannot be combined with --text, --note, --bot or --attach"))
		}
		req, err = readRequest(*jsonFile, *ticket, std.in)
	} else {
		if strings.TrimSpace(*text) == "" && len(attachments) == 0 {
			return std.fail(exitUsage, errors.New("gleap send: nothing to send: give --text or --attach, or the whole message with --json"))
		}
		req, err = wrapper.TextMessage(*ticket, *text, messageOptions(*note, *bot, attachments)...)
		names = textMessageNames
	}
	if err != nil {
		return std.fail(exitUsage, names.inCLITerms(err))
	}

	client, resolved, err := conn.resolve(getenv, rate.option())
	if err != nil {
		return std.fail(exitUsage, err)
	}
	if *dryRun {
		if err := wrapper.CheckMessage(req); err != nil {
			return std.fail(exitUsage, names.inCLITerms(err))
		}
		if err := printDryRun(std.out, resolved, req); err != nil {
			return std.fail(exitFailure, err)
		}
		return exitOK
	}
	return printAnswered(std, names, func(into wrapper.Option) error {
		_, err := client.Messages.Create(ctx, req, into)
		return err
	})
}

// printAnswered makes a call whose answer is one object, giving it into (WithResponseInto), and prints
// the answer as the server sent it, with the key taken out; names name the inputs of the call's errors.
// It returns the exit code.
func printAnswered(std stdio, names inputNames, call func(into wrapper.Option) error) int {
	if err := printCalled(std, call); err != nil {
		return std.fail(failureCode(err), names.inCLITerms(err))
	}
	return exitOK
}

func messageOptions(note, bot bool, attachments attachFlag) []wrapper.MessageOption {
	var opts []wrapper.MessageOption
	if note {
		opts = append(opts, wrapper.AsNote())
	}
	if bot {
		opts = append(opts, wrapper.AsBot())
	}
	for _, file := range attachments {
		opts = append(opts, wrapper.Attach(file.name, file.url, mime.TypeByExtension(path.Ext(file.name))))
	}
	return opts
}

// readRequest reads a CreateMessageRequest from file ("-" is in), as readJSON does. ticketID, when set,
// fills in or replaces the ticket. A message that sets nothing but its ticket is refused: the client
// refuses a request that sets no field, and --ticket must not make an empty message pass.
func readRequest(file, ticketID string, in io.Reader) (wrapper.CreateMessageRequest, error) {
	var req wrapper.CreateMessageRequest
	if err := readJSON(file, in, &req, "a message"); err != nil {
		return req, err
	}
	withoutTicket := req
	withoutTicket.Ticket = nil
	// A field that is not valid JSON fails to encode: the client's check names it.
	if encoded, err := json.Marshal(withoutTicket); err == nil && string(encoded) == "{}" {
		return req, errors.New("gleap send: --json: the message sets no field besides the ticket: nothing to send")
	}
	if ticketID != "" {
		req.Ticket = &ticketID
	}
	if req.Ticket == nil || strings.TrimSpace(*req.Ticket) == "" {
		return req, &wrapper.ValidationError{Field: "ticket", Problem: "must be set, in the JSON or with --ticket"}
	}
	return req, nil
}

// printDryRun shows the request that send would make, with the key masked.
func printDryRun(out io.Writer, resolved settings, req wrapper.CreateMessageRequest) error {
	var body bytes.Buffer
	encoder := json.NewEncoder(&body)
	encoder.SetEscapeHTML(false) // as the client sends it
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(req); err != nil {
		return fmt.Errorf("gleap: encoding the message: %w", err)
	}
	_, err := fmt.Fprintf(out, "POST %s/messages\nAuthorization: Bearer %s\nproject: %s\nContent-Type: application/json\n\n%s",
		resolved.baseURL, maskKey(resolved.apiKey), resolved.project, body.Bytes())
	return err
}

// maskKey keeps only the last four characters of a long key, enough to tell keys apart.
func maskKey(key string) string {
	if len(key) < 16 {
		return "****"
	}
	return "****" + key[len(key)-4:]
}

// printAnswer writes the stored message as the server sent it, every field included, indented.
func printAnswer(out io.Writer, answer []byte) error {
	var indented bytes.Buffer
	if err := json.Indent(&indented, answer, "", "  "); err != nil {
		return fmt.Errorf("gleap: the answer is not JSON: %w", err)
	}
	indented.WriteByte('\n')
	_, err := indented.WriteTo(out)
	return err
}

// attachFlag collects --attach NAME=URL values.
type attachFlag []attachment

type attachment struct{ name, url string }

// String lists the attached file names, for flag's defaults.
func (f *attachFlag) String() string {
	names := make([]string, len(*f))
	for i, file := range *f {
		names[i] = file.name
	}
	return strings.Join(names, ",")
}

// Set adds one NAME=URL attachment.
func (f *attachFlag) Set(value string) error {
	name, url, ok := strings.Cut(value, "=")
	if !ok || name == "" || url == "" {
		return errors.New("want NAME=URL, as in invoice.pdf=https://files.example.com/invoice.pdf")
	}
	*f = append(*f, attachment{name: name, url: url})
	return nil
}
