package gleaptest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// exampleServer starts a server and a client for it, unpaced, for the Examples of what it keeps.
func exampleServer() (*gleaptest.Server, *wrapper.Client) {
	server, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	client, err := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(server.URL), wrapper.WithRateLimit(0, 0))
	if err != nil {
		log.Fatal(err)
	}
	return server, client
}

// The contacts the server keeps: one identified, one made by its first event.
func ExampleServer_Contacts() {
	server, client := exampleServer()
	defer server.Close()
	ctx := context.Background()
	if err := client.Contacts.Identify(ctx, wrapper.IdentifyRequest{UserID: "user-4711", Name: wrapper.Ptr("Ada Lovelace")}); err != nil {
		log.Fatal(err)
	}
	if err := client.Contacts.Track(ctx, []wrapper.Event{{UserID: "user-42", Name: "signed-up"}}); err != nil {
		log.Fatal(err)
	}

	for _, contact := range server.Contacts() {
		fmt.Printf("%s %q, id of %d hex digits\n", contact.UserID, contact.Name, len(contact.ID))
	}
	// Output:
	// user-4711 "Ada Lovelace", id of 24 hex digits
	// user-42 "", id of 24 hex digits
}

// The events the server keeps of a contact, as they were sent: names as Gleap keeps them.
func ExampleServer_Events() {
	server, client := exampleServer()
	defer server.Close()
	err := client.Contacts.Track(context.Background(), []wrapper.Event{
		{UserID: "user-4711", Name: "invoice.paid", Data: map[string]any{"amount": 49.9}},
		{UserID: "user-4711", Name: "seat-added"},
	})
	if err != nil {
		log.Fatal(err)
	}

	for _, event := range server.Events("user-4711") {
		fmt.Println(event.Name, event.Data)
	}
	// Output:
	// invoice-paid map[amount:49.9]
	// seat-added map[]
}

// The companies the server keeps, as the last put left them.
func ExampleServer_Companies() {
	server, client := exampleServer()
	defer server.Close()
	ctx := context.Background()
	for _, plan := range []string{"Growth", "Enterprise"} {
		if _, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME"), Plan: wrapper.Ptr(plan)}); err != nil {
			log.Fatal(err)
		}
	}

	for _, company := range server.Companies() {
		fmt.Println(company.CompanyID, *company.Name, *company.Plan)
	}
	// Output:
	// acme ACME Enterprise
}
