package gleaptest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// A server for code that posts through gleap-go, outside a test: the client posts a reply, and the
// server shows what it stored and how it answered.
func ExampleStart() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	msg, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Your refund is on its way.")
	if err != nil {
		log.Fatal(err)
	}

	fmt.Println("the answer:", len(msg.ID), "hex digits of id, index", msg.Index)
	for _, req := range server.Requests() {
		fmt.Println("the request:", req.Method, req.Path, req.Status, req.Violation)
	}
	fmt.Println("stored:", len(server.Messages()))
	// Output:
	// the answer: 24 hex digits of id, index 0
	// the request: POST /v3/messages 200 <nil>
	// stored: 1
}

// NewServer goes in a test, which go test hands its t: a request or an answer that breaks openapi.yaml
// fails the test with the reason, and the server closes when the test ends. An Example gets no t, so
// this one shows such a test without running it; ExampleStart runs the same steps.
func ExampleNewServer() {
	_ = func(t *testing.T) { // func TestNotifiesTheCustomer(t *testing.T)
		gleap := gleaptest.NewServer(t)
		client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
		if err != nil {
			t.Fatal(err)
		}

		// The code under test posts a reply.
		if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Your refund is on its way."); err != nil {
			t.Fatal(err)
		}

		if got := len(gleap.Messages()); got != 1 {
			t.Errorf("posted %d messages, want 1", got)
		}
	}
	// Output:
}

// How code copes with Gleap failing: the first answer is 429 with a Retry-After of 1 s, which the
// client waits out before it sends the request again (Gleap refused it without acting on it); the second
// is 503, after which the message may exist, so the client does not send it a third time and reports
// the outcome as unknown.
func ExampleWithFaults() {
	server, err := gleaptest.Start(gleaptest.WithFaults(
		gleaptest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second},
		gleaptest.Fault{Status: http.StatusServiceUnavailable},
	))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	start := time.Now()
	_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")

	for _, req := range server.Requests() {
		fmt.Println("answered", req.Status)
	}
	fmt.Println("waited out the Retry-After:", time.Since(start) >= time.Second)
	fmt.Println("outcome unknown:", errors.Is(err, wrapper.ErrOutcomeUnknown))
	// Output:
	// answered 429
	// answered 503
	// waited out the Retry-After: true
	// outcome unknown: true
}

// A Gleap that fails now and then: every third request is answered 503. A POST that got a 5xx may have
// been stored, so the client does not send it again and reports the outcome as unknown.
func ExampleWithFaultEvery() {
	server, err := gleaptest.Start(gleaptest.WithFaultEvery(3, gleaptest.Fault{Status: http.StatusServiceUnavailable}))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	for i := 1; i <= 4; i++ {
		_, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Heartbeat")
		switch {
		case err == nil:
			fmt.Printf("note %d: stored\n", i)
		case errors.Is(err, wrapper.ErrOutcomeUnknown):
			fmt.Printf("note %d: outcome unknown\n", i)
		default:
			log.Fatal(err)
		}
	}
	// Output:
	// note 1: stored
	// note 2: stored
	// note 3: outcome unknown
	// note 4: stored
}

// Code that posts in a loop, tested without the server keeping every message: only the newest 2 stay.
func ExampleWithMaxMessages() {
	server, err := gleaptest.Start(gleaptest.WithMaxMessages(2))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	for i := 0; i < 5; i++ {
		if _, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Heartbeat"); err != nil {
			log.Fatal(err)
		}
	}

	for _, message := range server.Messages() {
		fmt.Println("kept the message at index", message.Index)
	}
	fmt.Println("kept", len(server.Requests()), "request records")
	// Output:
	// kept the message at index 3
	// kept the message at index 4
	// kept 2 request records
}

// Reproducible answers: every message is stamped with the same time.
func ExampleWithClock() {
	stamp := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
	server, err := gleaptest.Start(gleaptest.WithClock(func() time.Time { return stamp }))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	msg, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.CreatedAt.Format(time.RFC3339), msg.ID)
	// Output:
	// 2026-11-25T09:30:00Z 6b06aa980000000000000001
}

// A server on a chosen address, as `gleap mock --addr` runs it; port 0 picks a free one.
func ExampleWithAddr() {
	server, err := gleaptest.Start(gleaptest.WithAddr("127.0.0.1:0"))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	fmt.Println(strings.HasPrefix(server.URL, "http://127.0.0.1:"))
	// Output:
	// true
}

// A log line for every request, as `gleap mock` writes them, with the reason when a request breaks the
// contract: here one without credentials.
func ExampleWithRequestLog() {
	logged := make(chan gleaptest.Request, 1)
	server, err := gleaptest.Start(gleaptest.WithRequestLog(func(req gleaptest.Request) { logged <- req }))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	resp, err := http.Post(server.URL+"/messages", "application/json", strings.NewReader(`{"ticket":"6752e9a8b7c6d5e4f3a21098"}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	req := <-logged
	fmt.Println(req.Method, req.Path, req.Status)
	fmt.Println(strings.Contains(req.Violation.Error(), `missing "Authorization: Bearer <key>" header`))
	// Output:
	// POST /v3/messages 401
	// true
}

// Requests checked against Gleap's own published OpenAPI document as well as openapi.yaml: the client's
// reply passes both, and a body with a field Gleap's document does not declare is refused, with the
// document's name at the start of the reason.
func ExampleWithRequestsCheckedAgainst() {
	published, err := os.ReadFile("../testdata/gleap-published-openapi-messages.yaml")
	if err != nil {
		log.Fatal(err)
	}
	server, err := gleaptest.Start(gleaptest.WithRequestsCheckedAgainst("Gleap's published document", published))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello"); err != nil {
		log.Fatal(err)
	}

	// openapi.yaml lets a body carry fields it does not know; Gleap's DTOs forbid them.
	req, err := http.NewRequest(http.MethodPost, server.URL+"/messages", strings.NewReader(`{"ticket":"6752e9a8b7c6d5e4f3a21098","colour":"red"}`))
	if err != nil {
		log.Fatal(err)
	}
	req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer test-key"}, "Project": {"test-project"}}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	for _, req := range server.Requests() {
		reason := "conforms"
		if req.Violation != nil {
			reason, _, _ = strings.Cut(req.Violation.Error(), ": request body")
		}
		fmt.Println(req.Method, req.Path, req.Status, reason)
	}
	// Output:
	// POST /v3/messages 200 conforms
	// POST /v3/messages 400 Gleap's published document: request POST /v3/messages
}

// A benchmark of the client alone: the traffic is not validated, so the validator's time is not
// measured. Requests are still recorded, stored and answered.
func ExampleWithoutContractChecks() {
	server, err := gleaptest.Start(gleaptest.WithoutContractChecks())
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	// Without credentials: refused by a checking server, stored by this one.
	resp, err := http.Post(server.URL+"/messages", "application/json", strings.NewReader(`{"ticket":"6752e9a8b7c6d5e4f3a21098"}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	fmt.Println(resp.StatusCode, len(server.Messages()))
	// Output:
	// 200 1
}

// What a client sent: each request with its headers, its body, the status it got and its contract
// violation.
func ExampleServer_Requests() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Checked the logs"); err != nil {
		log.Fatal(err)
	}

	for _, req := range server.Requests() {
		fmt.Println(req.Method, req.Path, req.Status, req.Header.Get("Project"))
		fmt.Println(strings.Contains(string(req.Body), `"isNote":true`))
	}
	// Output:
	// POST /v3/messages 200 test-project
	// true
}

// The stored messages, as the server answered them.
func ExampleServer_Messages() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.BotMessage(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hi, how can I help?"); err != nil {
		log.Fatal(err)
	}

	for _, message := range server.Messages() {
		fmt.Println(*message.Ticket, *message.Bot, message.Index)
	}
	// Output:
	// 6752e9a8b7c6d5e4f3a21098 true 0
}

// Gleap failing in the middle of a test: the next request is answered 503, after which the outcome is
// unknown and the client does not post again.
func ExampleServer_QueueFaults() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	server.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable})
	_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")

	fmt.Println(errors.Is(err, wrapper.ErrOutcomeUnknown), len(server.Requests()), len(server.Messages()))
	// Output:
	// true 1 0
}

// A connection that breaks after the request was sent: the Handler takes the connection over and
// closes it without answering.
func ExampleFault() {
	hangUp := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			log.Fatal(err)
		}
		conn.Close()
	})
	server, err := gleaptest.Start(gleaptest.WithFaults(gleaptest.Fault{Handler: hangUp}))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello")

	fmt.Println(errors.Is(err, wrapper.ErrOutcomeUnknown), server.Requests()[0].Status)
	// Output:
	// true 0
}

// Code that must stay under Gleap's rate limit, tested against a server that enforces one: past 2
// requests a minute for the project, it answers 429 with a Retry-After.
func ExampleWithRateLimit() {
	// A clock that stands still, so that the wait the server announces is exact.
	now := func() time.Time { return time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC) }
	server, err := gleaptest.Start(gleaptest.WithRateLimit(2, time.Minute), gleaptest.WithClock(now))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	// The client's own pacing is off, and so are its retries, to show what the server does.
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL),
		wrapper.WithRateLimit(0, 0), wrapper.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}

	for i := 1; i <= 3; i++ {
		_, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Heartbeat")
		var apiErr *wrapper.APIError
		switch {
		case err == nil:
			fmt.Printf("request %d: stored\n", i)
		case errors.As(err, &apiErr):
			fmt.Printf("request %d: %d, retry after %v\n", i, apiErr.StatusCode, apiErr.RetryAfter)
		default:
			log.Fatal(err)
		}
	}
	// Output:
	// request 1: stored
	// request 2: stored
	// request 3: 429, retry after 1m0s
}
