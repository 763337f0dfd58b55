package main

import (
	"flag"
	"net/http"
)

// webhooksNoun is gleap webhooks: receiving Gleap's webhooks, and rehearsing them without Gleap, as
// stripe's CLI listens and triggers.
var webhooksNoun = noun{
	name: "webhooks",
	summary: "Webhooks: receive and print them on this machine, forwarding them to your receiver, and send\n" +
		"realistic ones to a receiver, without a Gleap project. Neither needs an API key.",
	verbs: []verb{
		{name: "listen", summary: "receive webhooks, check their secret, print each new event as a JSON line",
			synopsis: listenSynopsis, help: listenHelp, run: listenWebhooks},
		{name: "trigger", summary: "send a realistic sample event to a receiver",
			synopsis: triggerSynopsis, help: triggerHelp, run: triggerWebhook},
	},
}

// secretFlags are the --secret and --secret-env flags of gleap webhooks listen and trigger.
type secretFlags struct {
	value, env *string
}

// addSecretFlags adds --secret and --secret-env to flags; what says what the secret does.
func addSecretFlags(flags *flag.FlagSet, what string) secretFlags {
	return secretFlags{
		value: flags.String("secret", "", what+" `SECRET`; other users of the machine can read it on the command line: prefer -secret-env"),
		env:   flags.String("secret-env", "", what+" the value of the environment variable `NAME`, such as GLEAP_WEBHOOK_SECRET"),
	}
}

// resolve returns the secret the flags give, and whether they give one.
func (f secretFlags) resolve(flags *flag.FlagSet, getenv func(string) string) (string, bool, error) {
	return secretFlag(flags, "secret", *f.value, *f.env, getenv)
}

// webhookClient returns the HTTP client that sends webhooks, to a receiver or on to --forward's, for one
// run of a command, which closes its idle connections when it ends. It follows no redirect, which would
// take the secret in its header elsewhere, and goes through no proxy of the environment (HTTP_PROXY):
// the secret goes to the receiver, a local one most often, and nowhere else.
func webhookClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil
	return &http.Client{
		Transport:     transport,
		Timeout:       webhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
