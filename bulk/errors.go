package bulk

import (
	"errors"
	"fmt"
)

// The causes a *JournalError wraps, for errors.Is.
var (
	// ErrJournalInUse: another Send or Upsert (in this process or another) holds the journal now; two runs sharing
	// one would both send every request.
	ErrJournalInUse = errors.New("another run is using this journal now; wait for it to end")
	// ErrJournalMismatch: the journal records another input, project or API root, or is another
	// operation's (Send's, given to Upsert, or Upsert's, given to Send).
	ErrJournalMismatch = errors.New("the journal belongs to another run")
	// ErrJournalDamaged: the file is not a journal, or a record before its last is damaged. A journal
	// that is refused is left as it was.
	ErrJournalDamaged = errors.New("the file is not a journal that can be trusted")
)

// ErrJournalWrite is wrapped by the error of a run stopped because its journal could not be written: no
// more requests were taken. The requests in flight were finished; those whose outcome the journal could
// not record are counted in Summary.Unjournaled and not reported, and the next run looks for them.
var ErrJournalWrite = errors.New("the journal cannot be written, so no more requests are sent")

// ErrReportFailed is wrapped, together with the error of WithOutcomes' function, by the error of a run
// that function stopped: no more requests were taken, and those in flight were finished and reported.
// errors.Is(err, ErrReportFailed) tells such a stop from a cancel of Send's context, also when the
// function's error is itself context.Canceled.
var ErrReportFailed = errors.New("reporting an outcome failed, so no more requests are sent")

// ErrUnknownWithoutRef is wrapped by the Err of the Outcome of a request that an earlier run sent
// without learning the outcome and that has no messageRef to look for, with the error that run recorded:
// it is reported Unknown and not sent again, unless WithResendUnknown.
var ErrUnknownWithoutRef = errors.New("an earlier run sent it without learning the outcome, and it has no messageRef to look for: resending it may post it twice")

// JournalError is the error of a journal Send or Upsert cannot use: it cannot be opened or locked, it belongs to
// another run, or it cannot be trusted. Nothing was sent. Err wraps ErrJournalInUse, ErrJournalMismatch
// or ErrJournalDamaged, or the file system's error.
type JournalError struct {
	// Path is the journal's file, as given to WithJournal.
	Path string
	// Err says what is wrong with it.
	Err error
}

// Error names the journal and the problem, as in "bulk: journal notes.journal: the journal belongs to
// another run: ...".
func (e *JournalError) Error() string {
	return fmt.Sprintf("bulk: journal %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *JournalError) Unwrap() error { return e.Err }

// InputError is the error of an input Send or Upsert refuses before it sends anything: with a journal,
// a messageRef repeated in a ticket (Send), a user id repeated (Upsert), or numbers that do not
// increase, or exceed the input's lines or MaxNumber. It is also the error of an input that reads
// differently than it did the first time (see Send): no later request of that reading is sent.
type InputError struct {
	// Number is the number the input gave the request.
	Number int
	// Problem says what is wrong.
	Problem string
}

// Error names the request and the problem, as in "bulk: request 4: messageRef ... repeats request 1 ...".
func (e *InputError) Error() string {
	return fmt.Sprintf("bulk: request %d: %s", e.Number, e.Problem)
}
