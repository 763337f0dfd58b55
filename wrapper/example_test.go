package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/internal/fakegleap"
	"github.com/gleap-community/gleap-go/wrapper"
)

// startFakeGleap starts a stand-in for api.gleap.io on loopback that checks every request and answer
// against openapi.yaml. It returns the base URL to pass to wrapper.WithBaseURL; real code leaves it out.
func startFakeGleap() (baseURL string, stop func()) {
	validator, err := fakegleap.NewValidator()
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(validator.Wrap(fakegleap.NewServer(nil), func(err error) { log.Fatal(err) }))
	return srv.URL + "/v3", srv.Close
}

// exampleClient is what ExampleNew shows, for the examples of the Client's methods.
func exampleClient() (client *wrapper.Client, stop func()) {
	baseURL, stop := startFakeGleap()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(baseURL))
	if err != nil {
		log.Fatal(err)
	}
	return client, stop
}

func ExampleNew() {
	baseURL, stop := startFakeGleap()
	defer stop()

	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID",
		wrapper.WithBaseURL(baseURL), // leave out to use https://api.gleap.io/v3
		wrapper.WithUserAgent("billing-service/2.1"),
		wrapper.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	message, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Thanks, we're on it!")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*message.Type, *message.Ticket)
	// Output: COMMENT 6752e9a8b7c6d5e4f3a21098
}

func ExampleNew_invalidKey() {
	_, err := wrapper.New("key pasted with\na line break", "YOUR_PROJECT_ID")
	var invalid *wrapper.ValidationError
	if errors.As(err, &invalid) {
		fmt.Println("field:", invalid.Field)
	}
	fmt.Println(err)
	// Output:
	// field: apiKey
	// gleap: invalid apiKey: must hold only visible ASCII characters (no spaces, line breaks or control characters)
}

func ExampleClient_CreateMessage() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	// Any field of the reference page can be set; fields left nil are not sent.
	message, err := client.CreateMessage(context.Background(), api.CreateMessageRequest{
		Ticket:     wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
		Type:       wrapper.Ptr(wrapper.MessageTypeComment),
		Comment:    wrapper.PlainTextDoc("Your refund was issued today."),
		MessageRef: wrapper.Ptr("refund-4711"),
		Data:       []byte(`{"orderId":4711}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*message.MessageRef, string(message.Data), *message.Index)
	// Output: refund-4711 {"orderId":4711} 0
}

func ExampleClient_PostReply() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	message, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hi Ada,\nyour refund is on its way.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(message.Comment))
	// Output: {"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"Hi Ada,"}]},{"type":"paragraph","content":[{"type":"text","text":"your refund is on its way."}]}]}
}

func ExampleClient_PostNote() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	note, err := client.PostNote(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Customer is on the Pro plan.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("internal note:", *note.IsNote)
	// Output: internal note: true
}

func ExampleClient_PostBotMessage() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	message, err := client.PostBotMessage(context.Background(), "6752e9a8b7c6d5e4f3a21098", "An agent will reply within the hour.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("from the bot:", *message.Bot)
	// Output: from the bot: true
}

func ExampleAttach() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	message, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Here is your receipt.",
		wrapper.Attach("receipt.pdf", "https://cdn.example.com/files/receipt-4711.pdf", "application/pdf"))
	if err != nil {
		log.Fatal(err)
	}
	for _, file := range message.Attachments {
		fmt.Println(*file.Name, *file.Type)
	}
	// Output: receipt.pdf application/pdf
}

func ExampleAsUser() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	message, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "I'll take this one.",
		wrapper.AsUser("64f1c2d3e4a5b6c7d8e9f012"))
	if err != nil {
		log.Fatal(err)
	}
	author, err := message.User.AsMessageUser()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("posted as", *author.ID)
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
	req := api.CreateMessageRequest{
		Ticket:        wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
		SendToChannel: wrapper.Ptr(true),
	}
	fmt.Println(*req.Ticket, *req.SendToChannel, req.IsNote == nil)
	// Output: 6752e9a8b7c6d5e4f3a21098 true true
}

func ExampleClient_Raw() {
	client, stop := exampleClient() // wrapper.New, pointed at a local stand-in for Gleap (see ExampleNew)
	defer stop()

	// The generated client, with the same credentials, for what the wrapper does not cover.
	resp, err := client.Raw().CreateMessageWithResponse(context.Background(), api.CreateMessageRequest{
		Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode(), *resp.JSON200.Ticket)
	// Output: 200 6752e9a8b7c6d5e4f3a21098
}

func ExampleBearerAuth() {
	baseURL, stop := startFakeGleap()
	defer stop()

	// The request editors also authenticate the generated client in package api.
	raw, err := api.NewClientWithResponses(baseURL,
		api.WithRequestEditorFn(wrapper.BearerAuth("YOUR_API_KEY")),
		api.WithRequestEditorFn(wrapper.ProjectHeader("YOUR_PROJECT_ID")),
	)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := raw.CreateMessageWithResponse(context.Background(), api.CreateMessageRequest{
		Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode())
	// Output: 200
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
	// A server that refuses the key, as Gleap does.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"statusCode":401,"error":"Unauthorized","message":"Invalid API key."}`)
	}))
	defer srv.Close()
	client, err := wrapper.New("REVOKED_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(srv.URL+"/v3"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		fmt.Println("check the key:", apiErr.Message)
	}
	fmt.Println(err)
	// Output:
	// check the key: Invalid API key.
	// gleap: create message: 401 Unauthorized: Invalid API key. (1 attempt)
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
