package wrapper_test

// The package's Example, written as a program is: wrapper is the only import of gleap-go it needs
// (gleaptest stands in for api.gleap.io here, and real code leaves it out).

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// Post a reply, read the message Gleap stored and handle each way a call can fail, with types, options
// and errors all from package wrapper.
func Example() {
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
	explain := func(err error) string {
		var invalid *wrapper.ValidationError
		var apiErr *wrapper.APIError
		switch {
		case errors.As(err, &invalid):
			return "nothing sent, fix the " + invalid.Field
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusTooManyRequests:
			return fmt.Sprint("rate-limited, try again in ", apiErr.RetryAfter)
		case errors.Is(err, wrapper.ErrOutcomeUnknown):
			return "may have been posted, check the ticket before posting again"
		default:
			return err.Error()
		}
	}

	// A reply from an agent, and the message Gleap stored.
	message, err := client.Messages.Reply(ctx, "6752e9a8b7c6d5e4f3a21098", "Thanks, we're on it!", wrapper.AsUser("64f1c2d3e4a5b6c7d8e9f012"))
	if err != nil {
		log.Fatal(explain(err))
	}
	fmt.Println("stored:", message.Type, "at index", message.Index, "by", message.User.ID)

	// Any field of the API, with the request type of this package.
	req := wrapper.CreateMessageRequest{
		Ticket:     wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"),
		Type:       wrapper.Ptr(wrapper.MessageTypeComment),
		Comment:    wrapper.PlainTextDoc("Your invoice is ready."),
		MessageRef: wrapper.Ptr("invoice-4711"),
	}
	_, err = client.Messages.Reply(ctx, " ", "Hello")
	fmt.Println("bad input:", explain(err))

	gleap.QueueFaults(gleaptest.Fault{Status: http.StatusBadGateway})
	_, err = client.Messages.Create(ctx, req)
	fmt.Println("outage:", explain(err))

	// A 429 holds back every call of the client for its Retry-After (at most 30 s), so it comes last here.
	gleap.QueueFaults(gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Minute})
	_, err = client.Messages.Create(ctx, req)
	fmt.Println("rate limit:", explain(err))
	// Output:
	// stored: COMMENT at index 0 by 64f1c2d3e4a5b6c7d8e9f012
	// bad input: nothing sent, fix the ticketID
	// outage: may have been posted, check the ticket before posting again
	// rate limit: rate-limited, try again in 1m0s
}
