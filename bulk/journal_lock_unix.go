//go:build unix

package bulk

import (
	"errors"
	"os"
	"syscall"
)

// lockJournal takes the journal for this run: a second run with the same journal, at the same time,
// gets ErrJournalInUse. The lock ends when the file is closed, or the process ends, kill -9 included.
func lockJournal(file *os.File) error {
	err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return ErrJournalInUse
	}
	return err
}
