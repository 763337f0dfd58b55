package bulk

import (
	"context"
	"iter"
	"strings"

	"github.com/gleap-community/gleap-go/wrapper"
)

// Upsert makes each contact of contacts hold the fields its request sets, with client.Contacts.Upsert by
// the request's UserID (required): the contact of that user id is updated, or created when there is
// none. It runs up to WithConcurrency at once, paced by the client's rate limit, and returns the counts
// of the outcomes: Sent (ID is the contact's id), Failed (refused: a 4xx, a request without UserID),
// Unknown (a 5xx, a timeout) or Skipped (done by an earlier run with the journal). contacts yields each
// request with its number, as Send's requests do, and the options are Send's, but WithResendUnknown,
// which has no use here.
//
// An upsert by user id is idempotent: carried out twice, it leaves the contact as once does. So with
// WithJournal a run after a failure, a cancel or a crash skips the contacts done before and carries out
// again every other one, those of unknown outcome included, with no lookup first; each is then done
// exactly once as far as the contact's fields go (its updatedAt may move twice). With a journal the
// numbers must increase, from 0 to at most MaxNumber, the input is read up to three times (to check it,
// twice when two hashes collide, and to send), and a user id may appear in one request only: a resumed
// run could otherwise upsert an earlier request's fields over a later one's. RepeatedUserIDs names every
// such request. Without a journal the input is read once, and requests of one user id are carried out
// in any order, up to WithConcurrency at once. Its journals are called "gleap contacts import": Send
// refuses one, and Upsert refuses Send's (ErrJournalMismatch).
//
// Each request is created at most once a run: the client's RetryPolicy never creates again after an
// unknown outcome, whatever its RetryUnknownOutcome says (client.Contacts.Upsert looks the user id up
// instead). Two Upserts of one new user id at once, in two processes, can both create it: see
// client.Contacts.Upsert.
//
// The cancel and the errors are Send's, but that nothing is looked up on the server before the run.
func Upsert(ctx context.Context, client *wrapper.Client, contacts iter.Seq2[int, wrapper.UpdateContactRequest], opts ...Option) (Summary, error) {
	return run(ctx, client, contacts, upserts, opts)
}

// upserts is the operation of Upsert.
var upserts = operation[wrapper.UpdateContactRequest]{
	journal: contactsJournal,
	do: func(ctx context.Context, client *wrapper.Client, req wrapper.UpdateContactRequest, opt wrapper.Option) (string, error) {
		userID := ""
		if req.UserID != nil {
			userID = *req.UserID
		}
		contact, _, err := client.Contacts.Upsert(ctx, userID, req, opt)
		if err != nil {
			return "", err
		}
		return contact.ID, nil
	},
	idempotent: true,
	repeated: func(contacts iter.Seq2[int, wrapper.UpdateContactRequest]) error {
		return firstRepeated(contacts, userIDKey, "its userId is that of request %d: with a journal each contact must be upserted by one request")
	},
}

// userIDKey is the key of a request of Upsert: its user id; nil when it has none.
func userIDKey(req wrapper.UpdateContactRequest) []string {
	if req.UserID == nil || strings.TrimSpace(*req.UserID) == "" {
		return nil
	}
	return []string{*req.UserID}
}

// RepeatedUserIDs calls repeated with each request of contacts whose UserID an earlier request has, with
// the number of that first request, until repeated returns false. With a journal, Upsert refuses such an
// input; RepeatedUserIDs lets a caller name every such request first. It holds 8 bytes a request, as
// RepeatedRefs does.
func RepeatedUserIDs(contacts iter.Seq2[int, wrapper.UpdateContactRequest], repeated func(number, first int, req wrapper.UpdateContactRequest) bool) {
	repeatedKeys(contacts, userIDKey, repeated)
}
