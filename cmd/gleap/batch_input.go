package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gleap-community/gleap-go/bulk"
)

// maxBatchLineBytes caps one line of --batch, as maxJSONInputBytes caps --json: a message is a few KiB,
// and the client refuses a body over wrapper.MaxRequestBytes anyway.
const maxBatchLineBytes = maxJSONInputBytes

// errLineTooLong is the problem of a line over maxBatchLineBytes.
var errLineTooLong = fmt.Errorf("longer than %d MiB", maxBatchLineBytes>>20)

// batchInput is the input of a batch (send --batch, contacts import), read from its start once per pass: the file itself, or, for
// standard input, the temporary file it was copied to while it was validated. Nothing of it stays in
// memory but the line being read.
type batchInput struct {
	// words are the batch's, which its errors use.
	words batchWords
	file  *os.File
	// spooled: file is the copy of standard input, removed by close.
	spooled bool
	// digest is "sha256:" and the hex SHA-256 of the whole input: what binds a journal to it.
	digest string
	// lines counts every line, blank ones included; messages only the others.
	lines, messages int
	// checked is the size and modification time of the file when it was checked; zero for a copy of
	// standard input or a pipe, which nothing else writes.
	checked fileVersion
}

// badLine is a line that cannot be sent, and why.
type badLine struct {
	number int
	err    error
}

// maxBadLinesShown is how many bad lines are named on stderr; the rest are counted.
const maxBadLinesShown = 10

// maxProblemBytes caps the text kept of a bad line's problem, and maxValueQuoted the start of a value of
// the line that a problem quotes: an error may quote a member name, a URL or a messageRef, any of which
// can be megabytes long.
const (
	maxProblemBytes = 512
	maxValueQuoted  = 64
)

// abridged returns s when it is at most max bytes long, else its start, cut between characters, and
// how long it is.
func abridged(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:runeStart(s, max)], len(s))
}

// quotedStart quotes value, or only its start when it is over maxValueQuoted bytes long.
func quotedStart(value string) string {
	if len(value) <= maxValueQuoted {
		return strconv.Quote(value)
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(value[:runeStart(value, maxValueQuoted)]), len(value))
}

// runeStart is the last start of a character in s at or before i.
func runeStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// abridgedError is problem with its text abridged to maxProblemBytes.
func abridgedError(problem error) error {
	if text := problem.Error(); len(text) > maxProblemBytes {
		return errors.New(abridged(text, maxProblemBytes))
	}
	return problem
}

// openBatchInput opens name ("-" is in) and validates every line with job.parse before anything is sent,
// hashing the input on the way. journaled also refuses two lines that a resumed run could not tell
// apart (job.repeats: the same messageRef in the same ticket, the same user id). bad holds the first
// maxBadLinesShown bad lines and badCount counts them all; then the input is closed and nil. When ctx
// ends (Ctrl-C), it stops with ctx's error.
func openBatchInput[T any](ctx context.Context, job batchJob[T], name string, in io.Reader, journaled bool) (_ *batchInput, bad []badLine, badCount int, err error) {
	input := &batchInput{words: job.batchWords}
	var source io.Reader
	if name == "-" {
		source = in
	} else {
		if input.file, err = os.Open(name); err != nil {
			return nil, nil, 0, fmt.Errorf("%s: %w", job.input, err)
		}
		source = input.file
		if info, err := input.file.Stat(); err != nil || !info.Mode().IsRegular() {
			// A pipe, <(command) or a device: read once, copied to be read again.
			defer input.file.Close()
			input.file = nil
		} else {
			input.checked = versionOf(info)
			source = input.unchanged()
		}
	}
	if input.file == nil {
		if input.file, err = spool(); err != nil {
			return nil, nil, 0, fmt.Errorf("%s %s: copying the input, which cannot be read twice: %w", job.input, name, err)
		}
		input.spooled = true
		source = io.TeeReader(source, input.file)
	}
	defer func() {
		if err != nil || badCount > 0 {
			input.close()
		}
	}()

	digest := sha256.New()
	refuse := func(number int, problem error) {
		badCount++
		if len(bad) < maxBadLinesShown {
			bad = append(bad, badLine{number, abridgedError(problem)})
		}
	}
	err = eachLine(io.TeeReader(contextReader{ctx, source}, digest), func(number int, line []byte, tooLong bool) error {
		input.lines = number
		if tooLong {
			refuse(number, errLineTooLong)
			return nil
		}
		if isBlankLine(line) {
			return nil
		}
		input.messages++
		if _, err := job.parse(line); err != nil {
			refuse(number, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: reading the input: %w", job.input, err)
	}
	input.digest = "sha256:" + hex.EncodeToString(digest.Sum(nil))
	if journaled && input.lines > bulk.MaxNumber {
		return nil, nil, 0, fmt.Errorf("%s: the input has %d lines, more than the %d a --journal keeps: split it; nothing was sent", job.input, input.lines, bulk.MaxNumber)
	}
	if journaled && badCount == 0 {
		var readErr error
		// bulk refuses the first; the check names them all.
		job.repeats(requestsOf(input, job.parse, &readErr), func(number, first int, req T) bool {
			refuse(number, job.repeated(first, req))
			return true
		})
		if readErr != nil {
			return nil, nil, 0, readErr
		}
	}
	if badCount > 0 {
		return nil, bad, badCount, nil
	}
	return input, nil, 0, nil
}

// each calls fn with every line that is not blank, from the start of the input, with its number
// (counted from 1, blank lines included). An error of fn stops it and is returned; so does a change to
// the input file since it was checked.
func (in *batchInput) each(fn func(number int, line []byte) error) error {
	if _, err := in.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%s: rewinding the input: %w", in.words.input, err)
	}
	err := eachLine(in.unchanged(), func(number int, line []byte, tooLong bool) error {
		switch {
		case number > in.lines:
			return fmt.Errorf("%s: the input grew since it was validated: it has more than %d lines", in.words.input, in.lines)
		case tooLong:
			return in.changedLine(number, errLineTooLong)
		case isBlankLine(line):
			return nil
		}
		return fn(number, line)
	})
	if errors.Is(err, errInputChanged) {
		return fmt.Errorf("%s: %w; the lines read before were sent as they were checked, no later one", in.words.input, err)
	}
	return err
}

// fileVersion tells one state of a file from another: a write changes its size or its modification time.
type fileVersion struct {
	size  int64
	mtime time.Time
}

func versionOf(info os.FileInfo) fileVersion {
	return fileVersion{size: info.Size(), mtime: info.ModTime()}
}

// errInputChanged is the error of reading an input file that was written to after it was opened.
var errInputChanged = errors.New("the input file was written to during the run: its size or modification time changed")

// unchanged reads the input file, failing with errInputChanged as soon as the file is no longer the
// version that was checked. Each read is followed by a look at the file: bytes that a write changed
// were read before that look, which sees the write, so a changed line is never passed on. A copy of
// standard input is read as it is.
func (in *batchInput) unchanged() io.Reader {
	if in.spooled {
		return in.file
	}
	return unchangedReader{in.file, in.checked}
}

// unchangedReader reads file, and fails with errInputChanged once the file is no longer the version that
// was checked: its size or modification time differ after a read.
type unchangedReader struct {
	file    *os.File
	version fileVersion
}

// Read reads from the file, then looks at it (fstat): a read of a changed file fails.
func (u unchangedReader) Read(p []byte) (int, error) {
	n, err := u.file.Read(p)
	if n > 0 {
		info, statErr := u.file.Stat()
		if statErr != nil || info.Size() != u.version.size || !info.ModTime().Equal(u.version.mtime) {
			return 0, errInputChanged
		}
	}
	return n, err
}

// contextReader reads r until ctx ends, then fails with ctx's error: Ctrl-C stops the check of an input
// even in the middle of an endless line.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

// Read fails with ctx's error once it has ended, else reads from r.
func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// changedLine is the error of a line that was valid when the input was checked and is no longer, when it
// is read again to be sent: the file was changed during the run.
func (in *batchInput) changedLine(number int, problem error) error {
	return fmt.Errorf("%s: line %d changed since it was validated: %w", in.words.input, number, problem)
}

// close closes the input and removes the copy of standard input, where spool could not.
func (in *batchInput) close() {
	_ = in.file.Close()
	if in.spooled {
		_ = os.Remove(in.file.Name())
	}
}

// spool returns an empty temporary file for a copy of an input that cannot be read twice. Where the
// system allows it, the file is removed at once and lives on only as long as it is open, so that no copy
// of the customers' messages is left behind, even after a kill -9.
func spool() (*os.File, error) {
	file, err := os.CreateTemp("", "gleap-batch-*.jsonl")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(file.Name()) // fails on Windows while the file is open: close removes it there
	return file, nil
}

// eachLine calls fn with every line of r, numbered from 1, without its line break. A line longer than
// maxBatchLineBytes is read to its end but not kept: fn gets tooLong and no bytes. The line passed to fn
// is valid only until fn returns.
func eachLine(r io.Reader, fn func(number int, line []byte, tooLong bool) error) error {
	reader := bufio.NewReaderSize(r, 64<<10)
	var long []byte // a line longer than the reader's buffer, collected here
	number := 0
	for {
		chunk, err := reader.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long) <= maxBatchLineBytes {
				long = append(long, chunk...)
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if len(chunk) == 0 && len(long) == 0 && err != nil {
			return nil // the input ended with a line break, or is empty
		}
		number++
		line := chunk
		if len(long) > 0 {
			line = append(long, chunk...)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if number == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff")) // the byte order mark some Windows editors write
		}
		tooLong := len(line) > maxBatchLineBytes
		if tooLong {
			line = nil
		}
		if fnErr := fn(number, line, tooLong); fnErr != nil {
			return fnErr
		}
		long = long[:0]
		if cap(long) > 1<<20 {
			long = nil // one huge line does not keep its buffer for the rest of the input
		}
		if err != nil {
			return nil
		}
	}
}

func isBlankLine(line []byte) bool {
	return len(bytes.TrimSpace(line)) == 0
}

// errStopped ends a reading of the input that its reader broke off.
var errStopped = errors.New("stopped")

// requestsOf reads input again as the requests bulk sends, numbered by line, each parsed with parse as
// it was checked. A change to the input since it was checked ends the reading, with the error in *failed.
func requestsOf[T any](in *batchInput, parse func(line []byte) (T, error), failed *error) iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		err := in.each(func(number int, line []byte) error {
			req, err := parse(line)
			switch {
			case err != nil:
				return in.changedLine(number, err)
			case !yield(number, req):
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			*failed = err
		}
	}
}
