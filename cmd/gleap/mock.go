package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/inbox"
)

const mockHelp = `Usage:
  gleap mock [--addr HOST:PORT] [--max-messages N] [--rate-limit N/DURATION]
             [--require-key-env NAME | --require-key KEY] [--fault STATUS[:RETRY_AFTER][xN|@N] ...]
             [--webhook URL (--webhook-secret-env NAME | --webhook-secret SECRET)]

Runs a stand-in for the Gleap API until interrupted. Every request and answer is validated against
gleap-go's openapi.yaml; violations are reported on standard error and the request is refused as Gleap
would refuse it. It prints its API root first and its inbox next, then one line per request on
standard error.

The inbox is a web page at the mock's root (http://127.0.0.1:4010/ by default) that shows what was
posted, roughly as Gleap would: the tickets with their conversations (replies, internal notes and bot
messages told apart; the newest 200 of a ticket, and links to the older ones), and every request the
contract rejected with the reason. It follows new traffic without a reload, filters by ticket and can
clear everything.

The API and the inbox answer only requests that name the mock by an IP address, localhost or the host
of --addr (any other Host gets 403), so that a web page cannot read them by rebinding its own name to
this machine: open the inbox at http://127.0.0.1:4010/ or http://localhost:4010/.

It serves Gleap's message routes: POST and GET /v3/messages (create, list), GET /v3/messages/search,
PUT and DELETE /v3/messages/{messageId}. To list what it stored now, ask it as Gleap, with credentials:
  curl -H 'Authorization: Bearer test-key' -H 'project: test' http://127.0.0.1:4010/v3/messages

Like Gleap, it answers 429 with a Retry-After header to a project's requests past --rate-limit (by
default Gleap's 1000 per minute; 0 turns the limit off).

With --require-key-env NAME it answers 401, with Gleap's error body, to every request whose
"Authorization: Bearer" key is not the value of the environment variable NAME, such as GLEAP_API_KEY.
--require-key KEY does the same with the key itself, but a command line is no place for a secret:
other users of the machine can read it (ps, /proc/PID/cmdline). The key is compared in constant time
and never printed.

With --webhook URL it posts webhooks to URL as Gleap posts them to the URL set in its dashboard,
{"event", "projectId", "data"}, with the secret of --webhook-secret-env NAME (or --webhook-secret) in
the header X-Webhook-Secret: ticket.created when the API creates or composes a ticket, ticket.updated
when it changes, archives, unarchives, snoozes, links or unlinks one, and message.created when it
stores a message. message.created is the mock's own: Gleap documents no event for messages. The data
is the ticket or the message as the API answered. The webhooks are posted one at a time, in order,
without holding up the API's answers; a try that gets no answer, 408, 429 or 5xx is tried again, at
most 5 times, 1 s, 2 s, 4 s, 8 s apart; no redirect is followed. Each delivery gets a line on standard
error and is listed in the inbox. "gleap webhooks listen" receives them.

--fault scripts how it fails, to see how a client copes with Gleap failing; give it once per fault:
  --fault 503         the next request is answered 503
  --fault 429:2s      the next request is answered 429 with Retry-After: 2 (in whole seconds, rounded up)
  --fault 503x2       the next 2 requests are answered 503 (at most x10000)
  --fault 503@3       every 3rd request is answered 503: the 3rd, the 6th, ... for as long as it runs
The status is one openapi.yaml documents for every route: 400, 401, 403, 429 or 500 to 599. Faults
given once or xN answer the next requests in the order given, before any @N whose turn it is.
Requests are counted from the start, only the ones that can get a fault: not those refused for
breaking the contract, for another key than --require-key, or past --rate-limit.

It stays small whatever its clients do: it keeps the newest --max-messages messages and forgets the
oldest, keeps as many request records and at most 64 MiB of them, answers a request body over 1 MiB
with 413 without reading the rest of it and headers over 64 KiB with 431, streams live updates to at
most 64 inbox pages at once (503 past that), and closes a connection that takes over 30 seconds to send
a request or sits idle for a minute.

Example:
  gleap mock --addr 127.0.0.1:4010 &
  export GLEAP_BASE_URL=http://127.0.0.1:4010/v3 GLEAP_API_KEY=test-key GLEAP_PROJECT=test
  gleap messages send --ticket 6752e9a8b7c6d5e4f3a21098 --text "Hello from the mock"
  curl -s -H 'Authorization: Bearer test-key' -H 'project: test' http://127.0.0.1:4010/v3/messages
  # then open http://127.0.0.1:4010/ in a browser: the inbox

  export GLEAP_WEBHOOK_SECRET=$(openssl rand -hex 16)
  gleap webhooks listen --addr 127.0.0.1:4020 --secret-env GLEAP_WEBHOOK_SECRET &
  gleap mock --webhook http://127.0.0.1:4020/ --webhook-secret-env GLEAP_WEBHOOK_SECRET

Flags:
`

// mock runs `gleap mock`: a gleaptest server, until ctx is done. getenv reads the environment, for
// --require-key-env and --webhook-secret-env.
func mock(ctx context.Context, args []string, std stdio, getenv func(string) string) int {
	flags := flag.NewFlagSet("mock", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:4010", "the address to listen on; port 0 picks a free one")
	maxMessages := flags.Int("max-messages", gleaptest.DefaultMaxMessages,
		"keep at most `N` messages; each one past N evicts the oldest")
	rate := gleapsRate
	flags.Var(&rate, "rate-limit", "answer 429 to a project's requests past `N/DURATION`, such as 100/1s; 0 for no limit")
	requiredKey := flags.String("require-key", "",
		"answer 401 to every request whose Bearer key is not `KEY`; other users of the machine can read it on the command line: prefer -require-key-env")
	requiredKeyEnv := flags.String("require-key-env", "",
		"answer 401 to every request whose Bearer key is not the value of the environment variable `NAME`, such as GLEAP_API_KEY")
	var faults faultFlag
	flags.Var(&faults, "fault", "script a fault: `STATUS[:RETRY_AFTER][xN|@N]`, such as 503, 429:2s, 503x2 or 503@3; repeatable")
	webhooks := addMockWebhookFlags(flags)
	flags.Usage = helpFor(flags, mockHelp)
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	if *maxMessages < 1 {
		fmt.Fprintf(std.err, "gleap mock: --max-messages must be at least 1, got %d\n", *maxMessages)
		return exitUsage
	}
	options := []gleaptest.Option{gleaptest.WithAddr(*addr), gleaptest.WithMaxMessages(*maxMessages), gleaptest.WithHandler(inbox.AtRoot(*addr)),
		gleaptest.WithRateLimit(rate.requests, rate.period)}
	key, required, err := secretFlag(flags, "require-key", *requiredKey, *requiredKeyEnv, getenv)
	if err != nil {
		fmt.Fprintln(std.err, "gleap mock:", err)
		return exitUsage
	}
	if required {
		options = append(options, gleaptest.WithRequiredKey(key))
	}
	log := &lockedWriter{w: std.err}
	webhookOptions, err := webhooks.options(flags, getenv, log)
	if err != nil {
		fmt.Fprintln(std.err, "gleap mock:", err)
		return exitUsage
	}
	options = append(options, webhookOptions...)
	options = append(options, faults.options()...)
	options = append(options, gleaptest.WithRequestLog(func(req gleaptest.Request) { logRequest(log, req) }))
	server, err := gleaptest.Start(options...)
	if err != nil {
		fmt.Fprintln(std.err, "gleap mock:", err)
		return exitFailure
	}
	fmt.Fprintf(std.out, "gleap mock: serving the Gleap API on %s\n", server.URL)
	fmt.Fprintf(std.out, "gleap mock: the inbox shows what was posted at %s\n", inboxURL(server.URL))
	<-ctx.Done()
	server.Close() // graceful: the requests in flight are answered first
	return exitOK
}

// inboxURL returns the address of the inbox of the mock whose API root is apiURL: the root of its
// address, where inbox.AtRoot serves it.
func inboxURL(apiURL string) string {
	return strings.TrimSuffix(apiURL, "/v3") + "/"
}

// logRequest writes one line for req to log: method, path and status, never headers or bodies. A
// request that broke the contract gets the reason on a line before it.
func logRequest(log io.Writer, req gleaptest.Request) {
	line := fmt.Sprintf("gleap mock: %s %s %d\n", req.Method, req.Path, req.Status)
	if req.Violation != nil {
		line = fmt.Sprintf("gleap mock: contract violation: %v\n", req.Violation) + line
	}
	_, _ = io.WriteString(log, line) // in one write, so that the lines of concurrent requests do not mix
}

// lockedWriter lets request handlers share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p whole before another Write may start.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
