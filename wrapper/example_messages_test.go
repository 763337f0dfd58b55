package wrapper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// A ticket of the examples, with a conversation posted in it first.
const exampleTicket = "6752e9a8b7c6d5e4f3a21098"

func ExampleMessagesService_List() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, text := range []string{"My invoice is wrong.", "Sorry! A corrected one is attached.", "Thanks!"} {
		if _, err := client.Messages.Reply(ctx, exampleTicket, text); err != nil {
			log.Fatal(err)
		}
	}

	// Pages of two are fetched as the loop reaches them.
	filter := wrapper.MessageFilter{Ticket: exampleTicket, Types: []string{wrapper.MessageTypeComment}, PageSize: 2}
	for message, err := range client.Messages.List(ctx, filter) {
		if err != nil {
			log.Fatal(err)
		}
		var doc struct {
			Content []struct{ Content []struct{ Text string } }
		}
		if err := json.Unmarshal(message.Comment, &doc); err != nil {
			log.Fatal(err)
		}
		fmt.Println(message.Index, doc.Content[0].Content[0].Text)
	}
	// Output:
	// 0 My invoice is wrong.
	// 1 Sorry! A corrected one is attached.
	// 2 Thanks!
}

func ExampleMessagesService_ListPage() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for range 3 {
		if _, err := client.Messages.Note(ctx, exampleTicket, "Checked the logs."); err != nil {
			log.Fatal(err)
		}
	}

	// Keep the cursor yourself, for instance between two runs of a job.
	filter := wrapper.MessageFilter{Ticket: exampleTicket, PageSize: 2}
	cursor := ""
	for {
		page, err := client.Messages.ListPage(ctx, filter, cursor)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("page of", len(page.Messages), "last:", page.Next == "")
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	// Output:
	// page of 2 last: false
	// page of 1 last: true
}

func ExampleMessagesService_Update() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	posted, err := client.Messages.Note(ctx, exampleTicket, "Refund: 12.05 €")
	if err != nil {
		log.Fatal(err)
	}

	// Only the fields that are set are sent, and only they change.
	updated, err := client.Messages.Update(ctx, posted.ID, wrapper.UpdateMessageRequest{
		Comment: wrapper.PlainTextDoc("Refund: 12.50 €"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(updated.Comment))
	fmt.Println("still a note:", *updated.IsNote)
	// Output:
	// {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Refund: 12.50 €"}]}]}
	// still a note: true
}

func ExampleMessagesService_Delete() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	posted, err := client.Messages.Reply(ctx, exampleTicket, "Sent to the wrong ticket.")
	if err != nil {
		log.Fatal(err)
	}

	if err := client.Messages.Delete(ctx, posted.ID); err != nil {
		log.Fatal(err)
	}
	fmt.Println("messages left:", len(gleap.Messages()))
	// Output: messages left: 0
}

func ExampleMessagesService_Search() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, text := range []string{"Your refund was issued.", "Welcome aboard!"} {
		if _, err := client.Messages.Reply(ctx, exampleTicket, text); err != nil {
			log.Fatal(err)
		}
	}

	result, err := client.Messages.Search(ctx, "refund")
	if err != nil {
		log.Fatal(err)
	}
	// Gleap does not document a hit's shape: decode what you need from the raw hits.
	var hits []struct {
		Ticket string `json:"ticket"`
	}
	if err := json.Unmarshal(result.Hits, &hits); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(hits), "hit in", hits[0].Ticket)
	// Output: 1 hit in 6752e9a8b7c6d5e4f3a21098
}

func ExampleWithRateLimit() {
	// A second process shares the project's budget of 1000 requests a minute: take half of it.
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithRateLimit(500, time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client != nil)
	// Output: true
}

// Accept a message as the source of the FAQ entry Gleap's AI suggests from it.
func ExampleMessagesService_SuggestFAQ() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	answer, err := client.Messages.Reply(ctx, exampleTicket, "Reset it under Settings, Security.")
	if err != nil {
		log.Fatal(err)
	}

	if err := client.Messages.SuggestFAQ(ctx, answer.ID, true); err != nil {
		log.Fatal(err)
	}
	fmt.Println("accepted as a FAQ source")
	err = client.Messages.SuggestFAQ(ctx, "6752f0c1a4b3c2d1e0f98765", true)
	var apiErr *wrapper.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound)
	// Output:
	// accepted as a FAQ source
	// true
}

func ExampleMessagesService_CreateOnce() {
	// CreateOnce looks in the ticket first; then Gleap answers its post 500, an unknown outcome, which
	// Create would return as an error.
	gleap, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{}, gleaptest.Fault{Status: http.StatusInternalServerError}))
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	note, err := wrapper.TextMessage(exampleTicket, "Incident 42: the fix is deployed.", wrapper.AsNote())
	if err != nil {
		log.Fatal(err)
	}
	note.MessageRef = wrapper.Ptr("incident-42-fixed")

	// The 500 stored nothing here: after a pause CreateOnce finds no message with the messageRef, and posts
	// again.
	message, err := client.Messages.CreateOnce(context.Background(), note)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*message.MessageRef, len(gleap.Messages()))
	for _, request := range gleap.Requests() {
		fmt.Println(request.Method, request.Status)
	}
	// Output:
	// incident-42-fixed 1
	// GET 200
	// POST 500
	// GET 200
	// POST 200
}

func ExampleMessagesService_FindByRef() {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, ref := range []string{"incident-41", "incident-42"} {
		note, err := wrapper.TextMessage(exampleTicket, "Incident update.", wrapper.AsNote())
		if err != nil {
			log.Fatal(err)
		}
		note.MessageRef = wrapper.Ptr(ref)
		if _, err := client.Messages.Create(ctx, note); err != nil {
			log.Fatal(err)
		}
	}

	for message, err := range client.Messages.FindByRef(ctx, exampleTicket, func(ref string) bool { return ref == "incident-42" }) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("found", *message.MessageRef)
	}
	// Output:
	// found incident-42
}

func ExampleClient_Redact() {
	client, err := wrapper.New("gl_sk_0123456789abcdef", "64f1c2d3e4a5b6c7d8e9f999", wrapper.WithBaseURL("https://api.gleap.io/v3"))
	if err != nil {
		log.Fatal(err)
	}
	// An id a confused server echoed the key into, about to be written to a log.
	fmt.Println(client.Redact("6752-gl_sk_0123456789abcdef"))
	fmt.Println(client.Project(), client.BaseURL())
	fmt.Println(client.RetryPolicy().MaxRetries, client.RetryPolicy().RetryUnknownOutcome)
	// Output:
	// 6752-[REDACTED]
	// 64f1c2d3e4a5b6c7d8e9f999 https://api.gleap.io/v3
	// 2 false
}
