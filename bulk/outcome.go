package bulk

// Status is where one request of the input ends up after a run.
type Status string

// The statuses of an Outcome.
const (
	// Sent: Gleap stored the message (Send) or the contact (Upsert); ID is its id (empty for a message
	// whose answer could not be read, Err then wrapping wrapper.ErrInvalidResponse).
	Sent Status = "sent"
	// Failed: Gleap refused the request (a 4xx, a 429 past the retries), or it was never sent: provably
	// not posted, so the next run with the journal sends it again.
	Failed Status = "failed"
	// Unknown: the message or contact may have been stored (a 5xx, a timeout). The next run with the
	// journal looks for a message by its messageRef before it sends anything, and upserts a contact
	// again.
	Unknown Status = "unknown"
	// Skipped: an earlier run sent it, or the message was found on the server by its messageRef; ID is
	// its id.
	Skipped Status = "skipped"
)

// Outcome is what happened to one request of the input, as Send and Upsert report it to WithOutcomes.
type Outcome struct {
	// Number is the number the input gave the request.
	Number int
	// Status says where the request ended up.
	Status Status
	// ID is the id of the stored message or contact, with the client's API key taken out
	// (wrapper.Client.Redact): an id is the server's to choose.
	ID string
	// Err is why the request failed or its outcome is unknown; nil for a request sent or skipped, except
	// one sent whose answer could not be read. For a request held Unknown from an earlier run it wraps
	// ErrUnknownWithoutRef, with the text of the error that run recorded.
	Err error
}

// Summary counts the outcomes of one run. A request that the run did not take (it was stopped) is in
// none of the counts.
type Summary struct {
	Sent, Failed, Unknown, Skipped int
	// Unjournaled counts the requests sent whose outcome the journal could not record: they are not
	// reported, and the next run looks for them first.
	Unjournaled int
}

// count adds one outcome of status.
func (s *Summary) count(status Status) {
	switch status {
	case Sent:
		s.Sent++
	case Failed:
		s.Failed++
	case Unknown:
		s.Unknown++
	case Skipped:
		s.Skipped++
	}
}
