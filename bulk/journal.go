package bulk

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// The journal's format is a contract, written down in the package documentation (doc.go): change it only
// with a new journalVersion.
const journalVersion = 1

// The header's "journal" of each operation: a journal of one cannot be resumed as the other.
const (
	// messagesJournal is Send's, from when only the CLI wrote journals.
	messagesJournal = "gleap send --batch"
	// contactsJournal is Upsert's.
	contactsJournal = "gleap contacts import"
)

// journalNames are the header's "journal" of every operation: a journal of another one is refused as
// belonging to another run, any other name as not a journal.
var journalNames = []string{messagesJournal, contactsJournal}

// journalHeader is the first line of a journal. Journal names the operation whose journal it is.
type journalHeader struct {
	Journal string `json:"journal"`
	Version int    `json:"version"`
	Input   string `json:"input"`
	Lines   int    `json:"lines"`
	Project string `json:"project"`
	BaseURL string `json:"baseURL"`
}

// journalRecord is one line of the journal after its header.
type journalRecord struct {
	Line   int    `json:"line"`
	Status string `json:"status"`
	ID     string `json:"id,omitempty"`
	Error  string `json:"error,omitempty"`
	// Found: the message was found on the server by its messageRef, after a run that did not learn the
	// outcome of sending it.
	Found bool `json:"found,omitempty"`
}

// statusStarted is the status of a record written before a request is sent: the journal's only.
const statusStarted = "started"

// recordOf is the journal's record of outcome.
func recordOf(outcome Outcome) journalRecord {
	record := journalRecord{Line: outcome.Number, Status: string(outcome.Status), ID: outcome.ID}
	if outcome.Err != nil {
		record.Error = outcome.Err.Error()
	}
	return record
}

// lineState is where a request stands before a run sends anything: one byte a number of the input.
type lineState byte

const (
	stateNew     lineState = iota // never started, or failed: to be sent
	stateStarted                  // started by a run that stopped before its outcome: to reconcile
	stateUnknown                  // sent with an unknown outcome: to reconcile
	stateSent                     // confirmed: skipped
	stateHeld                     // unknown and without a messageRef: reported, not sent again
)

// uncertain reports whether a request in state may have been stored.
func uncertain(state lineState) bool {
	return state == stateStarted || state == stateUnknown
}

// journal appends records to the journal file and syncs them. Records written by several goroutines at
// once share one sync (a group commit).
type journal struct {
	file *os.File
	// opened is where the records of earlier runs end: those of this run follow.
	opened int64
	queue  chan journalWrite
	done   chan struct{}
}

type journalWrite struct {
	record  journalRecord
	written chan error
}

// journalLockPatience is how long a run tries again for a journal whose lock is held. A lock can outlive
// the run that held it by a moment: a process that forked just as that run closed the journal holds a
// copy of it until it execs, and the lock with it.
const journalLockPatience = time.Second

// lockJournalSoon takes the journal's lock, trying again every few milliseconds for journalLockPatience
// while another holds it.
func lockJournalSoon(file *os.File) error {
	giveUp := time.Now().Add(journalLockPatience)
	for {
		err := lockJournal(file)
		if !errors.Is(err, ErrJournalInUse) || time.Now().After(giveUp) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openJournal opens the journal at path, or creates it with header, and returns where each request of
// the input stands after the runs it records (indexed by number). onSent is called once with each
// request already sent, and its id. Any error is a *JournalError, and the file is left as it was.
func openJournal(path string, header journalHeader, onSent func(number int, id string)) (*journal, []lineState, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, &JournalError{Path: path, Err: err}
	}
	if info, err := file.Stat(); err != nil || !info.Mode().IsRegular() {
		_ = file.Close()
		return nil, nil, &JournalError{Path: path, Err: errors.New("not a regular file")}
	}
	if err := lockJournalSoon(file); err != nil {
		_ = file.Close()
		return nil, nil, &JournalError{Path: path, Err: err}
	}
	states := make([]lineState, header.Lines+1)
	end, err := readJournal(file, header, states, onSent)
	if err == nil {
		err = startJournal(file, path, end, header)
	}
	if err != nil {
		_ = file.Close()
		return nil, nil, &JournalError{Path: path, Err: err}
	}
	j := &journal{file: file, opened: end, queue: make(chan journalWrite), done: make(chan struct{})}
	go j.commit()
	return j, states, nil
}

// readJournal applies the records of file to states and returns where the last whole record ends. Only
// the last line may be torn (it has no line break: a crash cut its write short), and it is dropped; any
// other damage is an error, so that a file that is not a journal is never cut. An empty file gives 0.
// Once every record has been read without error, onSent is called with the requests sent before.
func readJournal(file *os.File, want journalHeader, states []lineState, onSent func(int, string)) (int64, error) {
	end, err := applyJournal(file, want, states)
	if err != nil {
		return 0, err
	}
	// A second reading, rather than the ids of a million requests kept in memory.
	const reported = lineState(255)
	err = eachRecord(file, end, []byte(Sent), func(_ int64, record journalRecord) {
		if record.Status == string(Sent) && states[record.Line] == stateSent {
			states[record.Line] = reported
			onSent(record.Line, record.ID)
		}
	})
	if err != nil {
		return 0, err
	}
	for i, state := range states {
		if state == reported {
			states[i] = stateSent
		}
	}
	return end, nil
}

// applyJournal is the first reading of readJournal: it checks the header and applies every record.
func applyJournal(file *os.File, want journalHeader, states []lineState) (int64, error) {
	reader := bufio.NewReader(file)
	var end int64 // the offset after the last whole line
	for number := 1; ; number++ {
		line, err := reader.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if !bytes.HasSuffix(line, []byte("\n")) { // the end: nothing, or a torn last line
			if number == 1 && len(line) > 0 && !isTornHeader(line, want.Journal) {
				return 0, fmt.Errorf("%w: its first line is not a journal header", ErrJournalDamaged)
			}
			return end, nil
		}
		if number == 1 {
			if err := checkHeader(line, want); err != nil {
				return 0, err
			}
		} else if err := applyRecord(line, states); err != nil {
			return 0, fmt.Errorf("%w: line %d is damaged (%v)", ErrJournalDamaged, number, err)
		}
		end += int64(len(line))
	}
}

// isTornHeader reports whether line, without a line break, is the start of a header of a journal called
// name that a crash cut short.
func isTornHeader(line []byte, name string) bool {
	start := []byte(`{"journal":"` + name + `",`) // how every such header begins
	return bytes.HasPrefix(line, start) || bytes.HasPrefix(start, line)
}

// checkHeader compares the journal's first line with the header of this run.
func checkHeader(line []byte, want journalHeader) error {
	var got journalHeader
	if err := json.Unmarshal(line, &got); err != nil || !slices.Contains(journalNames, got.Journal) {
		return fmt.Errorf("%w: its first line is not a journal header", ErrJournalDamaged)
	}
	switch {
	case got.Journal != want.Journal:
		return fmt.Errorf("%w: it is a journal of %s, not of %s; give each its own journal file", ErrJournalMismatch, got.Journal, want.Journal)
	case got.Version != journalVersion:
		return fmt.Errorf("%w: it is of version %d, this one writes version %d", ErrJournalMismatch, got.Version, journalVersion)
	case got.Input != want.Input || got.Lines != want.Lines:
		return fmt.Errorf("%w: it records an input of %d lines with %s, this input has %d lines with %s; give a new journal file for a new input",
			ErrJournalMismatch, got.Lines, got.Input, want.Lines, want.Input)
	case got.Project != want.Project || got.BaseURL != want.BaseURL:
		return fmt.Errorf("%w: it records sending to project %s at %s, not to project %s at %s",
			ErrJournalMismatch, got.Project, got.BaseURL, want.Project, want.BaseURL)
	}
	return nil
}

// parseRecord reads one line of the journal after its header, strictly: a JSON object of a record's
// members only, and nothing after it but the line break. Every reading of a record goes through it.
func parseRecord(line []byte) (journalRecord, error) {
	var record journalRecord
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&record); err != nil {
		return record, err
	}
	if len(bytes.TrimSpace(line[decoder.InputOffset():])) > 0 {
		return record, errors.New("there is data after the record")
	}
	return record, nil
}

// eachRecord reads the records of file before end, which the first reading (applyJournal) found whole
// and sound, again, and calls each with the offset and the record of every line that holds word (nil:
// every line).
func eachRecord(file *os.File, end int64, word []byte, each func(offset int64, record journalRecord)) error {
	reader := bufio.NewReader(io.NewSectionReader(file, 0, end))
	var offset int64
	for number := 1; ; number++ {
		line, err := reader.ReadBytes('\n')
		if number > 1 && len(line) > 0 && bytes.Contains(line, word) {
			record, parseErr := parseRecord(line)
			if parseErr != nil {
				return fmt.Errorf("%w: line %d is damaged (%v)", ErrJournalDamaged, number, parseErr)
			}
			each(offset, record)
		}
		offset += int64(len(line))
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// applyRecord moves the request of one record to its new state.
func applyRecord(line []byte, states []lineState) error {
	record, err := parseRecord(line)
	if err != nil {
		return err
	}
	if record.Line < 0 || record.Line >= len(states) {
		return fmt.Errorf("line %d is not a line of the input", record.Line)
	}
	state := &states[record.Line]
	if *state == stateSent {
		return nil // final
	}
	switch Status(record.Status) {
	case statusStarted:
		*state = stateStarted
	case Sent:
		*state = stateSent
	case Failed:
		*state = stateNew
	case Unknown:
		*state = stateUnknown
	default:
		return fmt.Errorf("unknown status %q", record.Status)
	}
	return nil
}

// startJournal cuts file after its last good record and, when that leaves it empty, writes the header.
// A new journal's directory entry is synced too, so that a crash cannot lose the file itself.
func startJournal(file *os.File, path string, end int64, header journalHeader) error {
	info, err := file.Stat()
	if err != nil {
		return err
	}
	if info.Size() != end {
		if err := file.Truncate(end); err != nil {
			return fmt.Errorf("dropping a torn last record: %w", err)
		}
	}
	if end > 0 {
		return nil
	}
	header.Version = journalVersion
	encoded, err := json.Marshal(header)
	if err != nil {
		return err
	}
	if _, err := file.Write(append(encoded, '\n')); err != nil {
		return err
	}
	if err := file.Sync(); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// lastErrors calls each with every request of numbers (in increasing order), which the journal left of
// unknown outcome, and the error its last record holds: "" when that is "started". It reads the records
// of the earlier runs once more, holding an offset for each request.
func (j *journal) lastErrors(numbers []int, each func(number int, recorded string) error) error {
	if len(numbers) == 0 {
		return nil
	}
	offsets := make([]int64, len(numbers))
	err := eachRecord(j.file, j.opened, nil, func(offset int64, record journalRecord) {
		if i, found := slices.BinarySearch(numbers, record.Line); found {
			offsets[i] = offset
		}
	})
	if err != nil {
		return err
	}
	for i, number := range numbers {
		reader := bufio.NewReader(io.NewSectionReader(j.file, offsets[i], j.opened-offsets[i]))
		line, err := reader.ReadBytes('\n')
		if err != nil {
			return err
		}
		record, err := parseRecord(line)
		if err != nil {
			return err
		}
		if err := each(number, record.Error); err != nil {
			return err
		}
	}
	return nil
}

// record appends record to the journal and returns once it is on disk. After a failed write every
// record fails, wrapping ErrJournalWrite: what the file holds then is not known.
func (j *journal) record(record journalRecord) error {
	written := make(chan error, 1)
	j.queue <- journalWrite{record: record, written: written}
	return <-written
}

// commit writes the records queued, as many at once as are waiting, with one sync for all of them.
func (j *journal) commit() {
	defer close(j.done)
	var failed error
	var group []journalWrite
	var buf bytes.Buffer
	for first := range j.queue {
		group, buf = append(group[:0], first), bytes.Buffer{}
	gather:
		for {
			select {
			case next, ok := <-j.queue:
				if !ok {
					break gather
				}
				group = append(group, next)
			default:
				break gather
			}
		}
		err := failed
		if err == nil {
			for _, w := range group {
				encoded, _ := json.Marshal(w.record) // strings, ints and a bool only: it cannot fail
				buf.Write(encoded)
				buf.WriteByte('\n')
			}
			if _, err = j.file.Write(buf.Bytes()); err == nil {
				err = j.file.Sync()
			}
			if err != nil {
				failed = fmt.Errorf("%w: %w", ErrJournalWrite, err)
				err = failed
			}
		}
		for _, w := range group {
			w.written <- err
		}
	}
}

// close stops the journal once the records being written are on disk, and closes the file. No record may
// be written after it.
func (j *journal) close() error {
	close(j.queue)
	<-j.done
	return j.file.Close()
}
