package bulk

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/gleap-community/gleap-go/wrapper"
)

// numbered reads the input, checking with a journal that its numbers increase and that each has a
// place in the journal's states. A number that breaks the rules ends the reading with an *InputError in
// *failed.
func (s *sender) numbered(failed *error) iter.Seq2[int, wrapper.CreateMessageRequest] {
	return func(yield func(int, wrapper.CreateMessageRequest) bool) {
		previous := -1
		for number, req := range s.input {
			if s.states != nil {
				if err := outOfOrder(number, previous); err != nil {
					*failed = err
					return
				}
				if number >= len(s.states) {
					*failed = &InputError{Number: number, Problem: fmt.Sprintf("its number is over the input's %d lines", len(s.states)-1)}
					return
				}
				previous = number
			}
			if !yield(number, req) {
				return
			}
		}
	}
}

// openJournal binds the journal to the input, the project and the API root, checks that no messageRef
// repeats in a ticket, and opens it: the requests sent before are reported Skipped.
func (s *sender) openJournal() error {
	inputID, lines := s.cfg.inputID, s.cfg.inputLines
	if inputID == "" {
		var err error
		if inputID, lines, err = identify(s.input); err != nil {
			return err
		}
	}
	var repeated error
	RepeatedRefs(s.input, func(number, first int, _ wrapper.CreateMessageRequest) bool {
		repeated = &InputError{Number: number, Problem: fmt.Sprintf("its ticket and messageRef are those of request %d: with a journal a messageRef must name one message of its ticket", first)}
		return false
	})
	if repeated != nil {
		return repeated
	}
	header := journalHeader{Input: inputID, Lines: lines, Project: s.client.Project(), BaseURL: s.client.BaseURL()}
	var err error
	s.journal, s.states, err = openJournal(s.cfg.journalPath, header, func(number int, id string) {
		_ = s.report(Outcome{Number: number, Status: Skipped, ID: id}) // an error stays in s.reportErr
	})
	return err
}

// identify reads the input once and returns what binds a journal to it: "sha256:" and the hex SHA-256
// of every request's number and JSON encoding, and the last number. The numbers must increase.
func identify(requests iter.Seq2[int, wrapper.CreateMessageRequest]) (string, int, error) {
	hash := sha256.New()
	last := -1
	for number, req := range requests {
		if err := outOfOrder(number, last); err != nil {
			return "", 0, err
		}
		last = number
		encoded, err := json.Marshal(req)
		if err != nil {
			return "", 0, &InputError{Number: number, Problem: fmt.Sprintf("it cannot be encoded: %v", err)}
		}
		_, _ = hash.Write(binary.BigEndian.AppendUint64(nil, uint64(number)))
		_, _ = hash.Write(binary.BigEndian.AppendUint64(nil, uint64(len(encoded))))
		_, _ = hash.Write(encoded)
	}
	return "sha256:" + hex.EncodeToString(hash.Sum(nil)), max(last, 0), nil
}

// outOfOrder is the error of a number that does not follow previous (-1 before the first): with a
// journal the numbers must increase, from 0.
func outOfOrder(number, previous int) error {
	if number > previous {
		return nil
	}
	return &InputError{Number: number, Problem: fmt.Sprintf("its number does not follow %d: with a journal the numbers must increase, from 0", previous)}
}
