package wrapper_test

// The Examples of the generated client in package api, which a program imports only for what the
// wrapper does not cover.

import (
	"context"
	"fmt"
	"log"

	"github.com/gleap-community/gleap-go/api"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func ExampleClient_Raw() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

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
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()

	// The request editors also authenticate the generated client in package api.
	raw, err := api.NewClientWithResponses(gleap.URL,
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
