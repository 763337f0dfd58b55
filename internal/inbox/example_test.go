package inbox_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/internal/inbox"
	"github.com/gleap-community/gleap-go/wrapper"
)

// The inbox beside the API, as `gleap mock` serves it: a browser at the server's root sees what was
// posted.
func ExampleAtRoot() {
	server, err := gleaptest.Start(gleaptest.WithHandler(inbox.AtRoot("")))
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

	resp, err := http.Get(strings.TrimSuffix(server.URL, "/v3") + "/")
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
func ExampleNew() {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()

	mux := http.NewServeMux()
	mux.Handle("/debug/gleap/", http.StripPrefix("/debug/gleap", inbox.New(server, "")))
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
