package gleaptest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/webhook"
)

// yourReceiver stands for the webhook receiver of the code under test.
func yourReceiver(secret string) http.Handler {
	handler, err := webhook.NewHandler(secret, func(_ context.Context, event *webhook.Event) error {
		fmt.Println("received", event.Type, "for ticket", event.Ticket.ID)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return handler
}

func ExampleWebhook_Send() {
	const secret = "the-secret-of-the-test-receiver"
	receiver := yourReceiver(secret)
	event, err := gleaptest.SampleEvent(webhook.TicketCreated, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}

	answer := gleaptest.Webhook{Event: event, Secret: secret}.Send(receiver)
	fmt.Println(answer.StatusCode)
	answer = gleaptest.Webhook{Event: event, Secret: "a-guess-at-the-secret"}.Send(receiver)
	fmt.Println(answer.StatusCode)
	answer = gleaptest.Webhook{Event: event}.Send(receiver) // no secret at all
	fmt.Println(answer.StatusCode)
	// Output:
	// received ticket.created for ticket 6ae858180100000000000000
	// 200
	// 401
	// 401
}

func ExampleWebhook_SendDuplicates() {
	const secret = "the-secret-of-the-test-receiver"
	receiver := yourReceiver(secret)
	event, err := gleaptest.SampleEvent(webhook.TicketUpdated, time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	ok := 0
	for _, answer := range (gleaptest.Webhook{Event: event, Secret: secret}).SendDuplicates(receiver, 5) {
		if answer.StatusCode == http.StatusOK {
			ok++
		}
	}
	fmt.Println(ok, "answered 200")
	// Output:
	// received ticket.updated for ticket 6ae851100100000000000000
	// 5 answered 200
}

func ExampleWebhook_Post() {
	const secret = "the-secret-of-the-test-receiver"
	server := httptest.NewServer(yourReceiver(secret)) // or a receiver running elsewhere
	defer server.Close()
	event, err := gleaptest.SampleEvent(webhook.TicketCreated, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	delivery := gleaptest.Webhook{Event: event, Secret: secret, SecretParameter: webhook.SecretQueryParameter}
	answer, err := delivery.Post(context.Background(), server.Client(), server.URL+"/gleap")
	if err != nil {
		panic(err)
	}
	defer answer.Body.Close()
	body, _ := io.ReadAll(answer.Body)
	fmt.Print(answer.StatusCode, " ", string(body))
	// Output:
	// received ticket.created for ticket 6ae858180100000000000000
	// 200 handled
}

func ExampleSampleEvent() {
	event, err := gleaptest.SampleEvent(webhook.MessageCreated, time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC))
	if err != nil {
		panic(err)
	}
	fmt.Println(event.Type, event.ProjectID)
	fmt.Println(event.Message.Ticket != nil, event.Message.Type, *event.Message.User.Object.FirstName)
	// Output:
	// message.created 6752e9a8b7c6d5e4f3a20000
	// true COMMENT Ann
}
