package bulk

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"iter"
	"math/bits"
)

// MaxNumber is the highest number a request may have with a journal, and the most lines WithInputID may
// name. The journal keeps a byte of state and a bit for each number up to the highest, whether the input
// uses it or not, so numbers should be dense, as line numbers and indexes are: 10 million numbers take
// 11 MB, and at Gleap's rate limit of 1000 requests a minute a week to send.
const MaxNumber = 10_000_000

// readings checks that every reading of the input, with a journal, yields what the first one did. The
// first reading records which numbers it has, a bit each, and a digest of every request's number and
// JSON encoding; each later reading is compared with it as it goes, number by number, and by its digest
// once it ends. Memory stays a bit a number, whatever the requests hold.
type readings struct {
	// lines is the highest number a request may have: MaxNumber until the journal's header is known.
	lines int
	// present has bit n set when the first reading had request n; digest is that reading's, nil until it
	// ended, and last its last number (-1 for an empty input).
	present []uint64
	digest  []byte
	last    int
}

func newReadings(lines int) *readings {
	return &readings{lines: lines, last: -1}
}

// has reports whether the first reading had request number.
func (r *readings) has(number int) bool {
	word := number / 64
	return word < len(r.present) && r.present[word]&(1<<(number%64)) != 0
}

// nextPresent returns the first number after previous that the first reading had, or -1.
func (r *readings) nextPresent(previous int) int {
	from := previous + 1
	for word := from / 64; word < len(r.present); word++ {
		w := r.present[word]
		if word == from/64 {
			w &= ^uint64(0) << (from % 64)
		}
		if w != 0 {
			return word*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// inputID is what binds a journal to the input when the caller names none (WithInputID): "sha256:" and
// the hex digest of the first reading.
func (r *readings) inputID() string {
	return "sha256:" + hex.EncodeToString(r.digest)
}

// numbered reads the input. With a journal it checks that the numbers increase, from 0, up to the
// journal's lines, and that this reading yields what the first one did (see readings): a number that
// breaks the rules ends the reading with an *InputError in *failed, before the request is yielded. A
// change that leaves the numbers as they were is found when the reading ends, and so only after its
// requests were yielded.
func (s *sender[T]) numbered(failed *error) iter.Seq2[int, T] {
	if s.readings == nil {
		return s.input
	}
	r := s.readings
	return func(yield func(int, T) bool) {
		first := r.digest == nil
		digest := sha256.New()
		previous := -1
		for number, req := range s.input {
			err := r.check(number, previous, first)
			if err == nil {
				err = addToDigest(digest, number, req)
			}
			if err != nil {
				failOnce(failed, err)
				return
			}
			if first {
				r.record(number)
			}
			previous = number
			if !yield(number, req) {
				return
			}
		}
		failOnce(failed, r.end(previous, first, digest))
	}
}

// failOnce keeps the first error of the readings that share *failed, such as the two of RepeatedRefs.
func failOnce(failed *error, err error) {
	if *failed == nil {
		*failed = err
	}
}

// check checks the number of a request that follows previous (-1 before the first) in a reading.
func (r *readings) check(number, previous int, first bool) error {
	switch {
	case number <= previous:
		return &InputError{Number: number, Problem: fmt.Sprintf("its number does not follow %d: with a journal the numbers must increase, from 0", previous)}
	case number > r.lines && r.lines == MaxNumber:
		return &InputError{Number: number, Problem: fmt.Sprintf("its number is over %d, the most a journal keeps (bulk.MaxNumber): number the requests densely, as lines or indexes", MaxNumber)}
	case number > r.lines:
		return &InputError{Number: number, Problem: fmt.Sprintf("its number is over the input's %d lines", r.lines)}
	case first:
		return nil
	case !r.has(number):
		return changed(number, "it is not in the first reading of the input")
	}
	if missing := r.nextPresent(previous); missing < number {
		return changed(missing, "it is missing from a later reading of the input")
	}
	return nil
}

// end finishes a reading whose last number was last: the first one records its digest, a later one must
// have the first one's, and all of its requests.
func (r *readings) end(last int, first bool, digest hash.Hash) error {
	sum := digest.Sum(nil)
	if first {
		r.digest, r.last = sum, last
		return nil
	}
	if missing := r.nextPresent(last); missing >= 0 {
		return changed(missing, "it is missing from a later reading of the input")
	}
	if !bytes.Equal(sum, r.digest) {
		return changed(last, "a request up to this one differs from its first reading, which was sent or settled as it was read")
	}
	return nil
}

// record notes that the first reading has request number.
func (r *readings) record(number int) {
	for len(r.present) <= number/64 {
		r.present = append(r.present, 0)
	}
	r.present[number/64] |= 1 << (number % 64)
}

// changed is the error of an input that read differently than it did the first time.
func changed(number int, problem string) *InputError {
	return &InputError{Number: number, Problem: problem + ": the input must yield the same requests on every reading"}
}

// addToDigest adds a request's number and JSON encoding, each with its length, to digest: the digest of
// a reading, and without WithInputID the input's id in the journal (its format is a contract).
func addToDigest(digest hash.Hash, number int, req any) error {
	encoded, err := json.Marshal(req)
	if err != nil {
		return &InputError{Number: number, Problem: fmt.Sprintf("it cannot be encoded: %v", err)}
	}
	_, _ = digest.Write(binary.BigEndian.AppendUint64(nil, uint64(number)))
	_, _ = digest.Write(binary.BigEndian.AppendUint64(nil, uint64(len(encoded))))
	_, _ = digest.Write(encoded)
	return nil
}

// openJournal reads the input a first time, checking its numbers and that no request repeats another
// (op.repeated: a messageRef in a ticket, a user id), binds the journal to the input, the project and
// the API root, and opens it: the requests sent before are reported Skipped.
func (s *sender[T]) openJournal() error {
	lines := MaxNumber
	if s.cfg.inputID != "" {
		lines = s.cfg.inputLines
	}
	s.readings = newReadings(lines)
	var inputErr error
	repeated := s.op.repeated(s.numbered(&inputErr))
	switch {
	case inputErr != nil:
		return inputErr
	case repeated != nil:
		return repeated
	}
	inputID := s.cfg.inputID
	if inputID == "" {
		inputID, s.readings.lines = s.readings.inputID(), max(s.readings.last, 0)
	}
	header := journalHeader{Journal: s.op.journal, Input: inputID, Lines: s.readings.lines, Project: s.client.Project(), BaseURL: s.client.BaseURL()}
	var err error
	s.journal, s.states, err = openJournal(s.cfg.journalPath, header, func(number int, id string) {
		_ = s.report(Outcome{Number: number, Status: Skipped, ID: id}) // an error stays in s.reportErr
	})
	return err
}
