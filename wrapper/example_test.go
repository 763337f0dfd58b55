package wrapper_test

// The Examples of the client. Those that call Gleap call gleaptest instead: a stand-in for api.gleap.io
// on loopback that checks every request and answer against openapi.yaml. Real code leaves WithBaseURL
// out.

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

func ExampleNew() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()

	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID",
		wrapper.WithBaseURL(gleap.URL), // leave out to use https://api.gleap.io/v3
		wrapper.WithUserAgent("billing-service/2.1"),
		wrapper.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	message, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Thanks, we're on it!")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(message.Type, *message.Ticket)
	// Output: COMMENT 6752e9a8b7c6d5e4f3a21098
}

func ExampleNew_invalidKey() {
	_, err := wrapper.New("key pasted with\na line break", "YOUR_PROJECT_ID")
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println("field:", invalid.Field)
	}
	fmt.Println(err)
	_, err = wrapper.New("k", "YOUR_PROJECT_ID") // cut short
	fmt.Println(err)
	// Output:
	// field: apiKey
	// gleap: invalid apiKey: must hold only visible ASCII characters (no spaces, line breaks or control characters)
	// gleap: invalid apiKey: is shorter than 8 characters, too short for a Gleap key (check that it was copied whole)
}

func ExampleMessagesService_Create() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Any field of the reference page can be set; fields left nil are not sent.
	message, err := client.Messages.Create(context.Background(), wrapper.CreateMessageRequest{
		Ticket:     wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
		Type:       wrapper.Ptr(wrapper.MessageTypeComment),
		Comment:    wrapper.PlainTextDoc("Your refund was issued today."),
		MessageRef: wrapper.Ptr("refund-4711"),
		Data:       []byte(`{"orderId":4711}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*message.MessageRef, string(message.Data), message.Index)
	// Output: refund-4711 {"orderId":4711} 0
}

func ExampleMessagesService_Reply() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	message, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hi Ada,\nyour refund is on its way.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(message.Comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi Ada,"}]},{"type":"paragraph","content":[{"type":"text","text":"your refund is on its way."}]}]}
}

func ExampleMessagesService_Note() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	note, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Customer is on the Pro plan.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("internal note:", *note.IsNote)
	// Output: internal note: true
}

func ExampleMessagesService_BotMessage() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	message, err := client.Messages.BotMessage(context.Background(), "6752e9a8b7c6d5e4f3a21098", "An agent will reply within the hour.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("from the bot:", *message.Bot)
	// Output: from the bot: true
}

func ExampleAttach() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	message, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Here is your receipt.",
		wrapper.Attach("receipt.pdf", "https://cdn.example.com/files/receipt-4711.pdf", "application/pdf"))
	if err != nil {
		log.Fatal(err)
	}
	for _, file := range message.Attachments {
		fmt.Println(file.Name, *file.Type)
	}
	// Output: receipt.pdf application/pdf
}

func ExampleAsUser() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	message, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "I'll take this one.",
		wrapper.AsUser("64f1c2d3e4a5b6c7d8e9f012"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("posted as", message.User.ID)
	// Output: posted as 64f1c2d3e4a5b6c7d8e9f012
}

func ExampleTextMessage() {
	// Build a message without sending it, to inspect or extend it first.
	req, err := wrapper.TextMessage("6752e9a8b7c6d5e4f3a21098", "Escalated to billing.", wrapper.AsNote(), wrapper.AsBot())
	if err != nil {
		log.Fatal(err)
	}
	req.MessageRef = wrapper.Ptr("escalation-17")
	fmt.Println(*req.Type, *req.IsNote, *req.Bot, *req.MessageRef)

	_, err = wrapper.TextMessage("", "Hello")
	fmt.Println(err)
	// Output:
	// COMMENT true true escalation-17
	// gleap: invalid ticketID: must not be blank
}

func ExampleCheckMessage() {
	// Check a whole batch before sending the first message, so that a bad one sends nothing.
	batch := []wrapper.CreateMessageRequest{
		{Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"), Comment: wrapper.PlainTextDoc("Maintenance tonight.")},
		{Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21099"), Data: json.RawMessage(`{"broken":`)},
		{Ticket: wrapper.Ptr("  ")},
	}
	for i, req := range batch {
		if err := wrapper.CheckMessage(req); err != nil {
			fmt.Printf("message %d: %v\n", i+1, err)
		}
	}
	// Output:
	// message 2: gleap: invalid data: is not valid JSON
	// message 3: gleap: invalid ticket: must not be blank when it is set
}

func ExampleAsNote() {
	req, err := wrapper.TextMessage("6752e9a8b7c6d5e4f3a21098", "Only the team sees this.", wrapper.AsNote())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*req.IsNote)
	// Output: true
}

func ExampleAsBot() {
	req, err := wrapper.TextMessage("6752e9a8b7c6d5e4f3a21098", "Beep.", wrapper.AsBot())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*req.Bot)
	// Output: true
}

func ExamplePlainTextDoc() {
	fmt.Println(string(wrapper.PlainTextDoc("Hello 👋\n\nBye")))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hello 👋"}]},{"type":"paragraph"},{"type":"paragraph","content":[{"type":"text","text":"Bye"}]}]}
}

func ExamplePtr() {
	req := wrapper.CreateMessageRequest{
		Ticket:        wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
		SendToChannel: wrapper.Ptr(true),
	}
	fmt.Println(*req.Ticket, *req.SendToChannel, req.IsNote == nil)
	// Output: 6752e9a8b7c6d5e4f3a21098 true true
}

func ExampleProjectHeader() {
	req, err := http.NewRequest(http.MethodPost, "https://api.gleap.io/v3/messages", nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := wrapper.ProjectHeader("64f1c2d3e4a5b6c7d8e9f999")(context.Background(), req); err != nil {
		log.Fatal(err)
	}
	fmt.Println(req.Header.Get("project"))
	// Output: 64f1c2d3e4a5b6c7d8e9f999
}

func ExampleAPIError() {
	// Gleap refuses the key, as it does a revoked one.
	gleap, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusUnauthorized}))
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("REVOKED_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		fmt.Println("check the key:", apiErr.Message)
	}
	fmt.Println(err)
	// Output:
	// check the key: gleaptest: scripted fault
	// gleap: create message: 401 Unauthorized: gleaptest: scripted fault (1 attempt)
}

func ExampleWithBaseURL() {
	// For another Gleap region, an egress proxy or a local stand-in: the API root, version path included.
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL("https://gleap-proxy.internal.example/v3"))
	fmt.Println(err)
	_, err = wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL("api.gleap.io/v3"))
	fmt.Println(err)
	// Output:
	// <nil>
	// gleap: invalid baseURL: must start with https:// or http://
}

func ExampleWithHTTPClient() {
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID",
		wrapper.WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithUserAgent() {
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithUserAgent("billing-service/2.1"))
	fmt.Println(err) // requests carry "User-Agent: billing-service/2.1 gleap-go/<version>"
	// Output: <nil>
}

func ExampleWithHeader() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	// Every request of this client carries the header, such as a tracing id.
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL),
		wrapper.WithHeader("X-Trace-Id", "checkout-4711"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Payment retried."); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Gleap got X-Trace-Id:", gleap.Requests()[0].Header.Get("X-Trace-Id"))

	// The headers the client sets itself cannot be replaced.
	_, err = wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithHeader("Authorization", "Bearer other"))
	fmt.Println(err)
	// Output:
	// Gleap got X-Trace-Id: checkout-4711
	// gleap: invalid header Authorization: is set by the client itself
}

func ExampleWithResponseInto() {
	// Gleap rate-limits the first attempt, so the call takes two.
	gleap, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusTooManyRequests}))
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	policy := wrapper.DefaultRetryPolicy()
	policy.MinBackoff = 10 * time.Millisecond // a short wait, for the example
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL), wrapper.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}

	var resp wrapper.Response
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello",
		wrapper.WithResponseInto(&resp)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", resp.StatusCode, "attempts:", resp.Attempts)
	fmt.Println("content type:", resp.Header.Get("Content-Type"))
	// Output:
	// status: 200 attempts: 2
	// content type: application/json
}

func ExampleMessagesService_Create_perCallOptions() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	req, err := wrapper.TextMessage("6752e9a8b7c6d5e4f3a21098", "Your order has shipped.")
	if err != nil {
		log.Fatal(err)
	}

	// Options given to a call apply after the client's, to that call only.
	_, err = client.Messages.Create(context.Background(), req,
		wrapper.WithTimeout(5*time.Second), wrapper.WithMaxRetries(0), wrapper.WithHeader("X-Trace-Id", "shipping-17"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Messages.Create(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	for i, request := range gleap.Requests() {
		fmt.Printf("call %d: X-Trace-Id %q\n", i+1, request.Header.Get("X-Trace-Id"))
	}
	// Output:
	// call 1: X-Trace-Id "shipping-17"
	// call 2: X-Trace-Id ""
}
