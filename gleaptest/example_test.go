package gleaptest_test

import (
	"context"
	"testing"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// The body of a test, func TestNotifiesTheCustomer(t *testing.T), for code that posts through gleap-go.
func ExampleNewServer() {
	var t *testing.T // given by go test

	gleap := gleaptest.NewServer(t)
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		t.Fatal(err)
	}

	// The code under test posts a reply.
	if _, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Your refund is on its way."); err != nil {
		t.Fatal(err)
	}

	if got := len(gleap.Messages()); got != 1 {
		t.Errorf("sent %d messages, want 1", got)
	}
}

// How code copes with Gleap rate-limiting it: the first request is answered 429 with Retry-After.
func ExampleWithFaults() {
	var t *testing.T // given by go test

	gleap := gleaptest.NewServer(t, gleaptest.WithFaults(gleaptest.Fault{Status: 429, RetryAfter: time.Second}))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.PostReply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Hello"); err != nil {
		t.Fatal(err)
	}
	if gleap.Requests() != 2 || len(gleap.Messages()) != 1 {
		t.Error("want one retry after the 429 and one stored message")
	}
}

// Code that posts in a loop, tested without the server keeping every message: only the newest 100 stay.
func ExampleWithMaxMessages() {
	var t *testing.T // given by go test

	gleap := gleaptest.NewServer(t, gleaptest.WithMaxMessages(100))
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if _, err := client.PostNote(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Heartbeat"); err != nil {
			t.Fatal(err)
		}
	}
	if gleap.Requests() != 1000 || len(gleap.Messages()) != 100 {
		t.Error("want 1000 requests and the newest 100 messages")
	}
}
