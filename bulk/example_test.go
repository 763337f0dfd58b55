package bulk_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/gleap-community/gleap-go/bulk"
	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

func ExampleSend() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	// An incident note into three tickets, each with a messageRef: posted exactly once, however often
	// the program is run, crashes included.
	var notes []wrapper.CreateMessageRequest
	for _, ticket := range []string{"6752e9a8b7c6d5e4f3a21098", "6752e9a8b7c6d5e4f3a21099", "6752e9a8b7c6d5e4f3a2109a"} {
		note, err := wrapper.TextMessage(ticket, "Incident 42: the fix is deployed.", wrapper.AsNote())
		if err != nil {
			log.Fatal(err)
		}
		note.MessageRef = wrapper.Ptr("incident-42-fixed")
		notes = append(notes, note)
	}
	dir, err := os.MkdirTemp("", "bulk-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	journal := filepath.Join(dir, "incident-42.journal")

	for run := 1; run <= 2; run++ {
		summary, err := bulk.Send(context.Background(), client, slices.All(notes),
			bulk.WithJournal(journal), bulk.WithConcurrency(1),
			bulk.WithOutcomes(func(outcome bulk.Outcome) error {
				fmt.Printf("run %d: note %d %s\n", run, outcome.Number, outcome.Status)
				return nil
			}))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %+v\n", run, summary)
	}
	fmt.Println("stored:", len(gleap.Messages()))
	// Output:
	// run 1: note 0 sent
	// run 1: note 1 sent
	// run 1: note 2 sent
	// run 1: {Sent:3 Failed:0 Unknown:0 Skipped:0 Unjournaled:0}
	// run 2: note 0 skipped
	// run 2: note 1 skipped
	// run 2: note 2 skipped
	// run 2: {Sent:0 Failed:0 Unknown:0 Skipped:3 Unjournaled:0}
	// stored: 3
}

func ExampleRepeatedRefs() {
	refs := []string{"incident-42", "incident-43", "incident-42"}
	var notes []wrapper.CreateMessageRequest
	for _, ref := range refs {
		notes = append(notes, wrapper.CreateMessageRequest{Ticket: wrapper.Ptr("6752e9a8b7c6d5e4f3a21098"), MessageRef: wrapper.Ptr(ref)})
	}
	bulk.RepeatedRefs(slices.All(notes), func(number, first int, req wrapper.CreateMessageRequest) bool {
		fmt.Printf("note %d repeats the messageRef %s of note %d\n", number, *req.MessageRef, first)
		return true
	})
	// Output:
	// note 2 repeats the messageRef incident-42 of note 0
}

func ExampleUpsert() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	// Your users, each by its user id: the contact of each is updated, or created when Gleap has none.
	contacts := []wrapper.UpdateContactRequest{
		{UserID: wrapper.Ptr("user-4711"), Email: wrapper.Ptr("ada@example.com"), Plan: wrapper.Ptr("Pro")},
		{UserID: wrapper.Ptr("user-4712"), Email: wrapper.Ptr("grace@example.com"), Plan: wrapper.Ptr("Free")},
	}
	dir, err := os.MkdirTemp("", "bulk-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	journal := filepath.Join(dir, "contacts.journal")

	for run := 1; run <= 2; run++ {
		summary, err := bulk.Upsert(context.Background(), client, slices.All(contacts),
			bulk.WithJournal(journal), bulk.WithConcurrency(1),
			bulk.WithOutcomes(func(outcome bulk.Outcome) error {
				fmt.Printf("run %d: contact %d %s\n", run, outcome.Number, outcome.Status)
				return nil
			}))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("run %d: %+v\n", run, summary)
	}
	for _, contact := range gleap.Contacts() {
		fmt.Println("stored:", contact.UserID, contact.Email, *contact.Plan)
	}
	// Output:
	// run 1: contact 0 sent
	// run 1: contact 1 sent
	// run 1: {Sent:2 Failed:0 Unknown:0 Skipped:0 Unjournaled:0}
	// run 2: contact 0 skipped
	// run 2: contact 1 skipped
	// run 2: {Sent:0 Failed:0 Unknown:0 Skipped:2 Unjournaled:0}
	// stored: user-4711 ada@example.com Pro
	// stored: user-4712 grace@example.com Free
}

func ExampleRepeatedUserIDs() {
	var contacts []wrapper.UpdateContactRequest
	for _, userID := range []string{"user-4711", "user-4712", "user-4711"} {
		contacts = append(contacts, wrapper.UpdateContactRequest{UserID: wrapper.Ptr(userID)})
	}
	bulk.RepeatedUserIDs(slices.All(contacts), func(number, first int, req wrapper.UpdateContactRequest) bool {
		fmt.Printf("contact %d repeats the user id %s of contact %d\n", number, *req.UserID, first)
		return true
	})
	// Output:
	// contact 2 repeats the user id user-4711 of contact 0
}
