// Package webhook receives Gleap's webhooks safely: a Handler checks a shared secret, caps and decodes
// each delivery into typed tickets and messages, drops the deliveries Gleap repeats, and asks for a
// retry only when your callback failed.
//
//	handler, err := webhook.NewHandler(os.Getenv("GLEAP_WEBHOOK_SECRET"), func(ctx context.Context, event *webhook.Event) error {
//		switch event.Type {
//		case webhook.TicketCreated, webhook.TicketUpdated:
//			if event.Ticket != nil {
//				return syncTicket(ctx, event.Ticket) // an error: 500, and Gleap's next try runs it again
//			}
//		}
//		return nil // anything else: 200, handled
//	})
//	if err != nil {
//		log.Fatal(err) // a secret too short to resist guessing or that a URL cannot carry, or a bad option
//	}
//	http.Handle("/gleap/webhook", handler) // give Gleap https://example.com/gleap/webhook?secret=...
//
// Gleap signs no webhook: it posts {"event", "projectId", "data"} to the URL set in its dashboard, and
// anyone who knows the URL can post the same. The secret is one you choose and add to that URL (the
// query parameter "secret"), or send in the header X-Webhook-Secret where the sender can set headers;
// the Handler compares it in constant time and answers 401 to every delivery without it. Gleap also
// promises neither the order of its deliveries nor that each comes once: the Handler drops repeats (the
// same project, event and data), and a callback should read updatedAt rather than trust the order (see
// the README's "Webhooks").
//
// It is a package of its own, beside wrapper, because a receiver needs no API key and no client: a
// program that only receives webhooks imports this package and api's types, nothing that sends.
package webhook
