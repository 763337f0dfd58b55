package wrapper_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/gleap-community/gleap-go/gleaptest"
	"github.com/gleap-community/gleap-go/wrapper"
)

// exampleTickets starts a local stand-in for api.gleap.io with the tickets titles (a refund inquiry for
// customer@example.com first), and returns a client for it and what stops it.
func exampleTickets(titles ...string) (*wrapper.Client, func()) {
	gleap, err := gleaptest.Start()
	if err != nil {
		log.Fatal(err)
	}
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}
	for _, title := range titles {
		_, err := client.Tickets.Compose(context.Background(), wrapper.ComposeTicketRequest{
			Type: "INQUIRY", Title: title, Message: wrapper.Ptr("Hello"), Email: wrapper.Ptr("customer@example.com"),
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	return client, gleap.Close
}

// firstTicket returns the id of the first ticket, #1.
func firstTicket(client *wrapper.Client) string {
	id, err := client.Tickets.Resolve(context.Background(), wrapper.TicketNumber(1))
	if err != nil {
		log.Fatal(err)
	}
	return id
}

func ExampleTicketsService_Compose() {
	gleap, err := gleaptest.Start() // a local stand-in for api.gleap.io
	if err != nil {
		log.Fatal(err)
	}
	defer gleap.Close()
	client, err := wrapper.New("YOUR_API_KEY", "YOUR_PROJECT_ID", wrapper.WithBaseURL(gleap.URL))
	if err != nil {
		log.Fatal(err)
	}

	ticket, err := client.Tickets.Compose(context.Background(), wrapper.ComposeTicketRequest{
		Type:     "INQUIRY",
		Title:    "Refund for order 4711",
		Message:  wrapper.Ptr("I was charged twice for order 4711."),
		Email:    wrapper.Ptr("customer@example.com"),
		Priority: wrapper.Ptr(wrapper.PriorityMedium),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("#%d %s (%s, %s) for %s\n", ticket.Number, ticket.Title, ticket.Status, ticket.Priority, *ticket.Session.Object.Email)
	fmt.Println(wrapper.PlainText(gleap.Messages()[0].Comment))
	// Output:
	// #1 Refund for order 4711 (OPEN, MEDIUM) for customer@example.com
	// I was charged twice for order 4711.
}

func ExampleTicketsService_Create() {
	client, stop := exampleTickets()
	defer stop()
	ticket, err := client.Tickets.Create(context.Background(), wrapper.CreateTicketRequest{
		Title: wrapper.Ptr("Invoices do not load"), Type: wrapper.Ptr("BUG"), Tags: &[]string{"billing"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ticket.Number, ticket.Title, ticket.Type, ticket.Tags)
	// Output: 1 Invoices do not load BUG [billing]
}

func ExampleTicketsService_Get() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ticket, err := client.Tickets.Get(context.Background(), firstTicket(client))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ticket.Title, ticket.Status, ticket.Archived)
	// Output: Refund for order 4711 OPEN false
}

func ExampleTicketsService_Update() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ticket, err := client.Tickets.Update(context.Background(), firstTicket(client), wrapper.UpdateTicketRequest{
		Priority: wrapper.Ptr(wrapper.PriorityHigh), // only the fields set are sent, and change
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ticket.Title, ticket.Priority)
	// Output: Refund for order 4711 HIGH
}

func ExampleTicketsService_Delete() {
	client, stop := exampleTickets("Refund for order 4711", "Spam")
	defer stop()
	ctx := context.Background()
	spam, err := client.Tickets.Resolve(ctx, wrapper.TicketNumber(2))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Tickets.Delete(ctx, spam); err != nil {
		log.Fatal(err)
	}
	count, err := client.Tickets.Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(count, "ticket left")
	// Output: 1 ticket left
}

func ExampleTicketsService_List() {
	client, stop := exampleTickets("Refund", "Login fails", "Dark mode", "Export to CSV")
	defer stop()
	// Pages of two, fetched as the loop reaches them.
	for ticket, err := range client.Tickets.List(context.Background(), wrapper.TicketFilter{Sort: "-createdAt", PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("#%d %s\n", ticket.Number, ticket.Title)
	}
	// Output:
	// #4 Export to CSV
	// #3 Dark mode
	// #2 Login fails
	// #1 Refund
}

func ExampleTicketsService_ListPage() {
	client, stop := exampleTickets("Refund", "Login fails", "Dark mode")
	defer stop()
	page, err := client.Tickets.ListPage(context.Background(), wrapper.TicketFilter{Statuses: []string{wrapper.TicketStatusOpen}, PageSize: 2}, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Tickets), "of", page.TotalCount, "open tickets")
	// Output: 2 of 3 open tickets
}

func ExampleTicketsService_Search() {
	client, stop := exampleTickets("Refund for order 4711", "Login fails")
	defer stop()
	found, err := client.Tickets.Search(context.Background(), "refund")
	if err != nil {
		log.Fatal(err)
	}
	for _, ticket := range found {
		fmt.Println(ticket.Title)
	}
	// Output: Refund for order 4711
}

func ExampleTicketsService_FindByContact() {
	client, stop := exampleTickets("Refund for order 4711", "Login fails")
	defer stop()
	found, err := client.Tickets.FindByContact(context.Background(), wrapper.ContactQuery{Email: "customer@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(found), "tickets of customer@example.com")
	// Output: 2 tickets of customer@example.com
}

func ExampleTicketsService_Archive() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	if err := client.Tickets.Archive(ctx, firstTicket(client)); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, firstTicket(client))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("archived:", ticket.Archived)
	// Output: archived: true
}

func ExampleTicketsService_Unarchive() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	id := firstTicket(client)
	if err := client.Tickets.Archive(ctx, id); err != nil {
		log.Fatal(err)
	}
	if err := client.Tickets.Unarchive(ctx, id); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, id)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("archived:", ticket.Archived)
	// Output: archived: false
}

func ExampleTicketsService_Snooze() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	if err := client.Tickets.Snooze(ctx, firstTicket(client), 4*time.Hour); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, firstTicket(client))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("snoozed for", ticket.SnoozedUntil.Sub(ticket.UpdatedAt).Round(time.Minute))
	// Output: snoozed for 4h0m0s
}

func ExampleTicketsService_Link() {
	client, stop := exampleTickets("Refund for order 4711", "Refund for order 4712")
	defer stop()
	ctx := context.Background()
	second, err := client.Tickets.Resolve(ctx, wrapper.TicketNumber(2))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Tickets.Link(ctx, firstTicket(client), second); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, second)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ticket.LinkedTickets), "linked ticket")
	// Output: 1 linked ticket
}

func ExampleTicketsService_Unlink() {
	client, stop := exampleTickets("Refund for order 4711", "Refund for order 4712")
	defer stop()
	ctx := context.Background()
	first := firstTicket(client)
	second, err := client.Tickets.Resolve(ctx, wrapper.TicketNumber(2))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Tickets.Link(ctx, first, second); err != nil {
		log.Fatal(err)
	}
	if err := client.Tickets.Unlink(ctx, first, second); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, first)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ticket.LinkedTickets), "linked tickets")
	// Output: 0 linked tickets
}

func ExampleTicketsService_Count() {
	client, stop := exampleTickets("Refund", "Login fails")
	defer stop()
	count, err := client.Tickets.Count(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(count)
	// Output: 2
}

func ExampleTicketsService_Watch() {
	client, stop := exampleTickets("Refund", "Login fails")
	defer stop()
	ctx := context.Background()

	// Catch up with every change (every 0: stop once caught up), storing the cursor after each.
	var stored string
	for change, err := range client.Tickets.Watch(ctx, wrapper.WatchSince(time.Time{}), 0) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("changed:", change.Ticket.Title, change.Ticket.Status)
		stored = change.Cursor.String() // keep it in your database
	}

	if _, err := client.Tickets.Close(ctx, wrapper.TicketNumber(1)); err != nil {
		log.Fatal(err)
	}

	// Later, or after a restart: from the stored cursor, only what changed since.
	cursor, err := wrapper.ParseWatchCursor(stored)
	if err != nil {
		log.Fatal(err)
	}
	for change, err := range client.Tickets.Watch(ctx, cursor, 0) { // every time.Minute: poll for ever
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("changed:", change.Ticket.Title, change.Ticket.Status)
	}
	// Output:
	// changed: Refund OPEN
	// changed: Login fails OPEN
	// changed: Refund DONE
}

func ExampleWatchSince() {
	since := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	fmt.Println(wrapper.WatchSince(since))
	// Output: v2 2026-11-25T09:00:00Z 2026-11-25T09:00:00Z
}

func ExampleParseWatchCursor() {
	// The last change at .123, two changes remembered: one of .123 and one of a millisecond before.
	cursor, err := wrapper.ParseWatchCursor("v2 2026-11-25T09:00:00.123Z - 5b1c0e9d3a7f2468@0 0123456789abcdef@1000000")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cursor.UpdatedAt())
	_, err = wrapper.ParseWatchCursor("2026-11-25")
	fmt.Println(err)
	// Output:
	// 2026-11-25 09:00:00.123 +0000 UTC
	// gleap: invalid cursor: is not a watch cursor (WatchCursor.String writes one)
}

func ExampleTicketsService_Resolve() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	byNumber, err := client.Tickets.Resolve(ctx, wrapper.TicketNumber(1))
	if err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.Get(ctx, byNumber)
	if err != nil {
		log.Fatal(err)
	}
	byToken, err := client.Tickets.Resolve(ctx, wrapper.TicketShareToken(ticket.ShareToken))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(byToken == byNumber, ticket.Title)
	_, err = client.Tickets.Resolve(ctx, wrapper.TicketNumber(99))
	fmt.Println(err)
	// Output:
	// true Refund for order 4711
	// gleap: resolve ticket: no such ticket: #99 (1 attempt)
}

func ExampleTicketRef_String() {
	fmt.Println(wrapper.TicketNumber(42))
	fmt.Println(wrapper.TicketID("6752e9a8b7c6d5e4f3a21098"))
	fmt.Println(wrapper.TicketShareToken("a1b2c3"))
	// Output:
	// #42
	// 6752e9a8b7c6d5e4f3a21098
	// share token a1b2c3
}

func ExampleTicketsService_AssignUser() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ticket, err := client.Tickets.AssignUser(context.Background(), wrapper.TicketNumber(1), "64f1c2d3e4a5b6c7d8e9f012")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("assigned to", ticket.ProcessingUser.ID)
	// Output: assigned to 64f1c2d3e4a5b6c7d8e9f012
}

func ExampleTicketsService_AssignTeam() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ticket, err := client.Tickets.AssignTeam(context.Background(), wrapper.TicketNumber(1), "64f1c2d3e4a5b6c7d8e9f0aa")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("assigned to team", ticket.ProcessingTeam.ID)
	// Output: assigned to team 64f1c2d3e4a5b6c7d8e9f0aa
}

func ExampleTicketsService_SetStatus() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	if _, err := client.Tickets.AssignUser(ctx, wrapper.TicketNumber(1), "64f1c2d3e4a5b6c7d8e9f012"); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.SetStatus(ctx, wrapper.TicketNumber(1), "WAITING_FOR_CUSTOMER")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ticket.Status, "still assigned to", ticket.ProcessingUser.ID)
	// Output: WAITING_FOR_CUSTOMER still assigned to 64f1c2d3e4a5b6c7d8e9f012
}

func ExampleTicketsService_Close() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ticket, err := client.Tickets.Close(context.Background(), wrapper.TicketNumber(1))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ticket.Status)
	// Output: DONE
}

func ExampleTicketsService_AddTags() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	if _, err := client.Tickets.AddTags(ctx, wrapper.TicketNumber(1), []string{"billing"}); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.AddTags(ctx, wrapper.TicketNumber(1), []string{"vip", "billing"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(ticket.Tags, ", "))
	// Output: billing, vip
}

func ExampleTicketsService_RemoveTags() {
	client, stop := exampleTickets("Refund for order 4711")
	defer stop()
	ctx := context.Background()
	if _, err := client.Tickets.AddTags(ctx, wrapper.TicketNumber(1), []string{"billing", "vip", "urgent"}); err != nil {
		log.Fatal(err)
	}
	ticket, err := client.Tickets.RemoveTags(ctx, wrapper.TicketNumber(1), []string{"urgent"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Join(ticket.Tags, ", "))
	// Output: billing, vip
}
