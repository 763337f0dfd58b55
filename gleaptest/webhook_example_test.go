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
	"github.com/gleap-community/gleap-go/wrapper"
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

func ExampleWithWebhook() {
	const secret = "the-secret-of-the-test-receiver"
	received := make(chan string, 1)
	receiver, err := webhook.NewHandler(secret, func(_ context.Context, event *webhook.Event) error {
		received <- fmt.Sprintf("%s: %s", event.Type, gleapText(event))
		return nil
	})
	if err != nil {
		panic(err)
	}
	receiverServer := httptest.NewServer(receiver)
	defer receiverServer.Close()

	server, err := gleaptest.Start(gleaptest.WithWebhook(receiverServer.URL+"/gleap", secret))
	if err != nil {
		panic(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		panic(err)
	}
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "We are on it."); err != nil {
		panic(err)
	}
	fmt.Println(<-received)
	// Output:
	// message.created: We are on it.
}

// gleapText is the text of the message an event carries.
func gleapText(event *webhook.Event) string {
	if event.Message == nil {
		return ""
	}
	return wrapper.PlainText(event.Message.Comment)
}

func ExampleWithWebhookRetries() {
	answers := make(chan int, 3)
	answers <- http.StatusServiceUnavailable
	answers <- http.StatusBadGateway
	answers <- http.StatusOK
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(<-answers) }))
	defer flaky.Close()

	settled := make(chan gleaptest.WebhookDelivery, 1)
	server, err := gleaptest.Start(gleaptest.WithWebhook(flaky.URL, "the-secret-of-the-test-receiver"),
		gleaptest.WithWebhookRetries(3, time.Millisecond),
		gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) {
			if d.State != gleaptest.WebhookPending {
				settled <- d
			}
		}))
	if err != nil {
		panic(err)
	}
	defer server.Close()
	postNote(server)
	delivery := <-settled
	fmt.Println(delivery.Event, delivery.State)
	for _, attempt := range delivery.Attempts {
		fmt.Println(attempt.Status)
	}
	fmt.Println(len(server.WebhookDeliveries()), "delivery recorded")
	// Output:
	// message.created delivered
	// 503
	// 502
	// 200
	// 1 delivery recorded
}

// postNote posts an internal note through server's API.
func postNote(server *gleaptest.Server) {
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		panic(err)
	}
	if _, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Escalated."); err != nil {
		panic(err)
	}
}

func ExampleWithWebhookLog() {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) }))
	defer receiver.Close()
	done := make(chan struct{})
	server, err := gleaptest.Start(gleaptest.WithWebhook(receiver.URL, "the-secret-of-the-test-receiver"),
		gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) {
			fmt.Printf("webhook %d %s: %s after %d tries %q\n", d.Seq, d.Event, d.State, len(d.Attempts), d.Failure)
			if d.State != gleaptest.WebhookPending {
				close(done)
			}
		}))
	if err != nil {
		panic(err)
	}
	defer server.Close()
	postNote(server)
	<-done
	// Output:
	// webhook 1 message.created: pending after 0 tries ""
	// webhook 1 message.created: failed after 1 tries "the receiver answered 401"
}

func ExampleServer_WebhookDeliveries() {
	receiver := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer receiver.Close()
	delivered := make(chan struct{})
	server, err := gleaptest.Start(gleaptest.WithWebhook(receiver.URL, "the-secret-of-the-test-receiver"),
		gleaptest.WithWebhookLog(func(d gleaptest.WebhookDelivery) {
			if d.State == gleaptest.WebhookDelivered {
				close(delivered)
			}
		}))
	if err != nil {
		panic(err)
	}
	defer server.Close()
	postNote(server)
	<-delivered
	for _, d := range server.WebhookDeliveries() {
		fmt.Println(d.Seq, d.Event, d.ObjectID == server.Messages()[0].ID, d.State, d.Attempts[0].Status)
	}
	// Output:
	// 1 message.created true delivered 200
}
