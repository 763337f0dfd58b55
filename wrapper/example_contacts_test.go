package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// exampleContacts starts a local stand-in for api.gleap.io with a contact for each of userIDs (named
// after it, at example.com), and returns a client for it, the stand-in and what stops it.
func exampleContacts(userIDs ...string) (*wrapper.Client, *gleaptest.Server, func()) {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	for _, userID := range userIDs {
		_, err := client.Contacts.Create(context.Background(), wrapper.CreateContactRequest{
			UserID: wrapper.Ptr(userID), Name: wrapper.Ptr(userID), Email: wrapper.Ptr(userID + "@example.com"),
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	return client, gleap, gleap.Close
}

// idOf returns the id Gleap gave the contact of userID.
func idOf(client *wrapper.Client, userID string) string {
	contact, err := client.Contacts.FindByUserID(context.Background(), userID)
	if err != nil {
		log.Fatal(err)
	}
	return contact.ID
}

func ExampleContactsService_Create() {
	client, _, stop := exampleContacts()
	defer stop()
	contact, err := client.Contacts.Create(context.Background(), wrapper.CreateContactRequest{
		UserID: wrapper.Ptr("user-4711"), Email: wrapper.Ptr("ada@example.com"), Name: wrapper.Ptr("Ada Lovelace"),
		Plan: wrapper.Ptr("Pro"), Value: wrapper.Ptr(49.9), Tags: &[]string{"beta"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.UserID, contact.Name, *contact.Plan, *contact.Value, contact.Tags, len(contact.ID))
	// Output:
	// user-4711 Ada Lovelace Pro 49.9 [beta] 24
}

func ExampleContactsService_Get() {
	client, _, stop := exampleContacts("ada")
	defer stop()
	contact, err := client.Contacts.Get(context.Background(), idOf(client, "ada"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.UserID, contact.Email)
	// Output:
	// ada ada@example.com
}

func ExampleContactsService_FindByUserID() {
	client, _, stop := exampleContacts("ada")
	defer stop()
	contact, err := client.Contacts.FindByUserID(context.Background(), "ada")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.Email)

	_, err = client.Contacts.FindByUserID(context.Background(), "nobody")
	var apiErr *wrapper.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound)
	// Output:
	// ada@example.com
	// true
}

func ExampleContactsService_Update() {
	client, _, stop := exampleContacts("ada")
	defer stop()
	contact, err := client.Contacts.Update(context.Background(), idOf(client, "ada"), wrapper.UpdateContactRequest{
		Plan: wrapper.Ptr("Enterprise"), Value: wrapper.Ptr(499.0), // only these change
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(contact.Email, *contact.Plan, *contact.Value)
	// Output:
	// ada@example.com Enterprise 499
}

func ExampleContactsService_Delete() {
	client, gleap, stop := exampleContacts("ada", "grace")
	defer stop()
	if err := client.Contacts.Delete(context.Background(), idOf(client, "ada")); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(gleap.Contacts()))
	// Output:
	// 1
}

func ExampleContactsService_List() {
	client, _, stop := exampleContacts("ada", "grace", "linus")
	defer stop()
	for contact, err := range client.Contacts.List(context.Background(), wrapper.ContactFilter{PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(contact.UserID)
	}
	// Output:
	// ada
	// grace
	// linus
}

func ExampleContactsService_ListPage() {
	client, _, stop := exampleContacts("ada", "grace", "linus")
	defer stop()
	page, err := client.Contacts.ListPage(context.Background(), wrapper.ContactFilter{Sort: "-createdAt", PageSize: 2}, 1)
	if err != nil {
		log.Fatal(err)
	}
	for _, contact := range page {
		fmt.Println(contact.UserID)
	}
	// Output:
	// grace
	// ada
}

func ExampleContactsService_Search() {
	client, _, stop := exampleContacts("ada", "grace")
	defer stop()
	found, err := client.Contacts.Search(context.Background(), "GRACE@")
	if err != nil {
		log.Fatal(err)
	}
	for _, contact := range found {
		fmt.Println(contact.UserID)
	}
	// Output:
	// grace
}

func ExampleContactsService_Unsubscribe() {
	client, gleap, stop := exampleContacts("ada", "grace")
	defer stop()
	err := client.Contacts.Unsubscribe(context.Background(), "asked by e-mail", []wrapper.ContactQuery{{UserID: "ada"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, contact := range gleap.Contacts() {
		fmt.Println(contact.UserID, contact.Unsubscribed != nil && *contact.Unsubscribed)
	}
	// Output:
	// ada true
	// grace false
}

func ExampleContactsService_Resubscribe() {
	client, _, stop := exampleContacts("ada")
	defer stop()
	ctx := context.Background()
	if err := client.Contacts.Unsubscribe(ctx, "", []wrapper.ContactQuery{{Email: "ada@example.com"}}); err != nil {
		log.Fatal(err)
	}
	if err := client.Contacts.Resubscribe(ctx, idOf(client, "ada")); err != nil {
		log.Fatal(err)
	}
	contact, err := client.Contacts.FindByUserID(ctx, "ada")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*contact.Unsubscribed)
	// Output:
	// false
}

func ExampleContactsService_Upsert() {
	client, _, stop := exampleContacts()
	defer stop()
	ctx := context.Background()
	for _, plan := range []string{"Pro", "Enterprise"} {
		contact, created, err := client.Contacts.Upsert(ctx, "user-4711", wrapper.UpdateContactRequest{Plan: wrapper.Ptr(plan)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(contact.UserID, *contact.Plan, "created:", created)
	}
	// Output:
	// user-4711 Pro created: true
	// user-4711 Enterprise created: false
}

func ExampleContactsService_Identify() {
	client, gleap, stop := exampleContacts()
	defer stop()
	req := wrapper.IdentifyRequest{UserID: "user-4711", Email: wrapper.Ptr("ada@example.com"), Value: wrapper.Ptr(49.9)}
	req.Set("seats", 12) // your own attribute, beside Gleap's fields
	if err := client.Contacts.Identify(context.Background(), req); err != nil {
		log.Fatal(err)
	}
	contact := gleap.Contacts()[0]
	fmt.Println(contact.UserID, contact.Email, *contact.Value, string(contact.CustomData))
	// Output:
	// user-4711 ada@example.com 49.9 {"seats":12}
}

func ExampleContactsService_Track() {
	client, gleap, stop := exampleContacts()
	defer stop()
	err := client.Contacts.Track(context.Background(), []wrapper.Event{
		{UserID: "user-4711", Name: "invoice.paid", Data: map[string]any{"amount": 49.9, "currency": "EUR"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, event := range gleap.Events("user-4711") {
		fmt.Println(event.Name, event.Data["amount"], event.Data["currency"])
	}
	// Output:
	// invoice-paid 49.9 EUR
}

func ExampleContactsService_Forget() {
	client, gleap, stop := exampleContacts("ada", "grace")
	defer stop()
	if err := client.Contacts.Forget(context.Background(), "ada"); err != nil {
		log.Fatal(err)
	}
	for _, contact := range gleap.Contacts() {
		fmt.Println(contact.UserID)
	}
	// Output:
	// grace
}

func ExampleContactsService_NewTracker() {
	client, gleap, stop := exampleContacts()
	defer stop()
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{
		OnError: func(err *wrapper.TrackError) { log.Println(err) }, // a batch Gleap did not take
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, name := range []string{"signed-up", "invited-a-colleague", "invoice.paid"} {
		if err := tracker.Track(ctx, wrapper.Event{UserID: "user-4711", Name: name}); err != nil {
			log.Fatal(err) // a bad event, or no room in the buffer before ctx ended
		}
	}
	if err := tracker.Close(ctx); err != nil { // sends what the tracker holds
		log.Fatal(err)
	}
	for _, event := range gleap.Events("user-4711") {
		fmt.Println(event.Name)
	}
	fmt.Println(len(gleap.Requests()), "request")
	// Output:
	// signed-up
	// invited-a-colleague
	// invoice-paid
	// 1 request
}

func ExampleTracker_Flush() {
	client, gleap, stop := exampleContacts()
	defer stop()
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: func(err *wrapper.TrackError) { log.Println(err) }})
	if err != nil {
		log.Fatal(err)
	}
	defer tracker.Close(context.Background())
	ctx := context.Background()
	if err := tracker.Track(ctx, wrapper.Event{UserID: "user-4711", Name: "checkout-started"}); err != nil {
		log.Fatal(err)
	}
	if err := tracker.Flush(ctx); err != nil { // before a short-lived process ends, say
		log.Fatal(err)
	}
	fmt.Println(len(gleap.Events("user-4711")))
	// Output:
	// 1
}

func ExampleTrackError() {
	client, gleap, stop := exampleContacts()
	defer stop()
	failed := make(chan *wrapper.TrackError, 1)
	tracker, err := client.Contacts.NewTracker(wrapper.TrackerOptions{OnError: func(err *wrapper.TrackError) { failed <- err }},
		wrapper.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	gleap.QueueFaults(gleaptest.Fault{Status: http.StatusServiceUnavailable}) // Gleap fails the next request
	if err := tracker.Track(ctx, wrapper.Event{UserID: "user-4711", Name: "signed-up"}); err != nil {
		log.Fatal(err)
	}
	if err := tracker.Close(ctx); err != nil {
		log.Fatal(err)
	}
	trackErr := <-failed
	var apiErr *wrapper.APIError
	fmt.Println(len(trackErr.Events), trackErr.Events[0].Name, errors.As(trackErr, &apiErr), apiErr.StatusCode)
	// Output:
	// 1 signed-up true 503
}

func ExampleCompaniesService_Put() {
	client, _, stop := exampleContacts()
	defer stop()
	company, err := client.Companies.Put(context.Background(), "acme", wrapper.CompanyRequest{
		Name: wrapper.Ptr("ACME Inc."), Plan: wrapper.Ptr("Growth"), Value: wrapper.Ptr(4990.0), SLA: wrapper.Ptr(3600.0),
		Address: &wrapper.CompanyAddress{City: wrapper.Ptr("Cupertino"), Country: wrapper.Ptr("US")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(company.CompanyID, *company.Name, *company.Plan, *company.Value, *company.Address.City)
	// Output:
	// acme ACME Inc. Growth 4990 Cupertino
}

func ExampleCompaniesService_Get() {
	client, _, stop := exampleContacts()
	defer stop()
	ctx := context.Background()
	if _, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME Inc.")}); err != nil {
		log.Fatal(err)
	}
	company, err := client.Companies.Get(ctx, "acme")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*company.Name)
	// Output:
	// ACME Inc.
}

func ExampleCompaniesService_Delete() {
	client, gleap, stop := exampleContacts()
	defer stop()
	ctx := context.Background()
	if _, err := client.Companies.Put(ctx, "acme", wrapper.CompanyRequest{Name: wrapper.Ptr("ACME Inc.")}); err != nil {
		log.Fatal(err)
	}
	if err := client.Companies.Delete(ctx, "acme"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(gleap.Companies()))
	// Output:
	// 0
}

func ExampleCheckContact() {
	for _, req := range []wrapper.CreateContactRequest{
		{UserID: wrapper.Ptr("user-4711"), Email: wrapper.Ptr("ada@example.com")},
		{UserID: wrapper.Ptr("user-4712"), Email: wrapper.Ptr("Ada <ada@example.com>")},
	} {
		fmt.Println(wrapper.CheckContact(req))
	}
	// Output:
	// <nil>
	// gleap: invalid email: must be an e-mail address, such as customer@example.com
}

func ExampleCheckUpsert() {
	// Check every contact of an import before upserting any of it.
	for userID, req := range map[string]wrapper.UpdateContactRequest{
		"user-4711": {Plan: wrapper.Ptr("Pro")},
		"..":        {Plan: wrapper.Ptr("Pro")},
	} {
		if err := wrapper.CheckUpsert(userID, req); err != nil {
			fmt.Printf("%q: %v\n", userID, err)
		}
	}
	// Output:
	// "..": gleap: invalid userID: is not an id
}

func ExampleNormalizeEventName() {
	fmt.Println(wrapper.NormalizeEventName("invoice.paid"), wrapper.NormalizeEventName("$pageview"))
	// Output:
	// invoice-paid -pageview
}

func ExampleUserHash() {
	// On your server: the secret is the project's identity verification secret, never the API key.
	fmt.Println(wrapper.UserHash("identity-secret-from-project-settings", "user-4711"))
	// Output:
	// 0ceb2c173326ed253ce3a90650a2ec98684f7c58d483f949f8c5737c04f3e344
}
