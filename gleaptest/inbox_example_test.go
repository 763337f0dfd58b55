package gleaptest_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// The inbox beside the API: a browser at the server's root sees what was posted, as `gleap mock`
// shows it.
func ExampleWithInbox() {
	server, err := gleaptest.Start(gleaptest.WithInbox())
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

	inbox := strings.TrimSuffix(server.URL, "/v3") + "/"
	resp, err := http.Get(inbox)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println("shows the note:", strings.Contains(string(page), "Customer is on the enterprise plan."))
	fmt.Println("marked internal:", strings.Contains(string(page), `<span class="badge badge-note">Internal note</span>`))
	fmt.Println("recorded as API requests:", len(server.Requests()))
	// Output:
	// 200 text/html; charset=utf-8
	// shows the note: true
	// marked internal: true
	// recorded as API requests: 1
}

// The inbox in a server of your own, under a path of your choice.
func ExampleServer_Inbox() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	mux := http.NewServeMux()
	mux.Handle("/debug/gleap/", http.StripPrefix("/debug/gleap", server.Inbox()))
	site := httptest.NewServer(mux) // or http.ListenAndServe("127.0.0.1:8080", mux)
	defer site.Close()

	resp, err := http.Get(site.URL + "/debug/gleap/")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Security-Policy") != "")
	// Output:
	// 200 true
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
