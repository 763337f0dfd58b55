package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func ExampleDefaultRetryPolicy() {
	policy := wrapper.DefaultRetryPolicy()
	fmt.Println("retries:", policy.MaxRetries)
	fmt.Println("backoff:", policy.MinBackoff, "to", policy.MaxBackoff)
	fmt.Println("longest Retry-After honoured:", policy.MaxRetryAfter)
	fmt.Println("retry 5xx and timeouts:", policy.RetryUnknownOutcome)
	// Output:
	// retries: 2
	// backoff: 500ms to 8s
	// longest Retry-After honoured: 30s
	// retry 5xx and timeouts: false
}

func ExampleWithRetryPolicy() {
	// Accept possible duplicates in exchange for retrying 5xx answers and timeouts too.
	policy := wrapper.DefaultRetryPolicy()
	policy.MaxRetries = 4
	policy.RetryUnknownOutcome = true
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithRetryPolicy(policy))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithMaxRetries() {
	// A job queue that retries on its own can turn the client's retries off.
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithMaxRetries(0))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithTimeout() {
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithTimeout(10*time.Second))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithMaxResponseBytes() {
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithMaxResponseBytes(1<<20))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleWithInsecureHTTP() {
	_, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL("http://gleap-proxy.internal/v3"))
	fmt.Println(err)
	_, err = wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL("http://gleap-proxy.internal/v3"),
		wrapper.WithInsecureHTTP())
	fmt.Println(err)
	// Output:
	// gleap: invalid baseURL: uses http:// on a host other than loopback, which would send the API key unencrypted; use https:// or opt in with WithInsecureHTTP
	// <nil>
}

func ExampleWithLogger() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()

	// Time and duration vary from run to run, so this example leaves them out.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, attr slog.Attr) slog.Attr {
			if attr.Key == slog.TimeKey || attr.Key == "duration" {
				return slog.Attr{}
			}
			return attr
		},
	}))
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL), wrapper.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello"); err != nil {
		log.Fatal(err)
	}
	// Output: level=INFO msg="gleap request" method=POST path=/messages status=200 attempt=1
}

func ExampleRequestError() {
	// Gleap fails with 503, as in an outage.
	gleap, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")
	var requestErr *wrapper.RequestError
	if errors.As(err, &requestErr) {
		fmt.Println("attempts:", requestErr.Attempts, "requests seen:", len(gleap.Requests()))
	}
	if errors.Is(err, wrapper.ErrOutcomeUnknown) {
		fmt.Println("the message may exist: check the ticket before posting again")
	}
	fmt.Println(err)
	// Output:
	// attempts: 1 requests seen: 1
	// the message may exist: check the ticket before posting again
	// gleap: create message: 503 Service Unavailable: gleaptest: scripted fault (1 attempt; outcome unknown: the call may have taken effect)
}
