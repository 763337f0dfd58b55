// Package gleaptest runs a stand-in for the Gleap API: a server on loopback that checks every request
// it gets against gleap-go's openapi.yaml (credentials included), and answers like Gleap, with
// documented Message objects, on the routes of Gleap's messages: it stores the messages POST
// /v3/messages creates, lists them on GET /v3/messages (filtered, sorted, as a bare array or in pages
// with a cursor), searches them on GET /v3/messages/search, and changes and deletes them on PUT and
// DELETE /v3/messages/{messageId}; and it keeps tickets on the routes of Gleap's tickets (create,
// compose with a first message, get, update, delete, list, search, find by contact, archive, snooze,
// link, count), Server.Tickets returning them. `gleap mock` runs on it too.
//
// It keeps tickets as Gleap does too, and contacts (Gleap's sessions, under /v3/sessions) and Gleap's
// admin routes at the root of the host, beside /v3: identify creates or changes a contact by its user id,
// track keeps each contact's newest 1000 events (Events), forget removes a contact with its events, its
// tickets and its messages, and companies are put, read and deleted (Contacts, Companies). The admin
// routes take the key in an Api-Token header and no other route does: a request that sends a credential
// its route does not take breaks the contract.
//
//	func TestNotifiesTheCustomer(t *testing.T) {
//		gleap := gleaptest.NewServer(t)
//		client, _ := wrapper.New("test-key", "test-project", wrapper.WithBaseURL(gleap.URL))
//		notifyCustomer(client) // your code
//		require.Len(t, gleap.Messages(), 1)
//	}
//
// NewServer is for tests: a request or an answer that breaks the contract fails the test with the
// reason, and the server closes when the test ends. Start runs the same server where there is no test
// (an Example, a benchmark, a program) and leaves closing it to the caller.
//
// Requests records every request with the status it was answered with and its contract violation, if
// any; Messages returns what is stored now. WithRequestsCheckedAgainst checks the requests against a
// second document as well, such as Gleap's own published one. Faults (an error status, a Retry-After, a
// slow answer, a dropped connection) can be scripted to test how code copes with Gleap failing, for the
// next requests (WithFaults) or every nth one (WithFaultEvery), and WithRequiredKey answers 401 to any
// other API key.
//
// Snapshot copies what the server holds, its messages as it answers with them and its request records,
// and Changed tells when that changes (Done, when the server is closed): a view of the server of your
// own follows it so, and WithHandler serves such a page beside the API, as `gleap mock` serves its
// inbox at http://127.0.0.1:4010/. Clear empties the server.
//
// Webhook sends a webhook to a receiver under test as Gleap posts it (SampleEvent makes realistic
// ones): with the secret, a wrong one or none, once or several times at once. WithWebhook makes the
// server itself post webhooks to a URL when its API creates or changes a ticket or stores a message,
// with bounded retries that never hold up an answer; WebhookDeliveries records each delivery.
//
// The server answers only requests that name it by an IP address, localhost or the host it was bound
// to, so that a web page cannot read it through DNS rebinding (see Start).
//
// The server stays small whatever its clients do: it keeps the newest 10,000 messages and request
// records (WithMaxMessages), answers a request body over 1 MiB with 413 Request Entity Too Large without
// reading the rest of it, answers request headers over 64 KiB with 431 Request Header Fields Too Large,
// and closes a connection that takes over 30 seconds to send its request (10 for its headers) or sits
// idle for a minute.
package gleaptest
