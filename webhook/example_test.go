package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/webhook"
)

// exampleSecret is the secret of the Examples; a real one comes from your configuration.
const exampleSecret = "a-long-random-secret-of-yours"

// exampleDelivery is a ticket.created as Gleap posts it.
const exampleDelivery = `{"event":"ticket.created","projectId":"6752e9a8b7c6d5e4f3a20000","data":{"id":"6752e9a8b7c6d5e4f3a21098",` +
	`"bugId":42,"title":"Invoices do not load","type":"BUG","status":"OPEN","priority":"HIGH","updatedAt":"2026-11-02T09:30:00Z"}}`

// send posts body to handler with secret in the header, as Gleap would post to a URL you gave it (with
// the secret in its query), and prints the answer.
func send(handler http.Handler, body, secret string) {
	req := httptest.NewRequest(http.MethodPost, "/gleap/webhook", strings.NewReader(body))
	req.Header.Set(webhook.SecretHeader, secret)
	answer := httptest.NewRecorder()
	handler.ServeHTTP(answer, req)
	fmt.Print(answer.Code, " ", answer.Body.String())
}

func ExampleNewHandler() {
	handler, err := webhook.NewHandler(exampleSecret, func(ctx context.Context, event *webhook.Event) error {
		if event.Type == webhook.TicketCreated && event.Ticket != nil {
			fmt.Printf("new ticket #%d: %s (%s)\n", event.Ticket.Number, event.Ticket.Title, event.Ticket.Priority)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	// In a program: http.Handle("/gleap/webhook", handler), and give Gleap that URL with ?secret=...
	send(handler, exampleDelivery, exampleSecret)
	send(handler, exampleDelivery, exampleSecret)           // Gleap repeats a delivery
	send(handler, exampleDelivery, "a-guess-at-the-secret") // anyone may post to the URL
	// Output:
	// new ticket #42: Invoices do not load (HIGH)
	// 200 handled
	// 200 handled before
	// 401 the webhook secret is wrong
}

func ExampleNewHandler_failingCallback() {
	tries := 0
	handler, err := webhook.NewHandler(exampleSecret, func(ctx context.Context, event *webhook.Event) error {
		tries++
		if tries == 1 {
			return errors.New("the database is not there yet")
		}
		fmt.Println("stored", event.Type)
		return nil
	})
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret) // the sender is told to try again
	send(handler, exampleDelivery, exampleSecret) // its retry is handled: the failure was not remembered
	send(handler, exampleDelivery, exampleSecret)
	// Output:
	// 500 the event could not be handled: try again
	// stored ticket.created
	// 200 handled
	// 200 handled before
}

func ExampleNewHandler_weakSecret() {
	_, err := webhook.NewHandler("hunter2", func(context.Context, *webhook.Event) error { return nil })
	fmt.Println(err)
	// Output:
	// webhook: the secret is 7 bytes long, want at least 16
}

func ExampleParse() {
	event, err := webhook.Parse([]byte(exampleDelivery))
	if err != nil {
		panic(err)
	}
	fmt.Println(event.Type, event.ProjectID, event.Ticket.ID, event.Ticket.Status)

	_, err = webhook.Parse([]byte(`{"projectId":"6752e9a8b7c6d5e4f3a20000"}`))
	fmt.Println(errors.Is(err, webhook.ErrMalformed), err)
	// Output:
	// ticket.created 6752e9a8b7c6d5e4f3a20000 6752e9a8b7c6d5e4f3a21098 OPEN
	// true webhook: malformed delivery: "event" is missing or not a non-empty string
}

func ExampleWithSecretHeader() {
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error { return nil },
		webhook.WithSecretHeader("X-Gleap-Token"))
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/gleap/webhook", strings.NewReader(exampleDelivery))
	req.Header.Set("X-Gleap-Token", exampleSecret)
	answer := httptest.NewRecorder()
	handler.ServeHTTP(answer, req)
	fmt.Print(answer.Code, " ", answer.Body.String())
	// Output:
	// 200 handled
}

func ExampleWithSecretQueryParameter() {
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error { return nil },
		webhook.WithSecretQueryParameter("token"))
	if err != nil {
		panic(err)
	}
	for _, target := range []string{"/gleap/webhook?token=" + exampleSecret, "/gleap/webhook?secret=" + exampleSecret} {
		answer := httptest.NewRecorder()
		handler.ServeHTTP(answer, httptest.NewRequest(http.MethodPost, target, strings.NewReader(exampleDelivery)))
		fmt.Print(answer.Code, " ", answer.Body.String())
	}
	// Output:
	// 200 handled
	// 401 the webhook secret is missing
}

func ExampleWithMaxBodyBytes() {
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error { return nil },
		webhook.WithMaxBodyBytes(64))
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret)
	// Output:
	// 413 the delivery is larger than 64 bytes
}

func ExampleWithDuplicateWindow() {
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error { return nil },
		webhook.WithDuplicateWindow(72*time.Hour, 100_000)) // remember more deliveries, for longer
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret)
	send(handler, exampleDelivery, exampleSecret)
	// Output:
	// 200 handled
	// 200 handled before
}

func ExampleWithCallbackTimeout() {
	handler, err := webhook.NewHandler(exampleSecret, func(ctx context.Context, _ *webhook.Event) error {
		<-ctx.Done() // work that takes longer than the sender should wait
		return ctx.Err()
	}, webhook.WithCallbackTimeout(10*time.Millisecond))
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret)
	// Output:
	// 503 the event is still being handled: try again later
}

func ExampleWithMaxCallbacks() {
	stuck := make(chan struct{})
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error {
		<-stuck // a callback that hangs, and ignores its context
		return nil
	}, webhook.WithCallbackTimeout(10*time.Millisecond), webhook.WithMaxCallbacks(1))
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret)
	send(handler, strings.Replace(exampleDelivery, "ticket.created", "ticket.updated", 1), exampleSecret)
	close(stuck)
	// Output:
	// 503 the event is still being handled: try again later
	// 503 too many events are being handled: try again later
}

func ExampleWithLogger() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{} // left out, so that the output is the same every time
			}
			return a
		},
	}))
	handler, err := webhook.NewHandler(exampleSecret, func(context.Context, *webhook.Event) error { return nil },
		webhook.WithLogger(logger))
	if err != nil {
		panic(err)
	}
	send(handler, exampleDelivery, exampleSecret)
	send(handler, exampleDelivery, "a-guess-at-the-secret")
	// Output:
	// level=INFO msg="gleap webhook" status=200 outcome=handled event=ticket.created project=6752e9a8b7c6d5e4f3a20000
	// 200 handled
	// level=WARN msg="gleap webhook" status=401 outcome="secret wrong"
	// 401 the webhook secret is wrong
}
