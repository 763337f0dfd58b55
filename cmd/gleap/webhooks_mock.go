package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/gleap-community/gleap-go/gleaptest"
)

// mockWebhookFlags are gleap mock's flags of the webhooks it posts.
type mockWebhookFlags struct {
	url, secret, secretEnv *string
}

// addMockWebhookFlags adds the webhook flags to flags, the mock's.
func addMockWebhookFlags(flags *flag.FlagSet) mockWebhookFlags {
	return mockWebhookFlags{
		url: flags.String("webhook", "", "post webhooks (ticket.created, ticket.updated, message.created) to `URL` when the API changes a ticket or stores a message"),
		secret: flags.String("webhook-secret", "",
			"send `SECRET` with each webhook, in the header X-Webhook-Secret; other users of the machine can read it on the command line: prefer -webhook-secret-env"),
		secretEnv: flags.String("webhook-secret-env", "", "send the value of the environment variable `NAME` as the webhooks' secret"),
	}
}

// options returns the gleaptest options the flags ask for, none without --webhook; the deliveries are
// logged to log.
func (f mockWebhookFlags) options(flags *flag.FlagSet, getenv func(string) string, log io.Writer) ([]gleaptest.Option, error) {
	secret, given, err := secretFlag(flags, "webhook-secret", *f.secret, *f.secretEnv, getenv)
	switch {
	case err != nil:
		return nil, err
	case !isSet(flags, "webhook") && given:
		return nil, errors.New("--webhook-secret needs --webhook, the URL to post to")
	case !isSet(flags, "webhook"):
		return nil, nil
	case !given:
		return nil, errors.New("--webhook needs a secret: --webhook-secret-env NAME (or --webhook-secret)")
	}
	return []gleaptest.Option{gleaptest.WithWebhook(*f.url, secret),
		gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) { logWebhook(log, d) })}, nil
}

// logWebhook writes a line for d, a delivery that changed, to log: after each try, and when it ends.
// The record holds neither the URL nor the secret.
func logWebhook(log io.Writer, d gleaptest.WebhookDelivery) {
	head := fmt.Sprintf("gleap mock: webhook #%d %s %s", d.Seq, d.Event, d.ObjectID)
	var line string
	switch {
	case d.State == gleaptest.WebhookFailed:
		line = fmt.Sprintf("%s failed: %s\n", head, d.Failure)
	case len(d.Attempts) == 0:
		return // queued: its first try tells more
	case d.State == gleaptest.WebhookDelivered:
		line = fmt.Sprintf("%s delivered (try %d answered %d)\n", head, len(d.Attempts), d.Attempts[len(d.Attempts)-1].Status)
	default:
		last := d.Attempts[len(d.Attempts)-1]
		outcome := fmt.Sprintf("answered %d", last.Status)
		if last.Status == 0 {
			outcome = "got no answer: " + last.Error
		}
		line = fmt.Sprintf("%s: try %d %s; trying again\n", head, len(d.Attempts), outcome)
	}
	_, _ = io.WriteString(log, line)
}
