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
	"os"
	"path"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

const sendHelp = `Usage:
  gleap send --ticket ID --text TEXT [--note] [--bot] [--attach NAME=URL ...]
  gleap send --json FILE|-

Posts a message into a ticket and prints the message Gleap stored, as JSON. The key and the project come
from GLEAP_API_KEY and GLEAP_PROJECT, the API root from GLEAP_BASE_URL; the flags below override them.

Examples:
  gleap send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Deployed the fix, please try again."
  gleap send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Customer called about it." --note
  gleap send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Your invoice:" --attach invoice.pdf=https://files.example.com/i.pdf
  gleap send --json message.json --dry-run

Flags:
`

// maxJSONInputBytes caps what --json reads: a message is a few KiB.
const maxJSONInputBytes = 8 << 20

func send(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet("send", flag.ContinueOnError)
	ticket := flags.String("ticket", "", "the id of the ticket to post into")
	text := flags.String("text", "", "the message; each line becomes a paragraph")
	note := flags.Bool("note", false, "post an internal note that only the team sees")
	bot := flags.Bool("bot", false, "post as the project's bot")
	var attachments attachFlag
	flags.Var(&attachments, "attach", "attach the file downloadable at `NAME=URL`; repeat for more files")
	jsonFile := flags.String("json", "", "send the whole CreateMessageRequest in `FILE` (- for standard input) instead of --text")
	dryRun := flags.Bool("dry-run", false, "print the request that would be sent, key masked, and send nothing")
	maxRetries := flags.Int("max-retries", wrapper.DefaultRetryPolicy().MaxRetries, "how often to retry a rate-limited or unsent request")
	apiKey := flags.String("api-key", "", "the API key (default $GLEAP_API_KEY; prefer the variable, flags show in ps)")
	project := flags.String("project", "", "the project id (default $GLEAP_PROJECT)")
	baseURL := flags.String("base-url", "", "the API root (default $GLEAP_BASE_URL, else "+wrapper.DefaultBaseURL+")")
	flags.Usage = helpFor(flags, sendHelp)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(std.err, err)
		return code
	}

	var req wrapper.CreateMessageRequest
	var err error
	if *jsonFile != "" {
		if *text != "" || *note || *bot || len(attachments) > 0 {
			return fail(exitUsage, errors.New("gleap: --json cannot be combined with --text, --note, --bot or --attach"))
		}
		req, err = readRequest(*jsonFile, *ticket, std.in)
	} else {
		req, err = wrapper.TextMessage(*ticket, *text, messageOptions(*note, *bot, attachments)...)
	}
	if err != nil {
		return fail(exitUsage, err)
	}

	key := firstSet(*apiKey, getenv("GLEAP_API_KEY"))
	projectID := firstSet(*project, getenv("GLEAP_PROJECT"))
	base := firstSet(*baseURL, getenv("GLEAP_BASE_URL"), wrapper.DefaultBaseURL)
	switch {
	case key == "":
		return fail(exitUsage, errors.New("gleap: no API key: set GLEAP_API_KEY (or pass --api-key)"))
	case projectID == "":
		return fail(exitUsage, errors.New("gleap: no project: set GLEAP_PROJECT (or pass --project)"))
	}
	client, err := wrapper.New(key, projectID, wrapper.WithBaseURL(base), wrapper.WithMaxRetries(*maxRetries),
		wrapper.WithUserAgent("gleap-cli/"+wrapper.Version))
	if err != nil {
		return fail(exitUsage, err)
	}
	if *dryRun {
		if err := printDryRun(std.out, base, key, projectID, req); err != nil {
			return fail(exitFailure, err)
		}
		return exitOK
	}
	var answer wrapper.Response
	if _, err := client.CreateMessage(ctx, req, wrapper.WithResponseInto(&answer)); err != nil {
		return fail(exitFailure, err)
	}
	if err := printAnswer(std.out, answer.Body); err != nil {
		return fail(exitFailure, err)
	}
	return exitOK
}

func firstSet(values ...string) string {
	for _, value := range values {
		if value != "" {
			return value
		}
	}
	return ""
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

// readRequest reads a CreateMessageRequest from file ("-" is in). Unknown fields are an error rather
// than dropped without a word, and so is anything but whitespace after the message: a second message or
// a truncated concatenation must not go unnoticed. ticketID, when set, fills in or replaces the ticket.
func readRequest(file, ticketID string, in io.Reader) (wrapper.CreateMessageRequest, error) {
	var req wrapper.CreateMessageRequest
	if file != "-" {
		opened, err := os.Open(file)
		if err != nil {
			return req, fmt.Errorf("gleap: --json: %w", err)
		}
		defer opened.Close()
		in = opened
	}
	// One byte past the cap tells an input over the cap from one that ends exactly at it.
	capped := &io.LimitedReader{R: in, N: maxJSONInputBytes + 1}
	decoder := json.NewDecoder(capped)
	decoder.DisallowUnknownFields()
	err := decoder.Decode(&req)
	if err == nil {
		err = endOfInput(decoder)
	}
	switch {
	case capped.N == 0: // whatever else went wrong, it came from cutting the input short
		return req, fmt.Errorf("gleap: --json: the input is over the %d MiB limit", maxJSONInputBytes>>20)
	case errors.Is(err, errDataAfterMessage):
		return req, fmt.Errorf("gleap: --json: %w", err)
	case err != nil:
		return req, fmt.Errorf("gleap: --json: not a message: %w", err)
	}
	if ticketID != "" {
		req.Ticket = &ticketID
	}
	if req.Ticket == nil || strings.TrimSpace(*req.Ticket) == "" {
		return req, &wrapper.ValidationError{Field: "ticket", Problem: "must be set, in the JSON or with --ticket"}
	}
	return req, nil
}

// errDataAfterMessage reports input that goes on after the message.
var errDataAfterMessage = errors.New("there is data after the message: give exactly one JSON object")

// endOfInput checks that only whitespace is left after the value decoder has read.
func endOfInput(decoder *json.Decoder) error {
	_, err := decoder.Token()
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err == nil, errors.As(err, &syntaxErr):
		return errDataAfterMessage
	default:
		return err
	}
}

// printDryRun shows the request that send would make, with the key masked.
func printDryRun(out io.Writer, baseURL, key, projectID string, req wrapper.CreateMessageRequest) error {
	body, err := json.MarshalIndent(req, "", "  ")
	if err != nil {
		return fmt.Errorf("gleap: encoding the message: %w", err)
	}
	_, err = fmt.Fprintf(out, "POST %s/messages\nAuthorization: Bearer %s\nproject: %s\nContent-Type: application/json\n\n%s\n",
		strings.TrimSuffix(baseURL, "/"), maskKey(key), projectID, body)
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
