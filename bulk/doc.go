// Package bulk carries out many requests through one wrapper.Client, at the client's rate limit, with a
// journal on disk that makes a run resumable across failures, cancels and crashes: Send posts messages,
// each exactly once when it has a messageRef, and Upsert upserts contacts by user id. The gleap CLI's
// "gleap messages send --batch" and "gleap contacts import" are shells around them. Both run on one
// engine; what differs is the request and how a request of unknown outcome is settled.
//
//	client, err := wrapper.New(os.Getenv("GLEAP_API_KEY"), os.Getenv("GLEAP_PROJECT"))
//	...
//	summary, err := bulk.Send(ctx, client, slices.All(requests),
//		bulk.WithJournal("notes.journal"), bulk.WithConcurrency(8),
//		bulk.WithOutcomes(func(o bulk.Outcome) error {
//			log.Printf("request %d: %s %s", o.Number, o.Status, o.ID)
//			return nil
//		}))
//	// contacts: []wrapper.UpdateContactRequest, each with its UserID
//	summary, err = bulk.Upsert(ctx, client, slices.All(contacts), bulk.WithJournal("contacts.journal"))
//
// The input is an iter.Seq2 of numbers and requests, so that each request has a number the caller
// chooses and keeps (an index, a line number): the journal binds each outcome to that number, and a
// resumed run reads the same input again. With a journal the numbers must increase, from 0, and be
// dense: the journal keeps a byte for each number up to the highest, which may be at most MaxNumber.
// Each request's Outcome is Sent, Failed (refused: provably not posted), Unknown (it may have been
// posted: a 5xx, a timeout) or Skipped (sent by an earlier run).
//
// # Exactly once
//
// With WithJournal, Send records "started" on disk before a request is sent and its outcome after it,
// before reporting it. Run it again after a failure, a cancel or a crash, and it skips the requests sent
// before, sends the failed ones again, and first settles the requests whose outcome is unknown: one with
// a messageRef is looked for in its ticket (wrapper's Messages.FindByRef, one listing of each ticket;
// Messages.CreateOnce looks so for one message); found means sent, not found means it is sent now. So a
// request with a messageRef is posted exactly once. One without stays Unknown, sent again only with
// WithResendUnknown. A messageRef must therefore appear only once per ticket in the input, and must not
// name a message posted otherwise: any message of the ticket with the request's messageRef counts as
// the request's. Send posts each request once per run: the client's RetryPolicy never re-posts one of
// unknown outcome here, whatever its RetryUnknownOutcome says.
//
// Upsert needs no lookup: an upsert by user id is idempotent, so a request whose outcome an earlier run
// left unknown is simply carried out again, and with a journal each contact gets the fields of its
// request however often a run is resumed. With a journal a user id may appear in one request only.
//
// Exactly once holds within one journal, and only there: a run with a new journal (a fresh file, one
// lost or deleted, another machine's) knows nothing of the runs before and sends every request again,
// and so does a run without one. Where no journal can be kept, post each request with wrapper's
// Messages.CreateOnce, which looks in the ticket before every post, for one GET more a request.
//
// # The journal's format, version 1
//
// The journal is a JSON Lines file, only ever appended to and synced after each group of records. This
// format is a contract: a later version of this package reads it, and changes it only with a new
// version number. Its first line binds it to one input, one project and one API root:
//
//	{"journal":"gleap send --batch","version":1,"input":"sha256:…","lines":3,"project":"…","baseURL":"…"}
//
// Its members:
//   - journal: the operation whose journal it is: "gleap send --batch" for Send (the CLI wrote the first
//     journals), "gleap contacts import" for Upsert. A journal of the other one is refused
//     (ErrJournalMismatch): it binds its numbers to other requests.
//   - version: 1.
//   - input: what identifies the input: "sha256:" and the hex SHA-256 of the input file for the CLI
//     (WithInputID), or of every request's number and JSON encoding without WithInputID.
//   - lines: the highest number the input may give a request (the CLI's count of lines), at most
//     MaxNumber.
//   - project, baseURL: the client's Project and BaseURL.
//
// A run whose input, lines, project or API root differ is refused (ErrJournalMismatch), as is a file
// that is not a journal or has a damaged record before its last (ErrJournalDamaged). Every other line
// records a step of one request, by its number, from 0 to lines:
//
//	{"line":2,"status":"started"}                         written and synced before the request is sent
//	{"line":2,"status":"sent","id":"6752…"}               after the answer; synced before it is reported
//	{"line":2,"status":"failed","error":"…"}              Gleap refused it: provably not posted
//	{"line":2,"status":"unknown","error":"…"}             it may have been posted (a 5xx, a timeout)
//	{"line":2,"status":"sent","id":"6752…","found":true}  settled: found on the server by its messageRef
//
// A request's last record says where it is, except that "sent" is final. For Send, a request whose
// last record is "started" or "unknown" and that has no messageRef is reported Unknown by each later
// run, with the error of that record, and gets no record of its own. For Upsert, such a request is
// upserted again, and "found" is never written. A crash can tear only the end
// of the file: the last write, which may hold several records, none of them synced and so none acted
// on yet. The whole records of it are kept and a torn last line is dropped when the journal is opened.
// One run at a time holds the journal, by a lock on the file (ErrJournalInUse).
//
// # Cancel
//
// When the context ends, Send (and Upsert) stops taking requests and drops those still waiting for their turn under
// the rate limit (the journal records them as not sent); those already on their way are finished with a
// context of their own, recorded and reported. Should one hang, it is cut off wrapper.DefaultTimeout
// after the cancel, its outcome then unknown.
package bulk
