// Package wrapper is the Go client for the Gleap customer-support REST API: post replies, internal notes
// and bot messages into tickets with one call, list a ticket's conversation page by page, change, delete
// and search messages; open, read, change, list and watch tickets. It is the only package a program
// needs to import.
//
//	client, err := wrapper.New(os.Getenv("GLEAP_API_KEY"), os.Getenv("GLEAP_PROJECT"))
//	if err != nil {
//		return err // a *wrapper.ValidationError: the key or project id is malformed
//	}
//	msg, err := client.Messages.Reply(ctx, ticketID, "Thanks, we're on it!")
//	var apiErr *wrapper.APIError // the cause inside the returned *wrapper.RequestError
//	if errors.As(err, &apiErr) {
//		log.Printf("Gleap said %d: %s", apiErr.StatusCode, apiErr.Message)
//	}
//
// Each resource of the API is a service on the Client: client.Messages holds the calls of the messages
// of tickets (MessagesService), client.Tickets those of tickets (TicketsService: compose, list, watch,
// and helpers that assign, set the status and tag safely). Its Reply, Note and BotMessage turn plain text into the TipTap document
// Gleap stores (see PlainTextDoc); MessageOption values (AsNote, AsBot, AsUser, Attach) shape the
// message. For any other field of the API, Messages.Create takes the whole CreateMessageRequest, and Raw
// gives the generated client itself.
//
// The request and answer types (CreateMessageRequest, Message, ...) are aliases of the types generated
// into package api from openapi.yaml: go doc github.com/gleap-community/gleap-go/api.Message lists the
// fields of a Message with their meaning, and the README's tables say which are sent when.
//
// One Option type configures the client and each call: given to New it sets the client's default, given
// to a method it applies to that call only (WithTimeout, WithMaxRetries, WithHeader, WithResponseInto,
// ...). Names that start with With are always such options.
//
// Listing, searching, changing and deleting are idempotent and retried after 5xx answers and network
// failures too. Creating a message is retried only when it provably was not created (a 429 answer, or a
// request that never reached the server); any other failure is returned at once as a *RequestError,
// wrapping ErrOutcomeUnknown when the message may exist anyway; Messages.CreateOnce settles such an
// outcome by looking for the message's messageRef in its ticket (before it posts, and again after such a
// failure), and package bulk does it for many messages, across crashes. See RetryPolicy. The client paces itself
// to Gleap's rate limit (WithRateLimit). Each attempt has a timeout (30
// seconds unless the context sets one) and success answers are read up to a size cap.
//
// Everything is generated from, and tested against, the OpenAPI document openapi.yaml at the root of the
// module. Input is checked before anything is sent, and the API key never appears in an error, a log line
// or when a Client is printed.
package wrapper
