package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/redact"
	"github.com/gleap-community/gleap-go/webhook"
)

var (
	triggerSynopsis = []string{"EVENT --to URL [--secret-env NAME | --secret SECRET] [--secret-in-query]"}
	eventArgument   = argument{name: "EVENT", missing: "name the event, such as ticket.created"}
)

const triggerHelp = `Sends one realistic webhook of EVENT to the receiver at URL, as Gleap posts it: {"event", "projectId",
"data"}, the data a sample ticket (a bug report with its contact, tags and priority) or message (an
agent's reply), with fresh ids and times each run. EVENT is one of:
  ticket.created    a ticket was opened
  ticket.updated    a ticket changed: the sample is assigned and done
  message.created   a message was stored (gleap mock's own event: Gleap documents none for messages)

The secret goes in the header X-Webhook-Secret, or with --secret-in-query in the query parameter
"secret", as in the URL you give Gleap. Without a secret none is sent: to see your receiver refuse it.
It prints the receiver's status and answer, and exits 0 when the status is 2xx, 1 otherwise. It never
follows a redirect, which would take the secret elsewhere, never goes through a proxy (HTTP_PROXY), and
never prints the secret, in whatever spelling the receiver echoes it.

Example:
  gleap webhooks trigger ticket.created --to http://127.0.0.1:8080/gleap --secret-env GLEAP_WEBHOOK_SECRET

Flags:
`

// maxShownAnswerBytes is how much of the receiver's answer trigger prints.
const maxShownAnswerBytes = 4 << 10

// triggerWebhook runs gleap webhooks trigger.
func triggerWebhook(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	to := flags.String("to", "", "send the webhook to the receiver at `URL`")
	secretFlags := addSecretFlags(flags, "send")
	inQuery := flags.Bool("secret-in-query", false, `send the secret in the query parameter "secret" rather than in a header`)
	eventType, code := parseFlagsWithArgument(flags, args, std, eventArgument)
	if code >= 0 {
		return code
	}
	secret, _, err := secretFlags.resolve(flags, getenv)
	if err != nil {
		return std.fail(exitUsage, fmt.Errorf("gleap webhooks trigger: %w", err))
	}
	if *to == "" {
		return std.fail(exitUsage, fmt.Errorf("gleap webhooks trigger: give the receiver's URL: --to URL"))
	}
	event, err := gleaptest.SampleEvent(eventType, time.Now())
	if err != nil {
		return std.fail(exitUsage, fmt.Errorf("gleap webhooks trigger: %s", strings.TrimPrefix(err.Error(), "gleaptest: ")))
	}
	delivery := gleaptest.Webhook{Event: event, Secret: secret}
	if *inQuery {
		delivery.SecretParameter = webhook.SecretQueryParameter
	}
	client := webhookClient()
	defer client.CloseIdleConnections()
	answer, err := delivery.Post(ctx, client, *to)
	if err != nil { // Post's error holds neither the URL nor the secret
		return std.fail(exitFailure, fmt.Errorf("gleap webhooks trigger: %s", strings.TrimPrefix(err.Error(), "gleaptest: ")))
	}
	defer answer.Body.Close()
	// A receiver may echo what it got, in any spelling: the answer is redacted before it is cut, and read
	// as far past the cut as the secret can reach, so that no piece of it is left at the cut.
	redactor := redact.New(secret)
	body, _ := io.ReadAll(io.LimitReader(answer.Body, int64(maxShownAnswerBytes+redactor.Reach())))
	text := strings.TrimSpace(strings.ToValidUTF8(redactor.Cut(string(body), maxShownAnswerBytes), "\uFFFD"))
	fmt.Fprintf(std.out, "%s %s: %d %s\n", event.Type, objectID(event), answer.StatusCode, text)
	if answer.StatusCode < 200 || answer.StatusCode > 299 {
		return exitFailure
	}
	return exitOK
}

// objectID returns the id of the ticket or message event carries.
func objectID(event webhook.Event) string {
	if event.Message != nil {
		return event.Message.ID
	}
	return event.Ticket.ID // SampleEvent's events carry one or the other
}
