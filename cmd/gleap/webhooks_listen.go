package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/webhook"
)

var listenSynopsis = []string{"[--addr 127.0.0.1:4020] (--secret-env NAME | --secret SECRET) [--forward URL]"}

const listenHelp = `Receives webhooks on --addr until interrupted, as your receiver would: it checks each delivery's secret
(in the header X-Webhook-Secret, or the query parameter "secret" of the URL Gleap was given), refuses
what is not a webhook, drops the deliveries Gleap repeats, and prints each new event on standard output
as one JSON line: the delivery as it came, {"event", "projectId", "data"}. Every path of --addr
receives. Each delivery, refused ones included, gets a log line on standard error; the secret is never
printed.

With --forward URL it posts each new event on to URL, the same body with the same secret in the header
X-Webhook-Secret, directly (never through a proxy of HTTP_PROXY), and prints it once URL answered 2xx. When URL fails, the sender is answered 500 and
tries again (Gleap and gleap mock both do), so nothing is lost while your receiver restarts.

Give Gleap (or gleap mock --webhook) the URL it prints, with the secret; for a Gleap project, expose the
address with a tunnel of your choice.

Example:
  export GLEAP_WEBHOOK_SECRET=$(openssl rand -hex 16)
  gleap webhooks listen --secret-env GLEAP_WEBHOOK_SECRET --forward http://127.0.0.1:8080/gleap | jq .event
  gleap mock --webhook http://127.0.0.1:4020/ --webhook-secret-env GLEAP_WEBHOOK_SECRET

Flags:
`

// webhookTimeout bounds one post of a webhook, to --forward's receiver or to trigger's.
const webhookTimeout = 15 * time.Second

// listenWebhooks runs gleap webhooks listen.
func listenWebhooks(ctx context.Context, flags *flag.FlagSet, args []string, std stdio, getenv func(string) string) int {
	addr := flags.String("addr", "127.0.0.1:4020", "receive on `HOST:PORT`; port 0 picks a free one")
	secretFlags := addSecretFlags(flags, "accept only the webhooks that carry")
	forward := flags.String("forward", "", "post each new event on to `URL`, with the same secret")
	if code := parseFlags(flags, args, std); code >= 0 {
		return code
	}
	secret, given, err := secretFlags.resolve(flags, getenv)
	switch {
	case err != nil:
		return std.fail(exitUsage, fmt.Errorf("gleap webhooks listen: %w", err))
	case !given:
		return std.fail(exitUsage, errors.New("gleap webhooks listen: give the secret: --secret-env NAME (or --secret)"))
	}
	out := &lockedWriter{w: std.out}
	logs := &lockedWriter{w: std.err}
	client := webhookClient()
	defer client.CloseIdleConnections()
	handle := func(ctx context.Context, event *webhook.Event) error {
		if *forward != "" {
			if err := forwardEvent(ctx, client, *forward, secret, event.Body); err != nil {
				fmt.Fprintf(logs, "gleap webhooks listen: forwarding %s: %v\n", event.Type, err)
				return err
			}
		}
		return printEvent(out, event)
	}
	handler, err := webhook.NewHandler(secret, handle, webhook.WithLogger(listenLogger(logs)))
	if err != nil {
		return std.fail(exitUsage, fmt.Errorf("gleap webhooks listen: %w", err))
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return std.fail(exitFailure, fmt.Errorf("gleap webhooks listen: %w", err))
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	fmt.Fprintf(logs, "gleap webhooks listen: receiving webhooks on http://%s/\n", listener.Addr())
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown) // the deliveries in flight are answered first
		return exitOK
	case err := <-served:
		return std.fail(exitFailure, fmt.Errorf("gleap webhooks listen: %w", err))
	}
}

// printEvent writes event's delivery to out as one JSON line.
func printEvent(out io.Writer, event *webhook.Event) error {
	var line bytes.Buffer
	if err := json.Compact(&line, event.Body); err != nil {
		return err // Parse took it for JSON: this does not happen
	}
	line.WriteByte('\n')
	_, err := out.Write(line.Bytes()) // in one write, so that concurrent events do not mix
	return err
}

// forwardEvent posts body, a delivery, to target with secret and client, and fails unless target answers
// 2xx. The error never holds the URL, which may hold a secret of its own.
func forwardEvent(ctx context.Context, client *http.Client, target, secret string, body []byte) error {
	answer, err := gleaptest.Webhook{Body: body, Secret: secret}.Post(ctx, client, target)
	if err != nil {
		return err
	}
	defer answer.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(answer.Body, 64<<10)) // read, so that the connection is kept
	if answer.StatusCode < 200 || answer.StatusCode > 299 {
		return fmt.Errorf("the receiver answered %d", answer.StatusCode)
	}
	return nil
}

// listenLogger writes the Handler's line per delivery to logs, without the time, which the terminal shows.
func listenLogger(logs io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}
