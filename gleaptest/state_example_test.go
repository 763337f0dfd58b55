package gleaptest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// A snapshot holds copies of what the server stores and of the requests it got, for a view of the
// server of your own: here, each ticket's messages and the requests the contract refused.
func ExampleServer_Snapshot() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Note(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Customer is on the enterprise plan."); err != nil {
		log.Fatal(err)
	}
	resp, err := http.Post(server.URL+"/messages", "application/json", strings.NewReader(`{"comment":"no credentials"}`))
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	snapshot := server.Snapshot()
	for _, message := range snapshot.Messages {
		var fields struct{ IsNote bool }
		if err := json.Unmarshal(message.JSON, &fields); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("ticket %s: a message with id %d characters long, a note: %t\n", *message.Ticket, len(message.ID), fields.IsNote)
	}
	for _, req := range snapshot.Requests {
		fmt.Printf("request #%d: %s %s %d, refused for breaking openapi.yaml: %t\n", req.Number, req.Method, req.Path, req.Status, req.Violation != nil)
	}
	// Output:
	// ticket 6752e9a8b7c6d5e4f3a21098: a message with id 24 characters long, a note: true
	// request #1: POST /v3/messages 200, refused for breaking openapi.yaml: false
	// request #2: POST /v3/messages 401, refused for breaking openapi.yaml: true
}

// A view that follows the server takes a snapshot, shows it, and waits on Changed with the snapshot's
// Version for the next one: no change made after the snapshot can slip by.
func ExampleServer_Changed() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	shown := server.Snapshot()
	changed := server.Changed(shown.Version)
	select {
	case <-changed:
		fmt.Println("changed since the snapshot")
	default:
		fmt.Println("nothing new since the snapshot")
	}

	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Thanks!"); err != nil {
		log.Fatal(err)
	}
	<-changed // closed by the reply: the server records a request before it answers it
	next := server.Snapshot()
	fmt.Println("newer:", next.Version > shown.Version, "messages:", len(shown.Messages), "then", len(next.Messages))
	// Output:
	// nothing new since the snapshot
	// newer: true messages: 0 then 1
}

// A view that follows the server until it is closed: Close closes the channels of Changed, and Done
// tells the view to stop rather than wait again.
func ExampleServer_Done() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	ended := make(chan uint64)
	go func() {
		for {
			shown := server.Snapshot()
			select {
			case <-server.Changed(shown.Version):
			case <-server.Done():
				ended <- shown.Version
				return
			}
		}
	}()

	server.Close()
	fmt.Println("the view ended at version", <-ended)
	// Output:
	// the view ended at version 0
}

// A page of your own beside the API, on the server's address: /status here, and every other path the
// API's.
func ExampleWithHandler() {
	status := func(server *gleaptest.Server, api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/status" {
				api.ServeHTTP(w, r)
				return
			}
			fmt.Fprintf(w, "messages stored: %d", len(server.Snapshot().Messages))
		})
	}
	server, err := gleaptest.Start(gleaptest.WithHandler(status))
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Thanks!"); err != nil {
		log.Fatal(err)
	}

	resp, err := http.Get(strings.TrimSuffix(server.URL, "/v3") + "/status")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(page))
	fmt.Println("recorded as API requests:", len(server.Requests()))
	// Output:
	// messages stored: 1
	// recorded as API requests: 1
}

// Clear starts a test's second phase from nothing, or empties a long-running mock.
func ExampleServer_Clear() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "First."); err != nil {
		log.Fatal(err)
	}

	server.Clear()
	fmt.Println("messages:", len(server.Messages()), "requests:", len(server.Requests()))

	msg, err := client.Messages.Reply(context.Background(), "6752e9a8b7c6d5e4f3a21098", "Second.")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("the ticket starts over at index", msg.Index)
	// Output:
	// messages: 0 requests: 0
	// the ticket starts over at index 0
}
